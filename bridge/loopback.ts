/**
 * Which host names mean this machine: where the bridge may skip TLS to PostgreSQL, and where dev mode
 * treats two spellings of a local URL as the same server.
 */

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * @param hostname - `URL.hostname` (an IPv6 address in brackets, as `URL` gives it).
 * @returns true for `localhost`, `127.0.0.1` and `[::1]`.
 */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}
