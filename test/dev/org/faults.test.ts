/**
 * Each injected fault answers with the error string and advice a real org sends, and the
 * production client (jsforce + faye) reacts to it as it would against Salesforce.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BAYEUX_ERROR, type DevOrg, type DevOrgOptions } from '../../../dev/org/index.js';
import {
  CHANNEL,
  bayeux,
  connectMessage,
  handshake,
  handshakeMessage,
  startTestOrg,
  subscribeMessage,
  subscribeWithJsforce,
  waitFor,
  type RecordingSubscriber,
} from './helpers.js';
import { settle } from '../../helpers/wait-for.js';

let org: DevOrg | undefined;
const subscribers: RecordingSubscriber[] = [];

async function start(options: DevOrgOptions = {}): Promise<DevOrg> {
  org = await startTestOrg(options);
  return org;
}

afterEach(async () => {
  for (const s of subscribers.splice(0)) s.disconnect();
  await org?.close();
  org = undefined;
});

function subscribe(target: DevOrg, replayFrom: number, token?: string): RecordingSubscriber {
  const subscriber = subscribeWithJsforce(target, replayFrom, token);
  subscribers.push(subscriber);
  return subscriber;
}


describe('expireSessions', () => {
  it('answers the next /meta/connect 401::Authentication invalid with reconnect none', async () => {
    const o = await start();
    const subscriber = subscribe(o, -1);
    await subscriber.subscribed;

    o.faults.expireSessions();
    await waitFor(() => subscriber.authFailures.length > 0, 'an auth failure', { timeoutMs: 5_000 });

    expect(subscriber.authFailures[0]).toMatchObject({
      channel: '/meta/connect',
      successful: false,
      error: '401::Authentication invalid',
      advice: { reconnect: 'none' },
    });
  });

  it('refuses a handshake with a token issued before, and accepts one issued after', async () => {
    const o = await start();
    const before = o.issueAccessToken();

    o.faults.expireSessions();
    const [denied] = await bayeux(o, [handshakeMessage()], { token: before });
    const [accepted] = await bayeux(o, [handshakeMessage()], { token: o.issueAccessToken() });

    expect(denied).toMatchObject({
      error: BAYEUX_ERROR.handshakeDenied,
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
      advice: { reconnect: 'none' },
    });
    expect(accepted?.successful).toBe(true);
  });

  it('refuses a subscribe with an expired token', async () => {
    const o = await start();
    const token = o.issueAccessToken();
    const clientId = await handshake(o, token);

    o.faults.expireSessions();
    const [reply] = await bayeux(o, [subscribeMessage(clientId, -1)], { token });

    expect(reply).toMatchObject({ successful: false, error: '401::Authentication invalid', advice: { reconnect: 'none' } });
  });
});

describe('forgetClients', () => {
  it('answers the next request 403::Unknown client with reconnect handshake; faye handshakes and resubscribes', async () => {
    const o = await start();
    const subscriber = subscribe(o, -1);
    await subscriber.subscribed;

    o.faults.forgetClients();
    await waitFor(() => o.observed.handshakes === 2 && o.observed.activeSubscriptions(CHANNEL) === 1, 'a resubscribe', { timeoutMs: 5_000 });
    const { replayId } = await o.publishEvent({ Type__c: 'MESSAGE_CREATED' });
    await waitFor(() => subscriber.events.length === 1, 'an event after resubscribing', { timeoutMs: 5_000 });

    expect(subscriber.meta).toContainEqual(
      expect.objectContaining({
        channel: '/meta/connect',
        successful: false,
        error: '403::Unknown client',
        advice: { reconnect: 'handshake', interval: 0 },
      }),
    );
    expect(subscriber.events[0]!.event.replayId).toBe(replayId);
    expect(o.observed.subscribes.map((s) => s.successful)).toEqual([true, true]);
  });

  it('forgets a client that stays silent longer than clientExpiryMs after its last connect', async () => {
    const o = await start({ advisedTimeoutMs: 200, clientExpiryMs: 600 });
    const clientId = await handshake(o);

    const [first] = await bayeux(o, [connectMessage(clientId)]);
    await settle(100);
    const [inTime] = await bayeux(o, [connectMessage(clientId)]);
    await settle(1_000);
    const [late] = await bayeux(o, [connectMessage(clientId)]);

    expect(first?.successful).toBe(true);
    expect(inTime?.successful).toBe(true);
    expect(late).toMatchObject({ successful: false, error: '403::Unknown client', advice: { reconnect: 'handshake' } });
  });
});

describe('dailyLimit', () => {
  it('refuses handshake, connect and subscribe while on', async () => {
    const o = await start();
    const clientId = await handshake(o);

    o.faults.dailyLimit(true);
    const [hs] = await bayeux(o, [handshakeMessage()]);
    const [conn] = await bayeux(o, [connectMessage(clientId)]);
    const [sub] = await bayeux(o, [subscribeMessage(clientId, -1)]);
    o.faults.dailyLimit(false);
    const [after] = await bayeux(o, [subscribeMessage(clientId, -1)]);

    for (const reply of [hs, conn, sub]) {
      expect(reply).toMatchObject({ successful: false, error: '403::Organization total events daily limit exceeded' });
    }
    expect(hs?.advice).toEqual({ reconnect: 'retry', interval: 1_000 });
    expect(after?.successful).toBe(true);
  });
});

describe('busy', () => {
  it('answers exactly the next N Bayeux messages 503::Server is too busy', async () => {
    const o = await start();

    o.faults.busy(2);
    const replies = await bayeux(o, [handshakeMessage(), { ...handshakeMessage(), id: '2' }, { ...handshakeMessage(), id: '3' }]);

    expect(replies.map((r) => r.error ?? 'ok')).toEqual(['503::Server is too busy', '503::Server is too busy', 'ok']);
    expect(replies[0]?.advice).toEqual({ reconnect: 'retry', interval: 1_000 });
  });
});

describe('stallConnects', () => {
  it('holds /meta/connect unanswered while other requests are answered', async () => {
    const o = await start({ advisedTimeoutMs: 200 });
    const clientId = await handshake(o);
    const [normal] = await bayeux(o, [connectMessage(clientId)]);

    o.faults.stallConnects(true);
    const started = Date.now();
    const stalled = bayeux(o, [connectMessage(clientId)], { signal: AbortSignal.timeout(1_000) });
    const [subscribed] = await bayeux(o, [subscribeMessage(clientId, -1)]);

    expect(normal?.successful).toBe(true);
    expect(subscribed?.successful).toBe(true);
    await expect(stalled).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

describe('refuseConnections', () => {
  it('destroys new connections while on, and drops open long-polls', async () => {
    const o = await start();
    const clientId = await handshake(o);
    // Outcomes are captured at once: both fail while the other is still being awaited.
    const held = bayeux(o, [connectMessage(clientId)]).then(() => 'answered', (err: unknown) => err);
    await settle(100);

    o.faults.refuseConnections(true);
    const refused = fetch(`${o.url}/services/data/`).then(() => 'answered', (err: unknown) => err);

    expect(await held).toBeInstanceOf(Error);
    expect(String(await refused)).toMatch(/fetch failed/);
    o.faults.refuseConnections(false);
    const again = await fetch(`${o.url}/services/data/`);
    expect(again.status).toBe(200);
  });
});

describe('close', () => {
  it('closes promptly with held and stalled long-polls', async () => {
    const o = await start({ advisedTimeoutMs: 60_000 });
    const subscriber = subscribe(o, -1);
    await subscriber.subscribed;
    const clientId = await handshake(o);
    o.faults.stallConnects(true);
    const stalled = bayeux(o, [connectMessage(clientId)]).catch((err: unknown) => err);
    await settle(100);

    const started = Date.now();
    await o.close();
    const stalledOutcome = await stalled;

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(stalledOutcome).toBeInstanceOf(Error);
    await expect(fetch(`${o.url}/services/data/`)).rejects.toThrow();
  });
});
