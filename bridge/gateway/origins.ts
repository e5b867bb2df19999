/**
 * Which browser origins may open a socket.
 *
 * Why this exists: WebSocket connections are not subject to CORS, so without this check any web page a
 * user visits could open a socket to the bridge from their browser. Lightning pages are served from
 * per-org hosts (`https://<domain>.lightning.force.com`, Experience Cloud sites on `*.my.site.com`), so
 * the allow-list takes host patterns with `*` labels. The check is defence in depth, not
 * authentication: non-browser clients send no `Origin` and are let through, because the token is what
 * authenticates.
 */

/** One parsed allow-list entry. */
interface OriginPattern {
  /** `http:` or `https:`. */
  protocol: string;
  /** Port as `URL#port` spells it: `''` for the scheme's default. */
  port: string;
  /** Matches the whole (lower-case, punycode) host name. */
  host: RegExp;
}

const LABEL = '[a-z0-9-]+';
/** Most (Origin, Host) verdicts an origin matcher remembers; then it starts over. */
const MAX_REMEMBERED_VERDICTS = 256;
const PATTERN_SYNTAX = /^(https?):\/\/([^/:?#\s]+)(?::(\d{1,5}))?\/?$/i;

/**
 * Parses one pattern (`scheme://host[:port]`, `*` only as whole host labels).
 * @throws Error naming the pattern when it is not of that form, or when a wildcard would match a
 *   whole top-level domain (fewer than two fixed labels, e.g. `https://*.com`)
 */
function parsePattern(pattern: string): OriginPattern {
  const m = PATTERN_SYNTAX.exec(pattern.trim());
  if (m === null) {
    throw new Error(`origin pattern "${pattern}" must look like https://host, https://*.domain or http://host:port`);
  }
  const [, scheme, rawHost, rawPort] = m as unknown as [string, string, string, string | undefined];
  const protocol = `${scheme.toLowerCase()}:`;
  const labels = rawHost.toLowerCase().split('.');
  for (const label of labels) {
    if (label !== '*' && !new RegExp(`^${LABEL}$`).test(label)) {
      throw new Error(`origin pattern "${pattern}": "${label}" is not a host label (use * for whole labels only)`);
    }
  }
  const fixed = labels.filter((l) => l !== '*').length;
  if (labels.includes('*') && fixed < 2) {
    throw new Error(`origin pattern "${pattern}" is too broad: a wildcard needs at least two fixed labels`);
  }
  // Let URL drop a default port (`https://x:443` → ''), exactly as it does for incoming origins.
  let probe: URL;
  try {
    probe = new URL(`${protocol}//example.com${rawPort ? `:${rawPort}` : ''}`);
  } catch {
    throw new Error(`origin pattern "${pattern}": port ${rawPort ?? ''} is out of range`);
  }
  // Labels are [a-z0-9-] only (IDN hosts must be written in punycode), so nothing else needs escaping.
  const source = labels.map((l) => (l === '*' ? `${LABEL}(?:\\.${LABEL})*` : l)).join('\\.');
  return { protocol, port: probe.port, host: new RegExp(`^${source}$`) };
}

/** An `Origin` header as a URL, or `undefined` if it is not a plain http(s) origin (e.g. `null`). */
function parseOrigin(origin: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
  return url;
}

/** Whether the origin is the bridge itself: its `host[:port]` equals the request's `Host` header. */
function isSelf(url: URL, selfHost: string | undefined): boolean {
  if (!selfHost) return false;
  try {
    return new URL(`${url.protocol}//${selfHost}`).host === url.host;
  } catch {
    return false;
  }
}

/**
 * Builds the origin check used by the handshake middleware (and, by the caller, socket.io's `cors`).
 *
 * Patterns: `https://*.lightning.force.com`, `https://acme.my.site.com`, `http://localhost:3000`.
 * `*` stands for one or more whole DNS labels; scheme and port must match exactly (a missing port
 * means the scheme's default, so `https://x` and `https://x:443` are the same origin).
 *
 * @param patterns allow-list; may be empty (then only the bridge's own origin and non-browser
 *   clients get in)
 * @returns `isAllowed(origin, selfHost?)`: `true` when `origin` is `undefined` (no `Origin` header:
 *   not a browser), when its host equals `selfHost` (the request's `Host` header: the bridge's own
 *   pages), or when a pattern matches. `null`, malformed or non-http(s) origins are refused.
 * @throws Error at creation for a malformed pattern, naming it
 */
export function createOriginMatcher(patterns: string[]): (origin: string | undefined, selfHost?: string) => boolean {
  const parsed = patterns.filter((p) => p.trim() !== '').map(parsePattern);
  const judge = (origin: string, selfHost: string | undefined): boolean => {
    const url = parseOrigin(origin);
    if (url === undefined) return false;
    if (isSelf(url, selfHost)) return true;
    return parsed.some((p) => p.protocol === url.protocol && p.port === url.port && p.host.test(url.hostname));
  };
  // Each socket is judged twice (socket.io's `cors` and the handshake middleware), and the sockets of
  // one deployment send a handful of distinct origins: remembering verdicts spares a reconnect storm
  // two URL parses per socket.
  const verdicts = new Map<string, boolean>();
  return function isOriginAllowed(origin: string | undefined, selfHost?: string): boolean {
    if (origin === undefined) return true;
    const key = `${origin}\n${selfHost ?? ''}`;
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = judge(origin, selfHost);
      if (verdicts.size >= MAX_REMEMBERED_VERDICTS) verdicts.clear(); // a client inventing origins cannot grow it
      verdicts.set(key, verdict);
    }
    return verdict;
  };
}
