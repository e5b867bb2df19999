/**
 * What the chat component costs the org in Apex: every `ChatController` call the Apex routes served,
 * per method and per user, with the rows it returned. A real org meters the same things per
 * transaction (the governor limits "Total number of SOQL queries issued" and "Total number of
 * records retrieved by SOQL queries"); here they are summed, so a test or the bench can say how many
 * calls and rows one posted message cost N open tabs. Read over HTTP at `GET /dev/apex-usage`
 * (dev-routes.ts) and as `DevOrg.apexUsage()`.
 */

/** Calls of one method and the rows they returned. */
export interface ApexMethodUsage {
  calls: number;
  /**
   * Records the calls returned: the length of a returned list, 1 for a returned record, 0 for void
   * or a refusal. The controller's queries return what they retrieve (no aggregate queries), so this
   * is what SOQL retrieved for the caller.
   */
  rows: number;
}

/** A snapshot: totals per method, and per user id (18 characters) per method. */
export interface ApexUsageSnapshot {
  methods: Record<string, ApexMethodUsage>;
  byUser: Record<string, Record<string, ApexMethodUsage>>;
}

/** Rows a return value stands for (see {@link ApexMethodUsage.rows}). */
export function rowsOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return value === undefined || value === null ? 0 : 1;
}

/** Running totals of the Apex calls a dev org served. */
export class ApexUsage {
  readonly #methods = new Map<string, ApexMethodUsage>();
  readonly #byUser = new Map<string, Map<string, ApexMethodUsage>>();

  /**
   * Counts one call.
   * @param method - the Apex method's name as declared.
   * @param userId - the running user.
   * @param value - what it returned (`undefined` when it threw).
   */
  record(method: string, userId: string, value: unknown): void {
    const rows = rowsOf(value);
    add(this.#methods, method, rows);
    let perUser = this.#byUser.get(userId);
    if (!perUser) this.#byUser.set(userId, (perUser = new Map()));
    add(perUser, method, rows);
  }

  /** A copy of the totals so far (later calls do not change it). */
  snapshot(): ApexUsageSnapshot {
    const plain = (map: Map<string, ApexMethodUsage>) => Object.fromEntries([...map].map(([name, usage]) => [name, { ...usage }]));
    return { methods: plain(this.#methods), byUser: Object.fromEntries([...this.#byUser].map(([user, map]) => [user, plain(map)])) };
  }
}

function add(map: Map<string, ApexMethodUsage>, method: string, rows: number): void {
  const usage = map.get(method) ?? { calls: 0, rows: 0 };
  usage.calls += 1;
  usage.rows += rows;
  map.set(method, usage);
}
