// Delivery end to end: dev org (real HTTP, faye server) → bridge (jsforce + faye long-polling) →
// real socket.io clients. Every authenticated socket gets every event exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../bridge/events/contract.js';
import { signBridgeToken } from '../../../dev/org/data/bridge-token.js';
import { io } from 'socket.io-client';
import { AUDIENCE, startStack, TOKEN_SECRET, type Stack } from '../../helpers/stack.js';
import { settle, waitFor } from '../../helpers/wait-for.js';

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
  await waitFor(() => stack.bridge.subscriber!.state() === 'connected', 'bridge subscribed');
});
afterEach(() => stack.close());

describe('delivery', () => {
  it('sends every event to every authenticated socket exactly once, in order', async () => {
    const watchers = await Promise.all([stack.connect(), stack.connect(), stack.connect()]);
    const published: string[] = [];
    for (const type of ['MESSAGE_CREATED', 'MESSAGE_UPDATED', 'USER_ENTERED', 'MESSAGE_DELETED', 'USER_LEFT']) {
      published.push(await stack.publish(type));
    }
    for (const w of watchers) {
      await waitFor(() => w.of('chat:event').length >= published.length, 'all events at every socket');
    }
    await settle(300);
    for (const w of watchers) {
      const events = w.of<ChatEvent>('chat:event');
      expect(events.map((e) => e.eventUuid)).toEqual(published);
      expect(events.map((e) => e.type)).toEqual(['MESSAGE_CREATED', 'MESSAGE_UPDATED', 'USER_ENTERED', 'MESSAGE_DELETED', 'USER_LEFT']);
      // one frame per event: the legacy names are opt-in (LEGACY_EVENT_NAMES)
      expect(w.received.filter(([name]) => name !== 'bridge:status').map(([name]) => name)).toEqual(Array(published.length).fill('chat:event'));
      expect(w.of('bridge:status')[0]).toMatchObject({ upstream: 'connected' });
      expect(events[0]).toMatchObject({ recordId: 'a00000000000001AAA', userId: stack.devOrg.credentials.userId });
      expect(events[0].createdById).toMatch(/^005/);
      expect(Date.parse(events[0].createdDate)).not.toBeNaN();
    }
    // replay ids are increasing (not contiguous) and the last one is stored
    const ids = watchers[0].of<ChatEvent>('chat:event').map((e) => e.replayId);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const ready = await (await fetch(`${stack.url}/readyz`)).json();
    expect(ready).toEqual({ upstream: 'connected', store: 'up', lastReplayId: ids.at(-1), sockets: 3 });
    expect(stack.devOrg.observed.activeSubscriptions(stack.config.channel)).toBe(1);
  });

  it('reports liveness, readiness and metrics over HTTP', async () => {
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.url}/readyz`)).status).toBe(200);
    await stack.publish('MESSAGE_CREATED');
    await waitFor(async () => (await (await fetch(`${stack.url}/metrics`)).text()).includes('sfcb_events_forwarded_total{type="MESSAGE_CREATED"} 1'), 'forwarded metric');
  });

  it('logs, counts and drops malformed events without crashing, then keeps delivering', async () => {
    const w = await stack.connect();
    const junk: unknown[] = [
      null,
      'text',
      { payload: null, event: { replayId: 1, EventUuid: 'x-1' } },
      { payload: { Type__c: 'MESSAGE_EXPLODED' }, event: { replayId: 2, EventUuid: 'x-2' } },
      { payload: { Type__c: 'MESSAGE_CREATED', Record_Id__c: null, User_Id__c: null }, event: { replayId: 3, EventUuid: 'x-3' } },
      { payload: { Type__c: 'MESSAGE_CREATED' } },
    ];
    for (const data of junk) stack.devOrg.faults.publishRaw(data);
    await stack.publish('MESSAGE_CREATED', { Type__c: 'NOT_A_TYPE' });
    await stack.publish('MESSAGE_CREATED', { Record_Id__c: '' }); // "" arrives as null
    const good = await stack.publish('MESSAGE_CREATED');
    await waitFor(() => w.of('chat:event').length === 1, 'the valid event');
    await settle(200);
    expect(w.of<ChatEvent>('chat:event').map((e) => e.eventUuid)).toEqual([good]);
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toContain('sfcb_events_rejected_total{reason="malformed"} 7');
    expect(metrics).toContain('sfcb_events_rejected_total{reason="unknown-type"} 1');
  });

  it('refuses a token for another org than the one the bridge is logged into', async () => {
    const token = await signBridgeToken(
      { userId: '005000000000009AAA', name: 'Mallory', orgId: '00D000000000999AAA' },
      { secret: TOKEN_SECRET, audience: AUDIENCE },
    );
    const socket = io(stack.url, { auth: { token }, forceNew: true, reconnection: false, transports: ['websocket'] });
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    socket.close();
    expect(err.message).toMatch(/org/i);
    // the same org in its 15-character form is accepted
    const w = await stack.connect({ orgId: stack.devOrg.orgId.slice(0, 15) });
    expect(w.socket.connected).toBe(true);
  });

  it('with LEGACY_EVENT_NAMES=true also sends the names the original component listened to', async () => {
    await stack.close();
    stack = await startStack({ LEGACY_EVENT_NAMES: 'true' });
    await waitFor(() => stack.bridge.subscriber!.state() === 'connected', 'bridge subscribed');
    const w = await stack.connect();
    const published = [await stack.publish('MESSAGE_CREATED'), await stack.publish('USER_ENTERED')];
    await waitFor(() => w.of('refreshChatUsers').length === 1, 'the legacy presence event');
    expect(w.received.filter(([name]) => name !== 'bridge:status').map(([name]) => name)).toEqual([
      'chat:event',
      'chatupdated',
      'chat:event',
      'refreshChatUsers',
    ]);
    expect(w.of<ChatEvent>('chatupdated').map((e) => e.eventUuid)).toEqual([published[0]]);
  });
});
