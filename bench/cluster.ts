/**
 * Scale-out benchmark: the same sockets on one cluster node versus spread over two (`REDIS_URL`),
 * production builds on the dev org over CometD, one PostgreSQL and one Redis server (started here,
 * dev/local-servers.ts). Prints deliveries/s of a burst and the spread of paced events across every
 * socket of the cluster.
 *
 *   npm run bench:cluster               # builds, then 2,000 sockets
 *   npm run bench:cluster -- 500        # another size
 *
 * Both runs are clusters (one node is a cluster of one, with its Redis adapter and log feed), so the
 * node count is the only difference. The client is one process holding every socket, as in
 * fan-out.ts; on a 2-core machine the two nodes and the client share the cores, so read the ratio.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgresServer, startRedisServer } from '../dev/local-servers.js';
import { startBenchOrg, startBridge, type BenchOrg, type BridgeLaunch, type Contender } from './contenders.js';
import { percentile } from './percentile.js';
import { connectPool, type SocketPool } from './socket-pool.js';
import { benchTokens } from './tokens.js';

const WARMUP_EVENTS = 10;
const PACED_EVENTS = 100;
const BURST_EVENTS = 200;
const ORIGIN = 'https://bench.lightning.force.com';

interface Row {
  nodes: number;
  burstPerSecond: number;
  spreadP50: number;
  spreadP99: number;
}

/** Resolves once every socket of every pool has event `k`. */
const allReceived = (pools: SocketPool[], k: number, timeoutMs: number) => Promise.all(pools.map((p) => p.allReceived(k, timeoutMs)));
/** First and last arrival of event `k` over every pool, ms. */
const span = (pools: SocketPool[], k: number) => ({
  first: Math.min(...pools.map((p) => p.arrivals.first[k]!)),
  last: Math.max(...pools.map((p) => p.arrivals.last[k]!)),
});

async function measure(nodes: number, tokens: string[], org: BenchOrg, launch: BridgeLaunch): Promise<Row> {
  // The first node leads (subscribed); the others follow.
  const bridges: Contender[] = [await startBridge(launch, org)];
  for (let i = 1; i < nodes; i++) bridges.push(await startBridge({ ...launch, follower: true }, org));
  const pools: SocketPool[] = [];
  try {
    const share = Math.ceil(tokens.length / nodes);
    for (const [i, bridge] of bridges.entries()) {
      const group = tokens.slice(i * share, (i + 1) * share);
      pools.push((await connectPool({ url: bridge.url, tokens: group, origin: ORIGIN, concurrency: 100, maxEvents: WARMUP_EVENTS + PACED_EVENTS + BURST_EVENTS, timeoutMs: 120_000 })).pool);
    }
    await sleep(1_500);
    const spreads: number[] = [];
    for (let k = 0; k < WARMUP_EVENTS + PACED_EVENTS; k++) {
      await org.publish(1);
      await allReceived(pools, k, 30_000);
      if (k >= WARMUP_EVENTS) {
        const { first, last } = span(pools, k);
        spreads.push(last - first);
      }
    }
    const burstLast = WARMUP_EVENTS + PACED_EVENTS + BURST_EVENTS - 1;
    const burstStart = performance.now();
    await org.publish(BURST_EVENTS);
    await allReceived(pools, burstLast, 300_000);
    const burstMs = span(pools, burstLast).last - burstStart;
    return {
      nodes,
      burstPerSecond: (BURST_EVENTS * tokens.length) / (burstMs / 1000),
      spreadP50: percentile([...spreads], 0.5),
      spreadP99: percentile(spreads, 0.99),
    };
  } finally {
    for (const p of pools) p.close();
    for (const b of bridges) await b.close();
  }
}

const arg = process.argv[2];
if (arg !== undefined && !/^[1-9]\d*$/.test(arg)) {
  console.error('usage: npm run bench:cluster [-- <sockets>]');
  process.exit(2);
}
const sockets = Number(arg ?? 2000);
const entry = 'dist/bridge/server.js';

const started = performance.now();
const [org, pg, redis] = await Promise.all([startBenchOrg(), startPostgresServer(), startRedisServer()]);
const rows: Row[] = [];
try {
  const tokens = await benchTokens(sockets, org);
  const launch: BridgeLaunch = { entry, databaseUrl: pg.url, redisUrl: redis.url };
  for (const nodes of [1, 2]) {
    process.stderr.write(`bench:cluster: ${sockets} sockets on ${nodes} node(s)…\n`);
    rows.push(await measure(nodes, tokens, org, launch));
  }
} finally {
  await org.close();
  await Promise.all([pg.close(), redis.close()]);
}

console.log(`\n${'sockets'.padStart(7)}  ${'nodes'.padStart(5)}  ${'burst deliveries/s'.padStart(18)}  ${'spread p50/p99 ms'.padStart(17)}`);
for (const r of rows) {
  console.log(`${String(sockets).padStart(7)}  ${String(r.nodes).padStart(5)}  ${Math.round(r.burstPerSecond).toLocaleString('en-US').padStart(18)}  ${`${r.spreadP50.toFixed(1)} / ${r.spreadP99.toFixed(1)}`.padStart(17)}`);
}
const [one, two] = rows as [Row, Row];
console.log(`${''.padStart(7)}  ${'2 / 1'.padStart(5)}  ${`${(two.burstPerSecond / one.burstPerSecond).toFixed(2)}×`.padStart(18)}  ${`${(two.spreadP99 / one.spreadP99).toFixed(2)}×`.padStart(17)}`);
console.log(`\n(burst: ${BURST_EVENTS} events × sockets from publishing to the last socket; spread: first to last socket of one of ${PACED_EVENTS} paced events, over every node's sockets; whole run ${((performance.now() - started) / 1000).toFixed(0)} s)`);
