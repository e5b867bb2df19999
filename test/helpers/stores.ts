/**
 * The stores tests run on: an in-memory PGlite shared by one test file (opening one costs ~2 s, so
 * a file pays it once), and a real PostgreSQL server (Debian's `postgresql` package) started on a
 * free port in a temporary directory, which a test can stop, start and restart to see what the
 * bridge does when its database goes away.
 *
 * PostgreSQL refuses to run as root: as root (CI, this machine) the server runs as the `postgres`
 * user through `runuser`, in a directory that user may write.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { EventStore } from '../../bridge/store/event-store.js';
import { openMemoryStore } from '../../bridge/store/open-store.js';

let shared: Promise<EventStore> | undefined;

/** This test file's in-memory store (opened at the first call, gone with the test process). */
export const sharedMemoryStore = (): Promise<EventStore> => (shared ??= openMemoryStore(pino({ level: 'silent' })));

/** A PostgreSQL server of the test's own. */
export interface PostgresServer {
  /** `postgres://bridge@127.0.0.1:<port>/postgres`. */
  url: string;
  /** Fast shutdown (sessions are cut, as in a crash of the server or a failover); resolves once it is down. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and deletes its files. */
  close(): Promise<void>;
}

/** Where Debian puts the server binaries (`/usr/lib/postgresql/<major>/bin`), highest major first. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (!majors.length) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (.ci/run does)');
  return join(root, majors[0]!, 'bin');
}

const asPostgres = (command: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];

async function pgCtl(bin: string, args: string[]): Promise<void> {
  const child = spawn(...asPostgres(join(bin, 'pg_ctl'), args));
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`pg_ctl ${args.at(-1)} failed (${code}): ${output}`);
}

/** A TCP port free on 127.0.0.1 now (a server that must come back on the same port takes it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Initialises and starts a server (~2–4 s); `fsync=off`, since a test's data need not survive the
 * machine, unless `durable` (the benchmark: commits cost what they cost in production).
 * @throws Error when PostgreSQL is not installed, or the server does not start within 30 s.
 */
export async function startPostgresServer({ durable = false }: { durable?: boolean } = {}): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'bridge-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const init = spawnSync(...asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'bridge', '--no-sync']), { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const url = `postgres://bridge@127.0.0.1:${port}/postgres`;
  const options = `-p ${port} -k ${dir} -h 127.0.0.1${durable ? '' : ' -c fsync=off'}`;
  // pg_ctl waits (-w) until the server accepts connections, or has shut down. Run asynchronously:
  // the bridge under test lives in this process and must keep running meanwhile.
  const start = () => pgCtl(bin, ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  // -m fast: sessions are terminated at once, as in a crash of the server or a failover.
  const stop = () => pgCtl(bin, ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  return {
    url,
    start,
    stop,
    async close() {
      await stop().catch(() => undefined); // already stopped
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
