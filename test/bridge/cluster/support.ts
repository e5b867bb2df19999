/**
 * A cluster as an operator runs it, for the cluster fault tests: one dev org (in this process, so
 * it outlives every bridge and counts the subscriptions open at it), one PostgreSQL server, one
 * Redis server, and N bridge processes (`bridge/server.ts` as `npm start` runs it, with
 * `REDIS_URL` and `DATABASE_URL`) logged in to the dev org, behind a small TCP load balancer that
 * spreads connections round-robin over the nodes that accept them — what Heroku's router does with
 * web dynos. Browsers are {@link connectResuming} sockets through the balancer: when their node
 * dies they reconnect, with `since`, to another.
 * (dev/balancer.ts, also in front of `npm run cluster`).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'vitest';
import { startBalancer } from '../../../dev/balancer.js';
import { signBridgeToken } from '../../../dev/org/data/bridge-token.js';
import { startDevOrg, type DevOrg } from '../../../dev/org/index.js';
import { SERVER, startProcess, stop, type RunningProcess } from '../../helpers/processes.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis.js';
import { connectResuming, type ResumingSocket } from '../../helpers/resuming-socket.js';
import { AUDIENCE, newUserId, TOKEN_SECRET } from '../../helpers/stack.js';
import { freePort, startPostgresServer, type PostgresServer } from '../../helpers/stores.js';
import { settle, waitFor } from '../../helpers/wait-for.js';

/** The nodes' `CLUSTER_LEASE_MS`: longer than the dev org takes to forget a dead client (see {@link DEV_ORG}). */
export const LEASE_MS = 5_000;
/**
 * The dev org forgets a client that stopped long-polling within advised timeout + expiry (2.5 s),
 * before a dead leader's lease can expire (at least ¾ of it after its last refresh): a dead
 * leader's subscription is gone before the next one opens.
 */
const DEV_ORG = { advisedTimeoutMs: 1_500, clientExpiryMs: 1_000 };
export const CHANNEL = '/event/Chat_Event__e';
export const BURST = 200;

/** What `/readyz` of a cluster node answers. */
export interface NodeReadiness {
  upstream: string;
  store: string;
  sockets: number;
  cluster: { node: string; role: 'leader' | 'follower'; leader: string | null };
}

/** One bridge process of the cluster. */
export interface ClusterNodeProcess {
  port: number;
  url: string;
  run: RunningProcess | undefined;
}

export interface TestCluster {
  org: DevOrg;
  pg: PostgresServer;
  redis: RedisServer;
  nodes: ClusterNodeProcess[];
  /** The balancer's URL, where browsers connect. */
  url: string;
  /** Starts node `i` (again) and waits until it listens. */
  startNode(i: number): Promise<void>;
  /** `/readyz` of node `i`, or undefined when it does not answer within 1 s (dead or stopped). */
  readiness(i: number): Promise<NodeReadiness | undefined>;
  /** Waits until exactly one node leads, its upstream is connected, and every answering node names it; returns its index. */
  settledLeader(timeoutMs?: number): Promise<number>;
  /** Connects `count` browsers through the balancer. */
  connectBrowsers(count: number): Promise<ResumingSocket[]>;
  /** Most subscriptions open at the dev org at any sample since the last {@link resetSubscriptionWatch}. */
  maxSubscriptions(): number;
  resetSubscriptionWatch(): void;
  /** Sends SIGSTOP (`on`) or SIGCONT to node `i`; {@link readiness} does not wait for a stopped node. */
  pause(i: number, on: boolean): void;
  /** Closes the browsers of the test, restarts dead or stopped nodes, waits for a settled leader. */
  heal(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the dev org, PostgreSQL, Redis, the balancer and `count` nodes, and waits for a leader
 * that has subscribed.
 */
export async function startCluster(count: number): Promise<TestCluster> {
  const [org, pg, redis] = await Promise.all([startDevOrg(DEV_ORG), startPostgresServer(), startRedisServer()]);
  const nodes: ClusterNodeProcess[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    nodes.push({ port, url: `http://127.0.0.1:${port}`, run: undefined });
  }
  const alive = (n: ClusterNodeProcess) => n.run !== undefined && n.run.child.exitCode === null && n.run.child.signalCode === null;
  const balancer = await startBalancer(() => nodes.filter(alive).map((n) => n.port));
  const env = {
    SF_INSTANCE_URL: org.url,
    SF_ACCESS_TOKEN: org.issueAccessToken(),
    CHAT_TOKEN_SECRET: TOKEN_SECRET,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    CLUSTER_LEASE_MS: String(LEASE_MS),
  };
  const browsers: ResumingSocket[] = [];
  const stopped = new Set<number>();

  let maxSeen = 0;
  const watch = setInterval(() => {
    maxSeen = Math.max(maxSeen, org.observed.activeSubscriptions(CHANNEL));
  }, 5);

  const startNode = async (i: number) => {
    const node = nodes[i]!;
    const run = startProcess(SERVER, { env: { ...env, PORT: String(node.port) } });
    node.run = run;
    stopped.delete(i);
    await waitFor(() => run.output().includes('bridge: listening') || run.child.exitCode !== null, `node ${i} listening`, { timeoutMs: 40_000 });
    if (run.child.exitCode !== null) throw new Error(`node ${i} did not start:\n${run.output()}`);
  };

  const readiness = async (i: number): Promise<NodeReadiness | undefined> => {
    const node = nodes[i]!;
    if (!alive(node) || stopped.has(i)) return undefined;
    try {
      const res = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      return (await res.json()) as NodeReadiness;
    } catch {
      return undefined;
    }
  };

  const settledLeader = async (timeoutMs = 30_000) =>
    waitFor(
      async () => {
        const all = await Promise.all(nodes.map((_, i) => readiness(i)));
        const leaders = all.flatMap((r, i) => (r?.cluster.role === 'leader' ? [i] : []));
        if (leaders.length !== 1) return undefined;
        const leader = all[leaders[0]!]!;
        const agreed = all.every((r) => r === undefined || (r.cluster.leader === leader.cluster.node && r.upstream === 'connected'));
        return agreed && leader.upstream === 'connected' ? leaders[0]! + 1 : undefined;
      },
      'one leader, subscribed, named by every node',
      { timeoutMs, intervalMs: 100 },
    ).then((i) => i - 1);

  const cluster: TestCluster = {
    org,
    pg,
    redis,
    nodes,
    url: `http://127.0.0.1:${balancer.port}`,
    startNode,
    readiness,
    settledLeader,
    async connectBrowsers(n) {
      const connected: ResumingSocket[] = [];
      for (let i = 0; i < n; i++) {
        const token = await signBridgeToken({ userId: newUserId(), name: `Browser ${i}`, orgId: org.orgId }, { secret: TOKEN_SECRET, audience: AUDIENCE });
        const socket = await connectResuming(cluster.url, token);
        browsers.push(socket);
        connected.push(socket);
      }
      return connected;
    },
    maxSubscriptions: () => Math.max(maxSeen, org.observed.activeSubscriptions(CHANNEL)),
    resetSubscriptionWatch() {
      maxSeen = org.observed.activeSubscriptions(CHANNEL);
    },
    pause(i, on) {
      if (on) stopped.add(i);
      else stopped.delete(i);
      nodes[i]!.run!.child.kill(on ? 'SIGSTOP' : 'SIGCONT');
    },
    async heal() {
      for (const b of browsers.splice(0)) b.socket.close();
      for (const [i, node] of nodes.entries()) {
        if (stopped.has(i)) node.run?.child.kill('SIGCONT');
        if (!alive(node)) await startNode(i);
      }
      stopped.clear();
      await settledLeader();
    },
    async close() {
      clearInterval(watch);
      for (const b of browsers.splice(0)) b.socket.close();
      await Promise.all(nodes.map(async (n) => n.run && stop(n.run, 'SIGKILL')));
      await balancer.close();
      await org.close();
      await Promise.all([pg.close(), redis.close()]);
    },
  };
  await Promise.all(nodes.map((_, i) => startNode(i)));
  await settledLeader(40_000);
  return cluster;
}

/**
 * Publishes {@link BURST} events ~5 ms apart; before event `i`, runs `steps[i]` and waits for it —
 * the first step only once every socket has seen an event (so each has a `since`).
 * @returns the EventUuids in publish order.
 */
export async function burst(org: DevOrg, browsers: ResumingSocket[], steps: Record<number, () => Promise<unknown>>): Promise<string[]> {
  const published: string[] = [];
  for (let i = 0; i < BURST; i++) {
    if (steps[i]) {
      await waitFor(() => browsers.every((b) => b.events.length > 0), 'an event at every socket');
      await steps[i]!();
    }
    const { eventUuid } = await org.publishEvent({ Type__c: i % 2 ? 'USER_ENTERED' : 'MESSAGE_CREATED', Record_Id__c: 'a00000000000001AAA', User_Id__c: org.credentials.userId });
    published.push(eventUuid);
    await delay(5);
  }
  return published;
}

/** Every socket ends with exactly `published`, each once, in strictly increasing seq order, no resync. */
export async function expectEveryEventOnce(cluster: TestCluster, browsers: ResumingSocket[], published: string[]): Promise<void> {
  await waitFor(() => browsers.every((b) => b.events.length >= published.length), `${published.length} events at every socket`, { timeoutMs: 40_000 }).catch(
    (err: Error) => {
      const logs = cluster.nodes.map((n, i) => `--- node ${i}\n${n.run?.output().slice(-2_000)}`).join('\n');
      throw new Error(`${err.message}; got ${browsers.map((b) => b.events.length).join(', ')}\n${logs}`);
    },
  );
  await settle(500); // room for a duplicate to show up
  for (const [i, b] of browsers.entries()) {
    const uuids = b.events.map((e) => e.eventUuid);
    expect(new Set(uuids).size, `socket ${i}: no eventUuid twice`).toBe(uuids.length);
    expect(uuids, `socket ${i}: every event exactly once, in publish order`).toEqual(published);
    const seqs = b.events.map((e) => e.seq);
    expect(seqs.every((seq, j) => j === 0 || seq > seqs[j - 1]!), `socket ${i}: seq increasing`).toBe(true);
    expect(b.resyncs, `socket ${i}: no resync`).toEqual([]);
  }
}

/** Sockets per node (from `/readyz`), for "sockets spread over the nodes". */
export async function socketsPerNode(cluster: TestCluster): Promise<number[]> {
  return Promise.all(cluster.nodes.map(async (_, i) => (await cluster.readiness(i))?.sockets ?? 0));
}
