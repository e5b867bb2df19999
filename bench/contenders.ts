/**
 * Starts and stops the servers the benchmark compares, each in a process of its own, and the dev
 * org the bridge logs in to.
 *
 * Why this exists: a fair comparison needs every server alone in its process (its CPU time and
 * memory are then its own) and driven the same way: the client asks a helper over IPC to publish,
 * the server fans out, the client's sockets measure. The bridge is the production build
 * (`node dist/bridge/server.js`, `NODE_ENV=production`), logged in to the dev org over HTTP with
 * `SF_INSTANCE_URL` + `SF_ACCESS_TOKEN` as it would be to a real org, and gets its events through
 * CometD; the baselines get theirs straight over IPC.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PublishRequest, PublishedMessage, ReadyMessage } from './servers/ipc.js';

/** The servers compared: plain socket.io (the reference of every ratio), raw ws (the floor), the bridge. */
export type ContenderName = 'socket.io' | 'ws' | 'bridge';

/** A server under test, listening. */
export interface Contender {
  readonly name: ContenderName;
  /** Its process id (CPU time and RSS are read from /proc). */
  readonly pid: number;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Has `count` events published (one after another, as fast as they come); resolves once all were handed on. */
  publish(count: number): Promise<void>;
  close(): Promise<void>;
}

/** The dev org's helper process: the bridge's Salesforce. */
export interface BenchOrg {
  readonly url: string;
  readonly accessToken: string;
  readonly orgId: string;
  /** 18-character id of the org's default room: the room of every event it publishes, and the bench tokens' `rooms` claim. */
  readonly roomId: string;
  /** Publishes `count` `Chat_Event__e` of {@link roomId} through the org's publish path. */
  publish(count: number): Promise<void>;
  close(): Promise<void>;
}

const HERE = import.meta.dirname;
/** HS256 secret the bridge verifies the benchmark's tokens with. */
export const BENCH_TOKEN_SECRET = 'bench-token-secret-0123456789abcdef';
/** Longest a helper may take to be ready, ms (the bridge creates its embedded database, logs in and subscribes first: ~10 s idle, minutes on a loaded machine). */
const READY_TIMEOUT_MS = 120_000;
/** Longest a server may take to exit after SIGTERM before it is killed, ms. */
const EXIT_TIMEOUT_MS = 12_000;

/** `node --cpu-prof` flags writing into `dir` (none when undefined). */
const profileFlags = (dir: string | undefined): string[] => (dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`]);

/** A helper forked on this TypeScript source (tsx, with an IPC channel), profiled into `profileDir` when set. */
function forkHelper(script: string, profileDir?: string): ChildProcess {
  return fork(join(HERE, 'servers', script), [], {
    execArgv: [...profileFlags(profileDir), '--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
}

function waitForMessage<T>(child: ChildProcess, accept: (message: unknown) => message is T, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${what}: no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const onMessage = (message: unknown): void => {
      if (accept(message)) done(undefined, message);
    };
    const onExit = (code: number | null): void => done(new Error(`${what}: process exited (${code})`));
    function done(err: Error | undefined, message?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Publishing through a helper: one {@link PublishRequest}, then its {@link PublishedMessage}. */
function publisher(child: ChildProcess, what: string): (count: number) => Promise<void> {
  return async (count) => {
    const published = waitForMessage(child, (m): m is PublishedMessage => (m as PublishedMessage).published === count, `${what}: publish`);
    child.send({ publish: count } satisfies PublishRequest);
    await published;
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Starts the dev org in its helper process. */
export async function startBenchOrg(): Promise<BenchOrg> {
  const child = forkHelper('dev-org.ts');
  const ready = await waitForMessage(child, (m): m is Extract<ReadyMessage, { ready: 'dev-org' }> => (m as ReadyMessage).ready === 'dev-org', 'dev org');
  const { url, accessToken, orgId, roomId } = ready;
  return { url, accessToken, orgId, roomId, publish: publisher(child, 'dev org'), close: () => stop(child) };
}

/** Starts a baseline server in its helper process (profiled into `<profileDir>/<name>` when set). */
async function startBaseline(name: 'socket.io' | 'ws', script: string, profileDir: string | undefined): Promise<Contender> {
  const child = forkHelper(script, profileDir === undefined ? undefined : join(profileDir, name));
  const ready = await waitForMessage(child, (m): m is Extract<ReadyMessage, { ready: 'server' }> => (m as ReadyMessage).ready === 'server', name);
  return { name, pid: child.pid!, url: `http://127.0.0.1:${ready.port}`, publish: publisher(child, name), close: () => stop(child) };
}

/**
 * Starts the production bridge (`node <entry>`) logged in to `org`, and resolves once it listens and
 * is subscribed (read from its log lines). Its store is `launch.databaseUrl` (PostgreSQL) when set,
 * else a fresh embedded PostgreSQL (PGlite) in a temporary directory, as a production bridge
 * without `DATABASE_URL` runs.
 * @throws Error with the bridge's output when it exits or is not subscribed within 30 s.
 */
export async function startBridge(launch: BridgeLaunch, org: BenchOrg): Promise<Contender> {
  const { entry, profileDir } = launch;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-bridge-'));
  const profile = profileFlags(profileDir === undefined ? undefined : join(profileDir, 'bridge'));
  const store = launch.databaseUrl === undefined ? { EMBEDDED_DATABASE_DIR: join(dataDir, 'pglite') } : { DATABASE_URL: launch.databaseUrl };
  const cluster = launch.redisUrl === undefined ? {} : { REDIS_URL: launch.redisUrl };
  const child = spawn(process.execPath, [...profile, entry], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: '0',
      LOG_LEVEL: 'info',
      SF_INSTANCE_URL: org.url,
      SF_ACCESS_TOKEN: org.accessToken,
      CHAT_TOKEN_SECRET: BENCH_TOKEN_SECRET,
      ...store,
      ...cluster,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const port = await new Promise<number>((resolve, reject) => {
    let listening: number | undefined;
    let subscribed = false;
    const timer = setTimeout(() => reject(new Error(`bridge: not subscribed within ${READY_TIMEOUT_MS} ms\n${output}`)), READY_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`bridge exited (${code})\n${output}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output += `${line}\n`;
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === 'bridge: listening') listening = entry.port;
      if (entry.msg === 'upstream: subscribed') subscribed = true;
      if ((subscribed || launch.follower) && listening !== undefined) {
        clearTimeout(timer);
        resolve(listening);
      }
    });
  });
  return {
    name: 'bridge',
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    publish: org.publish,
    async close() {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Where the bridge comes from, and whether to profile it. */
export interface BridgeLaunch {
  /** The built bridge's entry file (`dist/bridge/server.js`). */
  entry: string;
  /**
   * When set, the bridge runs with `node --cpu-prof` and writes its `.cpuprofile` into `<this>/bridge`
   * on exit (and the baselines started with it into `<this>/socket.io`, `<this>/ws`).
   */
  profileDir?: string;
  /** When set, the bridge's store is this PostgreSQL (`DATABASE_URL`) instead of an embedded one. */
  databaseUrl?: string;
  /** When set (with `databaseUrl`), the bridge is a cluster node (`REDIS_URL`). */
  redisUrl?: string;
  /** A cluster follower: ready once it listens (it never subscribes). */
  follower?: boolean;
}

/** Starts one contender. */
export function startContender(name: ContenderName, org: BenchOrg, bridge: BridgeLaunch): Promise<Contender> {
  switch (name) {
    case 'socket.io':
      return startBaseline(name, 'plain-socketio.ts', bridge.profileDir);
    case 'ws':
      return startBaseline(name, 'raw-ws.ts', bridge.profileDir);
    case 'bridge':
      return startBridge(bridge, org);
  }
}
