// Typing notices over real sockets: relayed to other users only (never the typer's own tabs), named
// from the token, stopped by stop/expiry/disconnect/send, rate-limited, floods disconnected.
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayDeps } from '../../../bridge/gateway/gateway.js';
import {
  connected,
  disconnected,
  metricValue,
  record,
  startGateway,
  waitFor,
  type Harness,
  type TestClient,
} from './support/harness.js';

const ANN = '005000000000001';
const BOB = '005000000000002';
const CY = '005000000000003';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Member {
  client: TestClient;
  seen: Array<[string, unknown]>;
}

/** Ann in two tabs, Bob and Cy, all connected and recording. */
async function start(typing: GatewayDeps['typing']): Promise<{ ann1: Member; ann2: Member; bob: Member; cy: Member }> {
  h = await startGateway({ deps: { typing } });
  const join = (userId: string, name: string, token = h!.issue({ userId, name })): Member => {
    const client = h!.connect(token);
    return { client, seen: record(client) };
  };
  const annToken = h.issue({ userId: ANN, name: 'Ann Author' });
  const members = { ann1: join(ANN, '', annToken), ann2: join(ANN, '', annToken), bob: join(BOB, 'Bob Reader'), cy: join(CY, 'Cy Reader') };
  await Promise.all(Object.values(members).map((m) => connected(m.client)));
  return members;
}

/** The `typing` payloads a member received, in order. */
const typing = (m: Member): unknown[] => m.seen.filter(([e]) => e === 'typing').map(([, p]) => p);

/** Waits until every member has a sentinel `bridge:resync`, so anything sent before it has arrived. */
async function settle(...members: Member[]): Promise<void> {
  h!.gateway.resync('replay-id-expired');
  await waitFor(() => members.every((m) => m.seen.some(([e]) => e === 'bridge:resync')), 'sentinel', { timeoutMs: 3_000 });
}

/**
 * Waits until the server has handled everything `m` sent so far: socket.io handles one socket's
 * packets in order, so once a trailing unknown event has been counted, everything before it is done.
 */
async function barrier(m: Member): Promise<void> {
  const ignored = () => metricValue(h!.metrics.clientMessagesIgnored, { reason: 'unknown-event' });
  const before = await ignored();
  rawEmit(m.client, 'test:barrier');
  const deadline = Date.now() + 3_000;
  while ((await ignored()) === before) {
    if (Date.now() > deadline) throw new Error('barrier not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Emits any event name with any payload, as a hostile or buggy page could. */
function rawEmit(client: TestClient, event: string, ...args: unknown[]): void {
  (client as unknown as { emit(e: string, ...a: unknown[]): void }).emit(event, ...args);
}

const annTyping = (isTyping: boolean) => ({ userId: ANN, name: 'Ann Author', isTyping, roomId: null });

describe('typing relay over sockets', () => {
  it('relays to every other user, named from the token (payload ignored), never to the typer’s own tabs', async () => {
    const { ann1, ann2, bob, cy } = await start({ expiryMs: 5_000 });
    rawEmit(ann1.client, 'typing:start', { userId: BOB, name: 'Mallory', isTyping: false });
    await waitFor(() => typing(bob).length === 1 && typing(cy).length === 1, 'notices', { timeoutMs: 3_000 });
    await settle(ann1, ann2, bob, cy);
    expect(typing(bob)).toEqual([annTyping(true)]);
    expect(typing(cy)).toEqual([annTyping(true)]);
    expect(typing(ann1), 'typer').toEqual([]);
    expect(typing(ann2), 'typer’s other tab').toEqual([]);
  });

  it('relays typing:stop, and a repeated start only once', async () => {
    const { ann1, bob } = await start({ expiryMs: 5_000 });
    ann1.client.emit('typing:start');
    ann1.client.emit('typing:start');
    ann1.client.emit('typing:start');
    ann1.client.emit('typing:stop');
    ann1.client.emit('typing:stop');
    await barrier(ann1);
    await settle(ann1, bob);
    expect(typing(bob)).toEqual([annTyping(true), annTyping(false)]);
  });

  it('expires a typer expiryMs after their last typing:start', async () => {
    const { ann1, bob } = await start({ expiryMs: 300 });
    const startedAt = Date.now();
    ann1.client.emit('typing:start');
    await waitFor(() => typing(bob).length === 2, 'expiry notice', { timeoutMs: 3_000 });
    expect(typing(bob)).toEqual([annTyping(true), annTyping(false)]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
  });

  it('keeps a typer alive while typing:start keeps coming, then expires from the last one', async () => {
    const { ann1, bob } = await start({ expiryMs: 300 });
    ann1.client.emit('typing:start');
    await new Promise((r) => setTimeout(r, 200));
    ann1.client.emit('typing:start'); // refresh: the first timer (due at ~300 ms) must find nothing to do
    const refreshedAt = Date.now();
    await waitFor(() => typing(bob).length === 2, 'expiry notice', { timeoutMs: 3_000 });
    expect(Date.now() - refreshedAt, 'expired from the refresh, not the first start').toBeGreaterThanOrEqual(250);
    expect(typing(bob)).toEqual([annTyping(true), annTyping(false)]);
  });

  it('clears a typer when their last typing socket disconnects, not before', async () => {
    const { ann1, ann2, bob } = await start({ expiryMs: 5_000 });
    ann1.client.emit('typing:start');
    ann2.client.emit('typing:start');
    await barrier(ann1);
    await barrier(ann2);
    ann1.client.disconnect();
    await waitFor(() => h!.gateway.socketCount() === 3, 'first tab gone', { timeoutMs: 3_000 });
    await settle(bob);
    expect(typing(bob), 'other tab still typing').toEqual([annTyping(true)]);
    ann2.client.disconnect();
    await waitFor(() => typing(bob).length === 2, 'stop notice', { timeoutMs: 3_000 });
    expect(typing(bob)[1]).toEqual(annTyping(false));
  });

  it('clears a typer when their message arrives (MESSAGE_CREATED by them)', async () => {
    const { ann1, bob } = await start({ expiryMs: 5_000 });
    ann1.client.emit('typing:start');
    await waitFor(() => typing(bob).length === 1, 'start notice', { timeoutMs: 3_000 });
    h!.gateway.broadcast({
      seq: 1,
      type: 'MESSAGE_CREATED',
      recordId: 'a0B000000000001',
      userId: `${ANN}AAA`, // 18-character form of Ann's id in the event
      createdById: ANN,
      createdDate: '2026-01-15T12:00:00.000Z',
      replayId: 1,
      eventUuid: 'u1',
      roomId: null,
    });
    await waitFor(() => typing(bob).length === 2, 'stop notice', { timeoutMs: 3_000 });
    expect(typing(bob)[1]).toEqual(annTyping(false));
    expect(bob.seen.map(([e]) => e).slice(-2), 'after the message itself').toEqual(['chat:event', 'typing']);
  });

  it('tells a newly connected socket who is typing now', async () => {
    const { ann1, bob } = await start({ expiryMs: 5_000 });
    ann1.client.emit('typing:start');
    await waitFor(() => typing(bob).length === 1, 'start notice', { timeoutMs: 3_000 });
    const late = h!.connect(h!.issue({ userId: '005000000000004', name: 'Late' }));
    const seen = record(late);
    await connected(late);
    await waitFor(() => seen.some(([e]) => e === 'typing'), 'current typers', { timeoutMs: 3_000 });
    expect(seen.map(([e, p]) => [e, e === 'typing' ? p : undefined])).toEqual([
      ['bridge:status', undefined],
      ['typing', annTyping(true)],
    ]);
  });

  it('relays at most ratePerSecond state changes per socket per second, counting the rest as dropped', async () => {
    const { ann1, bob } = await start({ expiryMs: 5_000, ratePerSecond: 5, floodDisconnectAfter: 100 });
    for (let i = 0; i < 20; i += 1) ann1.client.emit(i % 2 === 0 ? 'typing:start' : 'typing:stop');
    await barrier(ann1);
    await settle(ann1, bob);
    // start, stop, start, stop, start relayed; then every stop is over budget (dropped) and every
    // start finds Ann already typing (deduplicated, nothing to drop).
    expect(typing(bob)).toEqual([annTyping(true), annTyping(false), annTyping(true), annTyping(false), annTyping(true)]);
    expect(await metricValue(h!.metrics.typingDropped)).toBe(8);
    expect(ann1.client.connected, 'one burst is not a flood').toBe(true);
  });

  it('disconnects a socket that keeps flooding, and tells the others it stopped typing', async () => {
    const { ann1, bob } = await start({ expiryMs: 5_000, ratePerSecond: 5, floodDisconnectAfter: 2 });
    const gone = disconnected(ann1.client, 4_000);
    const flood = setInterval(() => {
      for (let i = 0; i < 10; i += 1) ann1.client.emit(i % 2 === 0 ? 'typing:start' : 'typing:stop');
    }, 50);
    try {
      expect(await gone).toBe('io server disconnect');
    } finally {
      clearInterval(flood);
    }
    await waitFor(() => typing(bob).at(-1) !== undefined && (typing(bob).at(-1) as { isTyping: boolean }).isTyping === false, 'final stop', { timeoutMs: 3_000 });
    expect(bob.client.connected, 'the others stay').toBe(true);
    expect(await metricValue(h!.metrics.typingDropped)).toBeGreaterThan(0);
    expect(h!.logs.some((l) => l.msg === 'typing flood, disconnecting')).toBe(true);
  });
});
