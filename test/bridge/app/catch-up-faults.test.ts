// The issue's fault tests: three browsers that reconnect with `since` end with every event of a
// 200-event burst exactly once, in seq order — when the bridge PROCESS is killed (SIGKILL) in the
// middle of the burst and started again, and when its PostgreSQL server restarts mid-burst. The dev
// org runs in this process, so it (and the events published meanwhile) outlives the bridge; the
// bridge is `bridge/server.ts` as `npm start` runs it, logged in with a session of the dev org.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signBridgeToken } from '../../../dev/org/data/bridge-token.js';
import { startDevOrg, type DevOrg } from '../../../dev/org/index.js';
import { SERVER, startProcess, stop, type RunningProcess } from '../../helpers/processes.js';
import { connectResuming, type ResumingSocket } from '../../helpers/resuming-socket.js';
import { AUDIENCE, newUserId, TOKEN_SECRET } from '../../helpers/stack.js';
import { freePort, startPostgresServer, type PostgresServer } from '../../helpers/stores.js';
import { settle, waitFor } from '../../helpers/wait-for.js';

const BURST = 200;
const SOCKETS = 3;

let pg: PostgresServer;
let org: DevOrg | undefined;
let bridge: RunningProcess | undefined;
const sockets: ResumingSocket[] = [];
beforeAll(async () => {
  pg = await startPostgresServer();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.socket.close();
  if (bridge) await stop(bridge, 'SIGKILL');
  await org?.close();
  bridge = org = undefined;
});
afterAll(() => pg?.close());

/** A dev org in this process and a bridge process logged in to it, on a fixed port (a restart keeps it). */
async function startSystem(): Promise<{ url: string; startBridge: () => Promise<RunningProcess> }> {
  org = await startDevOrg({ advisedTimeoutMs: 1_500, clientExpiryMs: 3_000 });
  const port = await freePort();
  const env = {
    PORT: String(port),
    SF_INSTANCE_URL: org.url,
    SF_ACCESS_TOKEN: org.issueAccessToken(),
    CHAT_TOKEN_SECRET: TOKEN_SECRET,
    DATABASE_URL: pg.url,
  };
  const startBridge = async () => {
    const run = startProcess(SERVER, { env });
    await waitFor(() => run.output().includes('upstream: subscribed') || run.child.exitCode !== null, 'bridge subscribed', { timeoutMs: 30_000 });
    if (!run.output().includes('upstream: subscribed')) throw new Error(`bridge did not start:\n${run.output()}`);
    return run;
  };
  bridge = await startBridge();
  return { url: `http://127.0.0.1:${port}`, startBridge };
}

async function connectBrowsers(url: string): Promise<ResumingSocket[]> {
  for (let i = 0; i < SOCKETS; i++) {
    const token = await signBridgeToken({ userId: newUserId(), name: `Browser ${i}`, orgId: org!.orgId }, { secret: TOKEN_SECRET, audience: AUDIENCE });
    sockets.push(await connectResuming(url, token));
  }
  return sockets;
}

/**
 * Publishes {@link BURST} events ~5 ms apart; before event `i`, runs `steps[i]` and waits for it —
 * the first step only once every socket has seen an event (so each has a `since`).
 * @returns the EventUuids in publish order.
 */
async function burst(browsers: ResumingSocket[], steps: Record<number, () => Promise<unknown>>): Promise<string[]> {
  const published: string[] = [];
  for (let i = 0; i < BURST; i++) {
    if (steps[i]) {
      await waitFor(() => browsers.every((b) => b.events.length > 0), 'an event at every socket');
      await steps[i]!();
    }
    const { eventUuid } = await org!.publishEvent({ Type__c: i % 2 ? 'USER_ENTERED' : 'MESSAGE_CREATED', Record_Id__c: 'a00000000000001AAA', User_Id__c: org!.credentials.userId });
    published.push(eventUuid);
    await delay(5);
  }
  return published;
}

/** Every socket ends with exactly `published`, each once, in strictly increasing seq order. */
async function expectEveryEventOnce(browsers: ResumingSocket[], published: string[]): Promise<void> {
  await waitFor(() => browsers.every((b) => b.events.length >= published.length), `${published.length} events at every socket`, { timeoutMs: 40_000 })
    .catch((err: Error) => {
      throw new Error(`${err.message}; got ${browsers.map((b) => b.events.length).join(', ')}\n${bridge?.output().slice(-3_000)}`);
    });
  await settle(500); // room for a duplicate to show up
  for (const [i, b] of browsers.entries()) {
    expect(b.events.map((e) => e.eventUuid), `socket ${i}: every event exactly once, in publish order`).toEqual(published);
    const seqs = b.events.map((e) => e.seq);
    expect(seqs.every((seq, j) => j === 0 || seq > seqs[j - 1]!), `socket ${i}: seq order`).toBe(true);
    expect(b.resyncs, `socket ${i}: no resync`).toEqual([]);
  }
}

describe('catch-up across faults (bridge as a process, PostgreSQL)', () => {
  it('the bridge is killed (SIGKILL) mid-burst and restarted: every socket reconnects with since and ends with all 200 events exactly once, in seq order', async () => {
    const { url, startBridge } = await startSystem();
    const browsers = await connectBrowsers(url);

    let restarted: Promise<unknown> | undefined;
    const published = await burst(browsers, {
      [BURST / 2]: async () => {
        await stop(bridge!, 'SIGKILL');
        // Publishing goes on while the new process starts.
        restarted = startBridge().then((run) => (bridge = run));
      },
    });
    await restarted;

    await expectEveryEventOnce(browsers, published);
    for (const b of browsers) expect(b.connects(), 'reconnected after the kill').toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics, 'the restarted bridge caught every socket up').toMatch(/sfcb_catch_ups_total\{outcome="caught-up"\} 3/);
  }, 120_000);

  it('PostgreSQL restarts mid-burst: every socket ends with all 200 events exactly once, in seq order', async () => {
    const { url } = await startSystem();
    const browsers = await connectBrowsers(url);

    const storeState = async () => ((await (await fetch(`${url}/readyz`)).json()) as { store: string }).store;
    // Events 70…139 are published while the database is down.
    const published = await burst(browsers, {
      70: () => pg.stop(),
      140: async () => {
        await waitFor(async () => (await storeState()) === 'down', 'readyz: store down');
        await pg.start();
      },
    });

    await expectEveryEventOnce(browsers, published);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics, 'intake paused for the store and resumed').toMatch(/sfcb_upstream_reconnects_total\{cause="store"\} [1-9]/);
    expect(await storeState()).toBe('up');
  }, 120_000);
});
