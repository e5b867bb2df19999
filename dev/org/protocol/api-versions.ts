/**
 * API versions the dev org serves. Salesforce puts the version in every URL (`/cometd/62.0`,
 * `/services/data/v62.0/…`, `/services/Soap/u/62.0`); the Streaming API refuses versions below
 * 37.0 ("Streaming API Error Codes"), and the dev org applies the same floor everywhere.
 */

/** Oldest version served, as a number (`37.0`). */
export const OLDEST_API_VERSION = 37;

/**
 * Reads a version as Salesforce writes it in URLs (`62.0`).
 * @returns the major version, or `undefined` when the text is not of the form `NN.0`.
 */
export function parseApiVersion(text: string): number | undefined {
  const match = /^(\d{2,3})\.0$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Whether `text` (e.g. `62.0`) names a version the dev org serves (37.0 or later). */
export function isServedApiVersion(text: string): boolean {
  const version = parseApiVersion(text);
  return version !== undefined && version >= OLDEST_API_VERSION;
}

/** One entry of `GET /services/data/`, as Salesforce lists it. */
export interface ApiVersionEntry {
  /** Release name, e.g. `Winter '25`. */
  label: string;
  /** e.g. `/services/data/v62.0`. */
  url: string;
  /** e.g. `62.0`. */
  version: string;
}

/**
 * Every served version up to `newest` (e.g. `62.0`), oldest first, labelled with its release
 * (three releases a year: 59.0 was Winter '24).
 * @throws Error when `newest` is not a served version.
 */
export function servedApiVersions(newest: string): ApiVersionEntry[] {
  const last = parseApiVersion(newest);
  if (last === undefined || last < OLDEST_API_VERSION) {
    throw new Error(`API version ${newest} is not served (37.0 or later, written like 62.0)`);
  }
  const seasons = ['Winter', 'Spring', 'Summer'] as const;
  const entries: ApiVersionEntry[] = [];
  for (let v = OLDEST_API_VERSION; v <= last; v += 1) {
    const offset = v - 59;
    const season = seasons[((offset % 3) + 3) % 3];
    const year = 24 + Math.floor(offset / 3);
    const version = `${v}.0`;
    entries.push({ label: `${season} '${String(year).padStart(2, '0')}`, url: `/services/data/v${version}`, version });
  }
  return entries;
}
