/**
 * A Redis server of the test's own (Debian's `redis-server` package) on a free loopback port, no
 * persistence, which a test can stop (SIGKILL: as a crash, everything it held is gone) and start
 * again on the same port — the "Redis restarted" fault of a cluster.
 *
 * Why a child process in the foreground, not `--daemonize yes`: the test owns its pid and kills it
 * by that pid, and nothing outlives the test run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { freePort } from './stores.js';
import { waitFor } from './wait-for.js';

const REDIS_SERVER = '/usr/bin/redis-server';

/** A running Redis server. */
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
    await waitFor(() => started.exitCode === null && pings(port), 'redis-server answering PING', { timeoutMs: 10_000, intervalMs: 50 }).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
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
