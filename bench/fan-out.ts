/**
 * Fan-out benchmark, side by side: the bridge (production build, on the dev org over HTTP and
 * CometD), a plain socket.io `io.emit` server and a raw `ws` server writing one pre-built frame per
 * socket — each in its own process, measured by this one client process over websockets, at each
 * size in turn. Prints a table and each server's ratios to plain socket.io.
 *
 *   npm run bench                     # builds, then 1,000 and 5,000 sockets
 *   npm run bench -- 200,1000         # other sizes
 *   npm run bench -- 1000 --profile .data/profiles   # also `node --cpu-prof` the bridge, and phases.json
 *   npm run bench -- 1000 --store pglite              # the bridge on the embedded store
 *   node --import tsx bench/fan-out.ts 20 --bridge <dir>/bridge/server.js   # a build elsewhere
 *
 * Per server and size: start it; connect every socket (a bounded storm, each with its own user's
 * token and a Lightning Origin; the tokens name the dev org's default room, which every event
 * carries, so the bridge sends each event to `room:<id>` as in production, while plain socket.io
 * does `io.emit`); let it idle; weigh half as many extra idle sockets, then drop them;
 * publish warm-up events, then paced events one at a time (each once every socket has the previous
 * one), then a burst published as fast as it goes.
 * The bridge's store is a PostgreSQL server the bench starts (`DATABASE_URL`, as production runs;
 * durable, fsync on) unless `--store pglite` (the embedded store, in the bridge's own process).
 * Absolute figures depend on the machine and on what else runs; compare the ratios of one run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgresServer, type PostgresServer } from '../dev/local-servers.js';
import { startBenchOrg, startContender, type BenchOrg, type BridgeLaunch, type ContenderName } from './contenders.js';
import { percentile } from './percentile.js';
import { cpuMicros, rssBytes } from './proc-stats.js';
import { connectPool } from './socket-pool.js';
import { benchTokens } from './tokens.js';
import { benchArgs, type BenchStore } from './args.js';

/** Events published before measuring (JIT warm-up, first-event allocations). */
const WARMUP_EVENTS = 10;
/** Events published one at a time, for the spread and publish-to-last percentiles. */
const PACED_EVENTS = 100;
/** Events published as fast as they come, for throughput and CPU per delivery. */
const BURST_EVENTS = 200;
/** Handshakes in flight at once during the connect storm. */
const CONNECT_CONCURRENCY = 100;
/** Idle time before each RSS reading, ms (lets the handshakes' garbage go). */
const IDLE_MS = 1_500;
/**
 * Extra sockets, as a share of the size, connected after the measured storm only to weigh one more
 * idle socket: RSS(size × (1 + this)) − RSS(size), per extra socket. Measured from the first socket
 * instead, the figure would also spread over the sockets the heap's one-time growth (the young
 * generation's semi-spaces, compiled code) that any server pays once it gets busy.
 */
const EXTRA_SHARE = 0.5;
/** What a browser on a Lightning page sends; the bridge's default ALLOWED_ORIGINS admits it. */
const ORIGIN = 'https://bench.lightning.force.com';
const CONTENDERS: readonly ContenderName[] = ['socket.io', 'ws', 'bridge'];

/**
 * When each measured phase of a run began and ended, µs of the monotonic clock — the clock of a
 * `.cpuprofile`'s `startTime` / `timeDeltas`, so a profile of the whole run can be cut to one phase.
 */
interface Phase {
  sockets: number;
  name: ContenderName;
  phase: 'connect' | 'burst';
  startUs: number;
  endUs: number;
}
const phases: Phase[] = [];
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);
/** A full collection of this process's heap (`node --expose-gc`, as `npm run bench` runs it); nothing without the flag. */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

/** One server's figures at one size. */
interface Row {
  sockets: number;
  name: ContenderName;
  /** Server CPU time during the burst / deliveries in it, µs. */
  cpuPerDelivery: number;
  /** Deliveries of the burst / time from its publication to its last delivery, per second. */
  burstPerSecond: number;
  /** First-to-last-socket time of a paced event, ms. */
  spreadP50: number;
  spreadP99: number;
  /** Publish request to last socket of a paced event, ms. */
  latencyP50: number;
  latencyP99: number;
  /** First socket opening to last socket connected, ms. */
  connectMs: number;
  /** Server RSS with every socket connected and idle, bytes. */
  rss: number;
  /** Server RSS growth per extra idle socket (see {@link EXTRA_SHARE}), bytes. */
  rssPerSocket: number;
  /** socket.io EVENT frames each socket received per event published (1 = one frame per event). */
  framesPerEvent: number;
}

/**
 * Measures one server at one size.
 * @param tokens - one per socket; the first `sockets` are the measured sockets, the rest the extras.
 */
async function measure(name: ContenderName, sockets: number, tokens: readonly string[], org: BenchOrg, bridge: BridgeLaunch): Promise<Row> {
  const server = await startContender(name, org, bridge);
  const connect = (group: readonly string[]) =>
    connectPool({
      url: server.url,
      tokens: group,
      origin: ORIGIN,
      concurrency: CONNECT_CONCURRENCY,
      maxEvents: WARMUP_EVENTS + PACED_EVENTS + BURST_EVENTS,
      timeoutMs: 120_000,
    });
  try {
    await sleep(IDLE_MS); // every server starts the storm settled
    const connectStart = monotonicUs();
    const { pool, connectMs } = await connect(tokens.slice(0, sockets));
    phases.push({ sockets, name, phase: 'connect', startUs: connectStart, endUs: monotonicUs() });
    try {
      await sleep(IDLE_MS);
      const rss = rssBytes(server.pid);
      const extras = await connect(tokens.slice(sockets));
      await sleep(IDLE_MS);
      const rssPerSocket = (rssBytes(server.pid) - rss) / extras.pool.size;
      extras.pool.close();
      await sleep(IDLE_MS); // the server forgets them before events flow
      const framesBefore = pool.eventFrames();

      const publishedAt: number[] = [];
      for (let k = 0; k < WARMUP_EVENTS + PACED_EVENTS; k++) {
        publishedAt[k] = performance.now();
        await server.publish(1);
        await pool.allReceived(k, 30_000);
      }
      const { first, last } = pool.arrivals;
      const paced = publishedAt.map((_, k) => k).slice(WARMUP_EVENTS);
      const spreads = paced.map((k) => last[k]! - first[k]!);
      const latencies = paced.map((k) => last[k]! - publishedAt[k]!);

      const burstFirst = WARMUP_EVENTS + PACED_EVENTS;
      const burstLast = burstFirst + BURST_EVENTS - 1;
      const cpuBefore = cpuMicros(server.pid);
      const burstStartUs = monotonicUs();
      const burstStart = performance.now();
      await server.publish(BURST_EVENTS);
      await pool.allReceived(burstLast, 300_000);
      const burstMs = last[burstLast]! - burstStart;
      const cpu = cpuMicros(server.pid) - cpuBefore;
      phases.push({ sockets, name, phase: 'burst', startUs: burstStartUs, endUs: monotonicUs() });
      const deliveries = BURST_EVENTS * sockets;
      const events = WARMUP_EVENTS + PACED_EVENTS + BURST_EVENTS;

      return {
        sockets,
        name,
        cpuPerDelivery: cpu / deliveries,
        burstPerSecond: deliveries / (burstMs / 1000),
        spreadP50: percentile(spreads, 0.5),
        spreadP99: percentile(spreads, 0.99),
        latencyP50: percentile(latencies, 0.5),
        latencyP99: percentile(latencies, 0.99),
        connectMs,
        rss,
        rssPerSocket,
        framesPerEvent: (pool.eventFrames() - framesBefore) / (events * sockets),
      };
    } finally {
      pool.close();
    }
  } finally {
    await server.close();
  }
}

const pad = (text: string, width: number): string => text.padStart(width);
const COLUMNS: Array<{ title: string; width: number; cell: (r: Row) => string; ratio?: (r: Row) => number }> = [
  { title: 'CPU µs/delivery', width: 15, cell: (r) => r.cpuPerDelivery.toFixed(2), ratio: (r) => r.cpuPerDelivery },
  { title: 'burst deliveries/s', width: 18, cell: (r) => Math.round(r.burstPerSecond).toLocaleString('en-US'), ratio: (r) => r.burstPerSecond },
  { title: 'spread p50/p99 ms', width: 17, cell: (r) => `${r.spreadP50.toFixed(1)} / ${r.spreadP99.toFixed(1)}`, ratio: (r) => r.spreadP99 },
  { title: 'publish→last p50/p99 ms', width: 23, cell: (r) => `${r.latencyP50.toFixed(1)} / ${r.latencyP99.toFixed(1)}`, ratio: (r) => r.latencyP99 },
  { title: 'connect all s', width: 13, cell: (r) => (r.connectMs / 1000).toFixed(2), ratio: (r) => r.connectMs },
  { title: 'RSS', width: 8, cell: (r) => `${(r.rss / 1024 ** 2).toFixed(0)} MB`, ratio: (r) => r.rss },
  { title: 'RSS/idle socket', width: 15, cell: (r) => `${(r.rssPerSocket / 1024).toFixed(1)} KB`, ratio: (r) => r.rssPerSocket },
  { title: 'frames/event', width: 12, cell: (r) => r.framesPerEvent.toFixed(2) },
];

function printTable(rows: Row[], store: BenchStore): void {
  console.log(`\nbridge store: ${store === 'postgres' ? 'PostgreSQL server (DATABASE_URL, durable)' : 'embedded PGlite (in the bridge process)'}`);
  const head = `${pad('sockets', 7)}  ${'server'.padEnd(20)}${COLUMNS.map((c) => `  ${pad(c.title, c.width)}`).join('')}`;
  console.log(`\n${head}\n${'─'.repeat(head.length)}`);
  for (const sockets of [...new Set(rows.map((r) => r.sockets))]) {
    const group = rows.filter((r) => r.sockets === sockets);
    for (const r of group) console.log(`${pad(String(sockets), 7)}  ${r.name.padEnd(20)}${COLUMNS.map((c) => `  ${pad(c.cell(r), c.width)}`).join('')}`);
    const reference = group.find((r) => r.name === 'socket.io')!;
    for (const r of group.filter((g) => g !== reference)) {
      const ratios = COLUMNS.map((c) => (c.ratio ? `${(c.ratio(r) / c.ratio(reference)).toFixed(2)}×` : ''));
      console.log(`${pad('', 7)}  ${`${r.name} / socket.io`.padEnd(20)}${COLUMNS.map((c, i) => `  ${pad(ratios[i]!, c.width)}`).join('')}`);
    }
  }
  console.log(
    '\nCPU: server process user+system time during the burst per delivery (lower is better). burst: deliveries per second\n' +
      `from publishing ${BURST_EVENTS} events to the last socket having the last one. spread: first to last socket of one event;\n` +
      `publish→last: publish request to last socket (the bridge's includes the dev org and CometD); ${PACED_EVENTS} events one at a\n` +
      `time. connect all: the storm of handshakes. RSS: the server's, all sockets idle; per idle socket: its growth from\n` +
      `${Math.round(EXTRA_SHARE * 100)}% more sockets, per socket. Ratios: to plain socket.io (CPU, burst, spread p99, publish→last p99, connect, RSS).`,
  );
}

const USAGE = 'usage: npm run bench [-- <sockets>[,<sockets>…]] [--store postgres|pglite] [--bridge <built server.js>] [--profile <dir>]';
const { entry, profileDir, sizes: sizesArg, store } = benchArgs(USAGE, /^[1-9]\d*(,[1-9]\d*)*$/, { withStore: true });
const sizes = sizesArg ? sizesArg.split(',').map(Number) : [1000, 5000];

const started = performance.now();
const org = await startBenchOrg();
let postgres: PostgresServer | undefined;
const rows: Row[] = [];
try {
  if (store === 'postgres') postgres = await startPostgresServer({ durable: true });
  const bridge: BridgeLaunch = { entry, profileDir, databaseUrl: postgres?.url };
  for (const sockets of sizes) {
    const tokens = await benchTokens(Math.ceil(sockets * (1 + EXTRA_SHARE)), org);
    for (const name of CONTENDERS) {
      process.stderr.write(`bench: ${sockets} sockets, ${name}…\n`);
      // Every server meets a client with the same heap: not one still holding the garbage of the
      // servers measured before it (the client's collections would slow its storm and its reads).
      collectGarbage();
      rows.push(await measure(name, sockets, tokens, org, bridge));
    }
  }
} finally {
  await Promise.all([org.close(), postgres?.close()]);
}
if (profileDir !== undefined) {
  mkdirSync(profileDir, { recursive: true });
  writeFileSync(join(profileDir, 'phases.json'), `${JSON.stringify(phases, null, 2)}\n`);
}
printTable(rows, store);
console.log(`\n(${sizes.join(', ')} sockets; whole run ${((performance.now() - started) / 1000).toFixed(0)} s)`);
