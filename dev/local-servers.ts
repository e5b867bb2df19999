/**
 * Servers a developer's machine runs for a local cluster and the tests run for themselves: a
 * PostgreSQL server (Debian's `postgresql` package) and a Redis server (`redis-server`), each on a
 * free loopback port in a temporary directory, owned by this process (stopped, started again,
 * closed by it). `npm run cluster` starts them when `DATABASE_URL` / `REDIS_URL` are unset; the
 * store and cluster tests start their own.
 *
 * PostgreSQL refuses to run as root: as root (CI, containers) the server runs as the `postgres`
 * user through `runuser`, in a directory that user may write. Redis runs in the foreground as a
 * child (no `--daemonize`), so it is stopped by its pid and nothing outlives its owner.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** A PostgreSQL server of this process's own. */
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
 * Initialises and starts a server (~2–4 s) in a temporary directory; `fsync=off`, since its data
 * need not survive the machine, unless `durable` (the benchmark: commits cost what they cost in
 * production).
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

const REDIS_SERVER = '/usr/bin/redis-server';

/** A running Redis server (no persistence). */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Kills it (SIGKILL): its keys and streams are gone, connections cut. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it for good. */
  close(): Promise<void>;
}

/** Whether `port` answers a Redis PING with PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts a server on a free port.
 * @throws Error when redis-server is not installed (`.ci/run` installs it) or does not answer within 10 s.
 */
export async function startRedisServer(): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER)) throw new Error('redis-server is not installed: apt-get install -y redis-server (.ci/run does)');
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    output = '';
    const started = spawn(REDIS_SERVER, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout?.on('data', (d) => (output += d));
    started.stderr?.on('data', (d) => (output += d));
    child = started;
    const deadline = Date.now() + 10_000;
    while (!(started.exitCode === null && (await pings(port)))) {
      if (Date.now() > deadline || started.exitCode !== null) throw new Error(`redis-server did not answer PING on ${port} within 10 s:\n${output}`);
      await delay(50);
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop, close: stop };
}
