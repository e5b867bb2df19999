/**
 * How the command-line tools find the dev-mode bridges running from this directory.
 *
 * Why this exists: every dev-mode bridge (`npm start` without credentials) runs an embedded dev org
 * of its own — new ids, client secret and token secret at every start — and the tools in another
 * terminal (publish-event, watch) need those coordinates. Each bridge process writes its own entry,
 * named by its pid, and removes it when it stops. An entry whose process is gone (kill -9, a crash)
 * is stale: the tools ignore it, so they can say plainly that no bridge runs instead of failing to
 * connect to a dead one; the next dev-mode bridge to start sweeps such entries away. Two bridges
 * side by side never overwrite each other, and the tools ask which one to use.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isProcessAlive } from '../bridge/process-alive.js';
import { isLoopbackHost } from '../bridge/loopback.js';

/** Folder of the session entries, one `<pid>.json` per running dev-mode bridge (git-ignored). */
export const DEV_SESSIONS_DIR = '.data/dev-sessions';

/** What the command-line tools need to reach a running dev-mode bridge and its dev org. */
export interface DevSession {
  /** Bridge URL, e.g. http://localhost:3000. */
  bridgeUrl: string;
  /** Dev org URL (login and instance URL). */
  devOrgUrl: string;
  orgId: string;
  apiVersion: string;
  /** Connected app of the dev org (client credentials flow for the CLI). */
  clientId: string;
  clientSecret: string;
  /** HS256 secret browser tokens are signed with. */
  tokenSecret: string;
  audience: string;
  /** The bridge's process; the entry is stale once it is gone. */
  pid: number;
}

/** The entry file of the dev-mode bridge running as `pid`. */
export function devSessionFile(pid: number, dir = DEV_SESSIONS_DIR): string {
  return join(dir, `${pid}.json`);
}


/** Every entry in `dir`, split into those of running processes and the files of stale ones. */
async function scan(dir: string): Promise<{ live: DevSession[]; stale: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return { live: [], stale: [] }; // no folder: no dev-mode bridge ever ran here
  }
  const live: DevSession[] = [];
  const stale: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let session: DevSession;
    try {
      session = JSON.parse(await readFile(file, 'utf8')) as DevSession;
    } catch {
      continue; // removed meanwhile by its bridge, or not ours to judge
    }
    if (Number.isInteger(session.pid) && isProcessAlive(session.pid)) live.push(session);
    else stale.push(file);
  }
  return { live, stale };
}

/**
 * Writes (or replaces) one bridge's entry, atomically (a reader never sees half a file), readable by
 * its owner only (it holds secrets), after removing the entries of bridges that no longer run.
 */
export async function writeDevSession(file: string, session: DevSession): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  for (const staleFile of (await scan(dir)).stale) await rm(staleFile, { force: true });
  const temp = `${file}.tmp`; // only the owner writes its entry
  await writeFile(temp, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

/** Whether two URLs name the same local bridge: same scheme and port, any loopback name for the host. */
function sameBridgeUrl(a: string, b: string): boolean {
  const loopback = (host: string) => (isLoopbackHost(host) ? 'localhost' : host);
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return x.protocol === y.protocol && x.port === y.port && loopback(x.hostname) === loopback(y.hostname);
  } catch {
    return false;
  }
}

/**
 * The coordinates of the running dev-mode bridge: the only one running from this directory, or the
 * one at `bridgeUrl`.
 * @param options.bridgeUrl the bridge to pick (a `--url` flag); needed when several run.
 * @throws Error saying what to do, when none runs (naming stale entries left by killed bridges),
 *   when several run and no `bridgeUrl` picks one, or when none runs at `bridgeUrl`.
 */
export async function readDevSession(options: { bridgeUrl?: string } = {}): Promise<DevSession> {
  const { live, stale } = await scan(DEV_SESSIONS_DIR);
  const list = live.map((s) => `${s.bridgeUrl} (pid ${s.pid})`).join(', ');
  if (live.length === 0) {
    const found = stale.length === 0 ? 'none' : `only ${stale.length} left by bridges that no longer run`;
    throw new Error(`No dev-mode bridge is running here (entries in ${DEV_SESSIONS_DIR}/: ${found}): start one with \`npm start\` first`);
  }
  if (options.bridgeUrl !== undefined) {
    const picked = live.find((s) => sameBridgeUrl(s.bridgeUrl, options.bridgeUrl!));
    if (picked === undefined) throw new Error(`No dev-mode bridge is running at ${options.bridgeUrl}; running here: ${list}`);
    return picked;
  }
  if (live.length > 1) {
    throw new Error(`${live.length} dev-mode bridges are running here: ${list}; pass --url <bridge url> to pick one`);
  }
  return live[0]!;
}
