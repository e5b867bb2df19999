/**
 * The dev org's Streaming API as a subscriber sees it: replay (-1, -2, N) delivers exactly the
 * right events once, in order, to the subscribing client only; delivered messages have the
 * platform event shape; and every refusal carries Salesforce's error string.
 */
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BAYEUX_ERROR,
  channelDoesNotExist,
  invalidReplayId,
  replayIdMissing,
  type DevOrg,
} from '../../../dev/org/index.js';
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

let org: DevOrg;
const subscribers: RecordingSubscriber[] = [];

beforeEach(async () => {
  org = await startTestOrg();
});

afterEach(async () => {
  for (const s of subscribers.splice(0)) s.disconnect();
  await org.close();
});

function subscribe(replayFrom: number): RecordingSubscriber {
  const subscriber = subscribeWithJsforce(org, replayFrom);
  subscribers.push(subscriber);
  return subscriber;
}

/** Publishes `count` events and returns their replay ids, in publish order. */
async function publishMany(count: number, type = 'MESSAGE_CREATED'): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) ids.push((await org.publishEvent({ Type__c: type, Record_Id__c: `a00${i}` })).replayId);
  return ids;
}

/** Publishes a last event and waits for it, so everything delivered before it has arrived too. */
async function settle(subscriber: RecordingSubscriber): Promise<number> {
  const { replayId } = await org.publishEvent({ Type__c: 'USER_LEFT' });
  await waitFor(() => subscriber.events.some((e) => e.event.replayId === replayId), 'the sentinel event', { timeoutMs: 5_000 });
  return replayId;
}

const replayIds = (s: RecordingSubscriber) => s.events.map((e) => e.event.replayId);

describe('replay on subscribe', () => {
  it('-2 delivers every retained event once, in replay order, then live events', async () => {
    const retained = await publishMany(3);
    const subscriber = subscribe(-2);
    await subscriber.subscribed;
    const live = await publishMany(1);
    const sentinel = await settle(subscriber);

    expect(replayIds(subscriber)).toEqual([...retained, ...live, sentinel]);
  });

  it('-1 delivers only events published after the subscribe', async () => {
    await publishMany(2);
    const subscriber = subscribe(-1);
    await subscriber.subscribed;
    const live = await publishMany(2);
    const sentinel = await settle(subscriber);

    expect(replayIds(subscriber)).toEqual([...live, sentinel]);
  });

  it('N delivers the retained events after N, then live events', async () => {
    const retained = await publishMany(4);
    const subscriber = subscribe(retained[1]!);
    await subscriber.subscribed;
    const sentinel = await settle(subscriber);

    expect(replayIds(subscriber)).toEqual([retained[2], retained[3], sentinel]);
  });

  it('sends replayed events to the subscribing client only', async () => {
    const early = subscribe(-1);
    await early.subscribed;
    const retained = await publishMany(2);
    const late = subscribe(-2);
    await late.subscribed;
    const sentinel = await settle(late);
    await waitFor(() => replayIds(early).includes(sentinel), 'the sentinel at the early subscriber', { timeoutMs: 5_000 });

    expect(replayIds(early)).toEqual([...retained, sentinel]);
    expect(replayIds(late)).toEqual([...retained, sentinel]);
    expect(org.observed.activeSubscriptions(CHANNEL)).toBe(2);
  });

  it('hands out increasing, non-contiguous replay ids', async () => {
    const ids = await publishMany(6);

    for (let i = 1; i < ids.length; i += 1) expect(ids[i]! - ids[i - 1]!).toBeGreaterThan(1);
  });

  it('refuses a replay id older than retention with the Salesforce message, and subscribes nothing', async () => {
    const ids = await publishMany(3);
    org.faults.trimRetention(1);

    const subscriber = subscribe(ids[0]!);

    await expect(subscriber.subscribed).rejects.toMatchObject({ message: invalidReplayId(ids[0]) });
    expect(invalidReplayId(ids[0])).toBe(
      `400::The replayId {${ids[0]}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
    );
    expect(org.observed.subscribes.at(-1)).toMatchObject({ replayId: ids[0], successful: false, error: invalidReplayId(ids[0]) });
    expect(org.observed.activeSubscriptions(CHANNEL)).toBe(0);
  });

  it('still accepts the newest retained replay id after a trim', async () => {
    const ids = await publishMany(3);
    org.faults.trimRetention(1);

    const subscriber = subscribe(ids[2]!);
    await subscriber.subscribed;
    const sentinel = await settle(subscriber);

    expect(replayIds(subscriber)).toEqual([sentinel]);
  });

  it('forgets events older than the retention window', async () => {
    await org.close();
    // Wide enough that the kept event outlives a loaded machine's delay before the subscribe.
    org = await startTestOrg({ retentionMs: 2_000 });
    const [old] = await publishMany(1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const [kept] = await publishMany(1);

    const [reply] = await bayeux(org, [subscribeMessage(await handshake(org), old)]);
    const fresh = subscribe(-2);
    await fresh.subscribed;
    const sentinel = await settle(fresh);

    expect(reply).toMatchObject({ successful: false, error: invalidReplayId(old) });
    expect(replayIds(fresh)).toEqual([kept, sentinel]);
  });
});

describe('delivered message', () => {
  it('has the platform event shape, with "" delivered as null and CreatedById of the publisher', async () => {
    const subscriber = subscribe(-1);
    await subscriber.subscribed;
    const published = await org.publishEvent({ Type__c: 'MESSAGE_CREATED', Record_Id__c: 'a001x000003DGb2AAG', User_Id__c: '' });
    const other = await org.publishEvent({ Type__c: 'USER_ENTERED' }, { createdById: '005000000000001AAA' });
    await waitFor(() => subscriber.events.length === 2, 'two events');

    const [first, second] = subscriber.events;
    expect(first).toEqual({
      schema: expect.any(String),
      payload: {
        CreatedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        CreatedById: org.credentials.userId,
        Type__c: 'MESSAGE_CREATED',
        Record_Id__c: 'a001x000003DGb2AAG',
        User_Id__c: null,
        // Fields the publisher left unset are delivered, as null.
        Source__c: null,
        Request_Id__c: null,
        Changed_Fields__c: null,
      },
      event: { EventUuid: published.eventUuid, replayId: published.replayId },
    });
    expect(published.eventUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(published.id).toMatch(/^e00[0-9A-Za-z]{15}$/);
    expect(second).toMatchObject({
      payload: { CreatedById: '005000000000001AAA', Record_Id__c: null },
      event: { replayId: other.replayId },
    });
  });

  it('delivers a raw publish as is, live only', async () => {
    const subscriber = subscribe(-1);
    await subscriber.subscribed;

    org.faults.publishRaw({ payload: { Type__c: 42 } });
    await waitFor(() => subscriber.events.length === 1, 'one event');
    const later = subscribe(-2);
    await later.subscribed;
    const sentinel = await settle(later);

    expect(subscriber.events[0]).toEqual({ payload: { Type__c: 42 } });
    expect(replayIds(later)).toEqual([sentinel]);
  });
});

describe('handshake', () => {
  it('advertises replay, payload.format, long-polling only and the advised timeout', async () => {
    const [reply] = await bayeux(org, [handshakeMessage()]);

    expect(reply).toMatchObject({
      successful: true,
      supportedConnectionTypes: ['long-polling'],
      ext: { replay: true, 'payload.format': true },
      advice: { reconnect: 'retry', interval: 0, timeout: 1_500 },
    });
    expect(org.observed.handshakes).toBe(1);
  });

  it('accepts the token as Bearer too', async () => {
    const [reply] = await bayeux(org, [handshakeMessage()], { scheme: 'Bearer' });

    expect(reply?.successful).toBe(true);
  });

  it('denies a handshake without a token: 401::Request requires authentication', async () => {
    const [reply] = await bayeux(org, [handshakeMessage()], { token: null });

    expect(reply).toMatchObject({
      successful: false,
      error: '403::Handshake denied',
      advice: { reconnect: 'none' },
      ext: { sfdc: { failureReason: '401::Request requires authentication' } },
    });
    expect(org.observed.handshakes).toBe(0);
  });

  it('denies a handshake with a bad token, and jsforce reports it through AuthFailure', async () => {
    const subscriber = subscribeWithJsforce(org, -1, 'not-a-token');
    subscribers.push(subscriber);
    await waitFor(() => subscriber.authFailures.length > 0, 'an auth failure');

    expect(subscriber.authFailures[0]).toMatchObject({
      channel: '/meta/handshake',
      error: BAYEUX_ERROR.handshakeDenied,
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
    });
  });

  it('refuses a missing or unsupported API version in the URL', async () => {
    const [missing] = await bayeux(org, [handshakeMessage()], { path: '/cometd' });
    const [old] = await bayeux(org, [handshakeMessage()], { path: '/cometd/36.0' });
    const [oldest] = await bayeux(org, [handshakeMessage()], { path: '/cometd/37.0' });

    expect(missing?.error).toBe("400::API version in the URI is mandatory. URI format: '/cometd/62.0'");
    expect(old?.error).toBe(
      "400::Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/62.0'",
    );
    expect(oldest?.successful).toBe(true);
  });

  it('refuses connection types other than long-polling', async () => {
    const [ws] = await bayeux(org, [{ ...handshakeMessage(), supportedConnectionTypes: ['websocket'] }]);
    const clientId = await handshake(org);
    const [conn] = await bayeux(org, [{ ...connectMessage(clientId), connectionType: 'websocket' }]);
    const get = await fetch(`${org.url}/cometd/62.0?message=${encodeURIComponent(JSON.stringify([handshakeMessage()]))}`);

    expect(ws?.error).toBe('400::Invalid connection type {websocket}');
    expect(conn?.error).toBe('400::Invalid connection type {websocket}');
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/^400::Invalid connection type/);
  });

  it('refuses a WebSocket upgrade', async () => {
    const { port } = new URL(org.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'GET /cometd/62.0 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });

    expect(answer).toMatch(/^HTTP\/1\.1 400/);
  });
});

describe('subscribe refusals', () => {
  it('needs ext.replay for the exact channel', async () => {
    const clientId = await handshake(org);

    const [missing] = await bayeux(org, [subscribeMessage(clientId)]);
    const [otherKey] = await bayeux(org, [{ ...subscribeMessage(clientId), ext: { replay: { '/event/Other__e': -1 } } }]);
    const [text] = await bayeux(org, [subscribeMessage(clientId, '-1')]);
    const [negative] = await bayeux(org, [subscribeMessage(clientId, -3)]);

    expect(missing).toMatchObject({ successful: false, error: replayIdMissing(CHANNEL) });
    expect(otherKey).toMatchObject({ successful: false, error: replayIdMissing(CHANNEL) });
    expect(text).toMatchObject({ successful: false, error: invalidReplayId('-1') });
    expect(negative).toMatchObject({ successful: false, error: invalidReplayId(-3) });
    expect(org.observed.activeSubscriptions(CHANNEL)).toBe(0);
  });

  it('refuses channels that do not exist', async () => {
    const clientId = await handshake(org);

    const [other] = await bayeux(org, [subscribeMessage(clientId, -1, '/event/Other__e')]);
    const [topic] = await bayeux(org, [subscribeMessage(clientId, -1, '/topic/Chat')]);
    const [wildcard] = await bayeux(org, [subscribeMessage(clientId, -1, '/event/*')]);

    expect(other?.error).toBe(channelDoesNotExist('/event/Other__e'));
    expect(other?.error).toBe('400::The channel you requested to subscribe to does not exist {/event/Other__e}');
    expect(topic?.error).toBe(channelDoesNotExist('/topic/Chat'));
    expect(wildcard?.error).toBe(channelDoesNotExist('/event/*'));
  });

  it('does not let clients publish', async () => {
    const clientId = await handshake(org);
    const watcher = subscribe(-1);
    await watcher.subscribed;

    const [reply] = await bayeux(org, [{ channel: CHANNEL, clientId, data: { payload: {} }, id: '9' }]);
    const sentinel = await settle(watcher);

    expect(reply).toMatchObject({ successful: false, error: `403::Publishing is not allowed {${CHANNEL}}` });
    expect(replayIds(watcher)).toEqual([sentinel]);
  });

  it('records each subscribe with its replay id and outcome', async () => {
    const subscriber = subscribe(-1);
    await subscriber.subscribed;

    expect(org.observed.subscribes).toEqual([
      { clientId: expect.any(String), channel: CHANNEL, replayId: -1, successful: true },
    ]);
    expect(org.observed.activeSubscriptions(CHANNEL)).toBe(1);
  });
});
