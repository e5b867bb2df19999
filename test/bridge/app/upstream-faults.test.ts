// Every upstream fault the Streaming API documents, injected in the dev org while the bridge runs:
// events published DURING the fault reach every socket exactly once afterwards, and the bridge never
// holds more than one subscription.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../bridge/events/contract.js';
import { startStack, type Stack, type Watcher } from '../../helpers/stack.js';
import { settle, waitFor } from '../../helpers/wait-for.js';

let stack: Stack;
let watchers: Watcher[];

beforeEach(async () => {
  stack = await startStack();
  await waitFor(() => stack.bridge.subscriber!.state() === 'connected', 'bridge subscribed');
  watchers = await Promise.all([stack.connect(), stack.connect()]);
});
afterEach(() => stack.close());

const uuids = (w: Watcher) => w.of<ChatEvent>('chat:event').map((e) => e.eventUuid);

/** Publishes one event before the fault, `during` events during it, then checks exactly-once. */
async function survives(inject: () => unknown, heal: () => void = () => undefined, during = 3) {
  const already = watchers.map((w) => uuids(w).length);
  const before = await stack.publish();
  await waitFor(() => watchers.every((w) => uuids(w).includes(before)), 'event before the fault');
  await inject();
  const published = [before];
  for (let i = 0; i < during; i++) published.push(await stack.publish(i % 2 ? 'USER_ENTERED' : 'MESSAGE_CREATED'));
  heal();
  const after = await stack.publish('MESSAGE_UPDATED');
  published.push(after);
  for (const w of watchers) await waitFor(() => uuids(w).includes(after), 'event after the fault', { timeoutMs: 15_000 });
  await settle(300);
  watchers.forEach((w, i) => expect(uuids(w).slice(already[i])).toEqual(published));
  await waitFor(() => stack.bridge.subscriber!.state() === 'connected', 'connected again');
  await oneSubscription();
}

/** The org sees one subscriber once the clients the bridge abandoned have timed out server-side. */
async function oneSubscription() {
  await waitFor(() => stack.devOrg.observed.activeSubscriptions(stack.config.channel) === 1, 'one subscription in the org');
}

/** Holds every /meta/connect from now on; the one already held is answered at the advised timeout. */
async function stallNextConnect() {
  stack.devOrg.faults.stallConnects(true);
  await settle(1_700);
}

const reconnectCauses = async () => (await (await fetch(`${stack.url}/metrics`)).text()).match(/sfcb_upstream_reconnects_total\{cause="[^"]+"\} \d+/g) ?? [];

describe('upstream faults', () => {
  it('401::Authentication invalid → logs in again, new client, resubscribes from the last processed id', async () => {
    const handshakes = stack.devOrg.observed.handshakes;
    await survives(() => stack.devOrg.faults.expireSessions());
    expect(stack.devOrg.observed.handshakes).toBeGreaterThan(handshakes);
    expect(await reconnectCauses()).toContainEqual(expect.stringContaining('cause="auth"'));
  });

  it('403::Handshake denied (401 reason) → logs in again before the next handshake', async () => {
    // Forgotten AND expired: the new handshake still carries the old token and is denied.
    await survives(() => {
      stack.devOrg.faults.forgetClients();
      stack.devOrg.faults.expireSessions();
    });
    const causes = await reconnectCauses();
    expect(causes).toContainEqual(expect.stringContaining('cause="unknown-client"'));
    expect(causes).toContainEqual(expect.stringContaining('cause="auth"'));
  });

  it('403::Unknown client → handshakes again and resubscribes', async () => {
    await survives(() => stack.devOrg.faults.forgetClients());
    expect(await reconnectCauses()).toContainEqual(expect.stringContaining('cause="unknown-client"'));
    const last = stack.devOrg.observed.subscribes.at(-1)!;
    expect(last.successful).toBe(true);
    expect(last.replayId).toBeGreaterThan(0);
  });

  it('daily limit and 503::Server is too busy → back-off, degraded readiness, then recovery', async () => {
    await survives(
      () => stack.devOrg.faults.dailyLimit(true),
      () => setTimeout(() => stack.devOrg.faults.dailyLimit(false), 2_500),
    );
    await survives(() => stack.devOrg.faults.busy(4));
    const causes = await reconnectCauses();
    expect(causes).toContainEqual(expect.stringContaining('cause="server-error"'));
  });

  it('readiness shows the outage while the org limit lasts', async () => {
    stack.devOrg.faults.dailyLimit(true);
    await waitFor(async () => (await fetch(`${stack.url}/readyz`)).status === 503, 'readyz 503');
    const body = await (await fetch(`${stack.url}/readyz`)).json();
    expect(body.upstream).toMatch(/reconnecting|degraded/);
    await waitFor(() => watchers.every((w) => w.of<{ upstream: string }>('bridge:status').some((s) => s.upstream !== 'connected')), 'status pushed to sockets');
    // back-off, not a hot loop: a few attempts in 2 s, not hundreds
    const before = stack.devOrg.observed.handshakes;
    await settle(2_000);
    expect(stack.devOrg.observed.handshakes - before).toBeLessThan(20);
    stack.devOrg.faults.dailyLimit(false);
    await waitFor(async () => (await fetch(`${stack.url}/readyz`)).status === 200, 'readyz 200 again', { timeoutMs: 15_000 });
    await waitFor(() => watchers.every((w) => w.of<{ upstream: string }>('bridge:status').at(-1)?.upstream === 'connected'), 'connected pushed');
  });

  it('refused connections → back-off, then resubscribe', async () => {
    await survives(
      () => stack.devOrg.faults.refuseConnections(true),
      () => setTimeout(() => stack.devOrg.faults.refuseConnections(false), 2_500),
    );
  });

  it('expired replay id → resubscribes with -2, skips what it already sent, tells browsers to resync', async () => {
    const first = await stack.publish();
    await waitFor(() => watchers.every((w) => uuids(w).includes(first)), 'first event');
    await stallNextConnect(); // the bridge stops hearing anything
    const during = [await stack.publish(), await stack.publish(), await stack.publish()];
    stack.devOrg.faults.trimRetention(2); // the bridge's last processed id is no longer retained
    stack.devOrg.faults.stallConnects(false);
    for (const w of watchers) {
      await waitFor(() => w.of('bridge:resync').length > 0, 'bridge:resync', { timeoutMs: 15_000 });
      await waitFor(() => uuids(w).includes(during[2]), 'retained events');
    }
    await settle(300);
    for (const w of watchers) {
      expect(w.of('bridge:resync')).toEqual([{ reason: 'replay-id-expired' }]);
      // the first event is not sent twice; the two retained ones arrive once; the trimmed one is gone
      expect(uuids(w)).toEqual([first, during[1], during[2]]);
    }
    const subscribes = stack.devOrg.observed.subscribes;
    expect(subscribes.some((s) => !s.successful && /replayId .* was invalid/.test(s.error ?? ''))).toBe(true);
    expect(subscribes.at(-1)).toMatchObject({ replayId: -2, successful: true });
    await oneSubscription();
  });
});

describe('watchdog', () => {
  it('a /meta/connect that is never answered → the watchdog rebuilds the client before faye gives up', async () => {
    await stack.close();
    // faye's own HTTP timeout is 1.2 × the advised timeout (3.6 s); the watchdog fires at 3 s + 0.3 s.
    stack = await startStack({}, { advisedTimeoutMs: 3_000 }, { watchdogMarginMs: 300 });
    await waitFor(() => stack.bridge.subscriber!.state() === 'connected', 'bridge subscribed');
    watchers = [await stack.connect()];
    await survives(
      async () => {
        stack.devOrg.faults.stallConnects(true);
        await settle(3_200); // the connect held before the stall is answered at the advised timeout
      },
      () => setTimeout(() => stack.devOrg.faults.stallConnects(false), 4_000),
    );
    expect(await reconnectCauses()).toContainEqual(expect.stringContaining('cause="watchdog"'));
    expect(await reconnectCauses()).not.toContainEqual(expect.stringContaining('cause="transport-down"'));
  });
});
