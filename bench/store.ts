/**
 * Event-log benchmark (issue 9): what the bridge's store sustains, on the embedded PostgreSQL
 * (PGlite) and on a PostgreSQL server, with sockets connected — the production build, logged in to
 * the dev org over HTTP and CometD as in `npm run bench`.
 *
 *   npm run bench:store                 # builds, then 1,000 sockets, 1,000 events, 50 missed
 *   npm run bench:store -- 2000         # other socket count
 *   node --import tsx bench/store.ts 1000 --bridge <dir>/bridge/server.js
 *   npm run bench:store -- 1000 --profile .data/profiles   # also `node --cpu-prof` the bridges
 *
 * Per store: connect the sockets; publish warm-up events; then a burst of events published as fast
 * as the dev org takes them: events/s = events / (first publish → last socket has the last event),
 * each one logged (one row, the replay position advanced in the same transaction) before it is
 * broadcast. Then every socket drops, events are published while they are away, and all reconnect
 * at once with `auth: { since, epoch }`: catch-up = first reconnect → every socket has every missed
 * event (read from the log, in pages, per socket).
 * A PostgreSQL server of its own is started on a free port (Debian's `postgresql`, as the tests
 * start it), with fsync on: commits cost what they cost in production.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BridgeStatus, SequencedChatEvent } from '../bridge/events/contract.js';
import { connectSocket, type ChatSocket } from '../harness/local-bridge.js';
import { startPostgresServer, type PostgresServer } from '../test/helpers/stores.js';
import { startBenchOrg, startBridge, type BenchOrg, type Contender } from './contenders.js';
import { cpuMicros } from './proc-stats.js';
import { connectPool } from './socket-pool.js';
import { benchTokens } from './tokens.js';
import { benchArgs } from './args.js';

/** Events before measuring (JIT warm-up, first-event allocations, the store's first pages). */
const WARMUP_EVENTS = 10;
/** Events of the burst the log must keep up with. */
const BURST_EVENTS = 1_000;
/** Events each socket misses while disconnected (issue 9: "each missing 50 events"). */
const MISSED_EVENTS = 50;
/** Handshakes in flight at once, as in the fan-out bench's connect storm. */
const CONNECT_CONCURRENCY = 100;
const ORIGIN = 'https://bench.lightning.force.com';
const IDLE_MS = 1_500;

type StoreName = 'PGlite (embedded)' | 'PostgreSQL';

interface Row {
  store: StoreName;
  sockets: number;
  /** Burst events / (first publish → last socket has the last one), per second. */
  eventsPerSecond: number;
  /** Deliveries of the burst per second (events/s × sockets). */
  deliveriesPerSecond: number;
  /** Bridge CPU time (user + system, /proc) during the burst per event, µs: 10⁶ / this is what one core would sustain. */
  cpuPerEvent: number;
  /** The first connect of every socket (no `since`), first open → last connected, ms: what the catch-up adds to. */
  connectMs: number;
  /** First reconnect → every socket has all missed events, ms. */
  catchUpMs: number;
  /** Missed events replayed per second over all sockets during the catch-up. */
  replayedPerSecond: number;
}

/** A socket.io client that follows the log's position (highest `seq`, `epoch`): what the LWC keeps. */
async function follower(url: string, token: string) {
  let seq = -1;
  let epoch = '';
  let received = 0;
  const socket: ChatSocket = await connectSocket(url, token, {
    origin: ORIGIN,
    onCreate(s) {
      s.on('bridge:status', (status: BridgeStatus) => (epoch = status.epoch));
      s.on('chat:event', (event: SequencedChatEvent) => {
        seq = Math.max(seq, event.seq);
        received += 1;
      });
    },
  });
  return {
    position: () => ({ since: seq, epoch }),
    async receivedAtLeast(count: number, timeoutMs: number) {
      const deadline = performance.now() + timeoutMs;
      while (received < count) {
        if (performance.now() > deadline) throw new Error(`follower: ${received}/${count} events within ${timeoutMs} ms`);
        await sleep(5);
      }
    },
    close: () => socket.close(),
  };
}

async function measure(store: StoreName, sockets: number, tokens: readonly string[], org: BenchOrg, bridge: Contender): Promise<Row> {
  const watcher = await follower(bridge.url, tokens[sockets]!);
  const pool = async (resume?: { since: number; epoch: string }) =>
    connectPool({ url: bridge.url, tokens: tokens.slice(0, sockets), origin: ORIGIN, concurrency: CONNECT_CONCURRENCY, maxEvents: WARMUP_EVENTS + BURST_EVENTS, timeoutMs: 120_000, resume });
  try {
    const { pool: live, connectMs } = await pool();
    let burstMs: number;
    let cpu: number;
    try {
      await sleep(IDLE_MS);
      await org.publish(WARMUP_EVENTS);
      await live.allReceived(WARMUP_EVENTS - 1, 60_000);
      const cpuBefore = cpuMicros(bridge.pid);
      const started = performance.now();
      await org.publish(BURST_EVENTS);
      await live.allReceived(WARMUP_EVENTS + BURST_EVENTS - 1, 300_000);
      burstMs = live.arrivals.last[WARMUP_EVENTS + BURST_EVENTS - 1]! - started;
      cpu = cpuMicros(bridge.pid) - cpuBefore;
    } finally {
      live.close();
    }
    await watcher.receivedAtLeast(WARMUP_EVENTS + BURST_EVENTS, 60_000);
    const missedFrom = watcher.position();
    await sleep(IDLE_MS); // the bridge forgets the dropped sockets

    await org.publish(MISSED_EVENTS); // logged while the sockets are away
    await watcher.receivedAtLeast(WARMUP_EVENTS + BURST_EVENTS + MISSED_EVENTS, 60_000);
    const started = performance.now();
    const { pool: back } = await pool(missedFrom);
    try {
      await back.allReceived(MISSED_EVENTS - 1, 120_000);
      const catchUpMs = back.arrivals.last[MISSED_EVENTS - 1]! - started;
      if (back.arrivals.count[MISSED_EVENTS] !== 0) throw new Error('a socket was replayed more than it missed');
      return {
        store,
        sockets,
        eventsPerSecond: BURST_EVENTS / (burstMs / 1000),
        deliveriesPerSecond: (BURST_EVENTS * sockets) / (burstMs / 1000),
        cpuPerEvent: cpu / BURST_EVENTS,
        connectMs,
        catchUpMs,
        replayedPerSecond: (MISSED_EVENTS * sockets) / (catchUpMs / 1000),
      };
    } finally {
      back.close();
    }
  } finally {
    watcher.close();
  }
}

function printTable(rows: Row[]): void {
  const columns: Array<[string, (r: Row) => string]> = [
    ['sockets', (r) => String(r.sockets)],
    ['events/s logged+sent', (r) => Math.round(r.eventsPerSecond).toLocaleString('en-US')],
    ['deliveries/s', (r) => Math.round(r.deliveriesPerSecond).toLocaleString('en-US')],
    ['bridge CPU µs/event', (r) => Math.round(r.cpuPerEvent).toLocaleString('en-US')],
    ['connect all', (r) => `${(r.connectMs / 1000).toFixed(2)} s`],
    [`catch-up of ${MISSED_EVENTS} missed`, (r) => `${(r.catchUpMs / 1000).toFixed(2)} s`],
    ['replayed/s', (r) => Math.round(r.replayedPerSecond).toLocaleString('en-US')],
  ];
  const head = `${'store'.padEnd(18)}${columns.map(([title]) => `  ${title}`).join('')}`;
  console.log(`\n${head}\n${'─'.repeat(head.length)}`);
  for (const r of rows) console.log(`${r.store.padEnd(18)}${columns.map(([title, cell]) => `  ${cell(r).padStart(title.length)}`).join('')}`);
  console.log(
    `\nevents/s: a burst of ${BURST_EVENTS} events published as fast as the dev org takes them, each logged (its row and the\n` +
      'replay position in one transaction) before it is broadcast, over the time until the last socket has the last one.\n' +
      'bridge CPU: its process time during that burst per event (logging, broadcasting to every socket; PGlite runs inside it).\n' +
      'connect all: the first connect of every socket, without since (the storm the catch-up adds its reads and sends to).\n' +
      `catch-up: every socket drops, ${MISSED_EVENTS} events are published, all reconnect at once (${CONNECT_CONCURRENCY} handshakes in flight) with\n` +
      'auth { since, epoch }; from the first reconnect until every socket has every missed event, read from the log.',
  );
}

const USAGE = 'usage: npm run bench:store [-- <sockets>] [--bridge <built server.js>] [--profile <dir>]';
const { entry, profileDir, sizes: sizesArg } = benchArgs(USAGE, /^[1-9]\d*$/);
const sockets = sizesArg ? Number(sizesArg) : 1000;

const startedAt = performance.now();
const org = await startBenchOrg();
let postgres: PostgresServer | undefined;
const rows: Row[] = [];
try {
  const tokens = await benchTokens(sockets + 1, org);
  postgres = await startPostgresServer({ durable: true });
  const stores: Array<[StoreName, string | undefined]> = [
    ['PGlite (embedded)', undefined],
    ['PostgreSQL', postgres.url],
  ];
  for (const [store, databaseUrl] of stores) {
    process.stderr.write(`bench:store: ${store}, ${sockets} sockets…\n`);
    const bridge = await startBridge({ entry, databaseUrl, profileDir }, org);
    try {
      rows.push(await measure(store, sockets, tokens, org, bridge));
    } finally {
      await bridge.close();
    }
  }
} finally {
  await postgres?.close();
  await org.close();
}
printTable(rows);
console.log(`\n(whole run ${((performance.now() - startedAt) / 1000).toFixed(0)} s)`);
