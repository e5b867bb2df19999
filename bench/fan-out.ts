/**
 * Fan-out benchmark: one bridge on the dev org, N real socket.io clients, M events published through
 * the REST API path. Prints, per N, the latency from publish to the LAST socket receiving the event
 * (p50/p95/max, ms), the bridge's heap growth per socket (bytes), and the Salesforce event deliveries
 * it cost compared with one `lightning/empApi` subscription per browser (1 vs N per event).
 *
 *   npm run bench                 # N = 10, 100, 500; M = 50
 *   npm run bench -- 1000 200     # N = 1000, M = 200
 *
 * Client and bridge share this process and the machine's 2 cores, so absolute numbers are pessimistic;
 * compare rows and runs on one machine, not across machines.
 */
import { startBenchStack } from './bench-stack.js';

async function run(sockets: number, events: number) {
  const stack = await startBenchStack();

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const arrivals = new Map<string, number[]>();
  await stack.connectSockets(sockets, (e) => {
    const list = arrivals.get(e.eventUuid) ?? [];
    list.push(performance.now());
    arrivals.set(e.eventUuid, list);
  });
  global.gc?.();
  const heapPerSocket = (process.memoryUsage().heapUsed - heapBefore) / sockets;

  const latencies: number[] = [];
  for (let i = 0; i < events; i++) {
    const sent = performance.now();
    const eventUuid = await stack.publish();
    const deadline = Date.now() + 10_000;
    while ((arrivals.get(eventUuid)?.length ?? 0) < sockets && Date.now() < deadline) {
      await new Promise((r) => setImmediate(r));
    }
    const got = arrivals.get(eventUuid) ?? [];
    if (got.length !== sockets) throw new Error(`event ${i}: ${got.length}/${sockets} sockets received it`);
    latencies.push(Math.max(...got) - sent);
  }
  await stack.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { sockets, events, p50: pct(0.5), p95: pct(0.95), max: latencies.at(-1)!, heapPerSocket };
}

const NOTE = '* heap of bridge and clients together (one process)';
const args = process.argv.slice(2);
if (args.some((a) => !/^[1-9]\d*$/.test(a)) || args.length > 2) {
  console.error('usage: npm run bench [-- <sockets> <events>]   (positive whole numbers)');
  process.exit(2);
}
const [n, m] = args.map(Number);
const sizes = n ? [n] : [10, 100, 500];
const events = m || 50;
const rows = [];
for (const size of sizes) rows.push(await run(size, events));
const fmt = (x: number) => x.toFixed(1).padStart(8);
console.log('\nsockets  events  p50 ms   p95 ms   max ms   heap/socket* SF deliveries/event (bridge : empApi)');
for (const r of rows) {
  console.log(
    `${String(r.sockets).padStart(7)} ${String(r.events).padStart(7)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.max)} ${`${Math.round(r.heapPerSocket / 1024)} KB`.padStart(12)}   1 : ${r.sockets}  (${r.sockets}× fewer)`,
  );
}
console.log(NOTE);
if (rows.length > 1) {
  const first = rows[0];
  const last = rows.at(-1)!;
  console.log(`\np95 grows ${(last.p95 / first.p95).toFixed(1)}× for ${last.sockets / first.sockets}× the sockets`);
}
