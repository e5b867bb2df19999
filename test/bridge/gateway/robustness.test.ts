// Hostile or broken client input: unknown event names, oversized payloads, garbage frames on both
// transports. None may crash the server or reach other users; the server keeps serving new clients.
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SequencedChatEvent } from '../../../bridge/events/contract.js';
import {
  MAX_HTTP_BUFFER_SIZE,
  MAX_MESSAGE_BYTES,
  connected,
  disconnected,
  metricValue,
  nextEvent,
  record,
  startGateway,
  waitFor,
  type Harness,
} from './support/harness.js';

let h: Harness;
let token: string;
beforeEach(async () => {
  h = await startGateway();
  token = h.issue({ userId: '005000000000001', name: 'Ann' });
});
afterEach(() => h.close());

const event: SequencedChatEvent = {
  seq: 1,
  type: 'MESSAGE_CREATED',
  recordId: 'a0B000000000001',
  userId: '005000000000002',
  createdById: '005000000000002',
  createdDate: '2026-01-15T12:00:00.000Z',
  replayId: 1,
  eventUuid: 'u1',
  roomId: null,
};

/** A brand-new client still connects and receives a broadcast: the server survived. */
async function stillServes(): Promise<void> {
  const fresh = await connected(h.connect(h.issue({ userId: '005000000000009', name: 'Fresh' })));
  const got = nextEvent(fresh, 'chat:event');
  h.gateway.broadcast(event);
  expect(await got).toEqual(event);
  fresh.disconnect();
}

/** Opens a raw engine.io websocket and completes the socket.io handshake with `token`. */
async function rawSocket(): Promise<WebSocket> {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  ws.on('message', (data) => frames.push(String(data)));
  await waitFor(() => frames.some((f) => f.startsWith('0{')), 'engine.io open', { timeoutMs: 3_000 });
  ws.send(`40${JSON.stringify({ token })}`);
  await waitFor(() => frames.some((f) => f.startsWith('40{')), 'socket.io connect', { timeoutMs: 3_000 });
  return ws;
}

const closeOf = (ws: WebSocket): Promise<number> => new Promise((resolve) => ws.once('close', (code) => resolve(code)));

describe('hostile client input', () => {
  it('ignores and counts event names other than typing:start/stop, payloads and acks included', async () => {
    const ann = await connected(h.connect(token));
    const bob = h.connect(h.issue({ userId: '005000000000002', name: 'Bob' }));
    const bobSeen = record(bob);
    await connected(bob);
    const emit = ann as unknown as { emit(e: string, ...a: unknown[]): void };
    emit.emit('chat:event', event);
    emit.emit('bridge:resync', { reason: 'replay-id-expired' });
    emit.emit('typing', { userId: '005000000000002', name: 'Bob', isTyping: true });
    emit.emit('admin:shutdown', () => undefined);
    emit.emit('__proto__');
    emit.emit('constructor', { a: 1 });
    await waitFor(() => h.logs.filter((l) => l.msg === 'client event ignored').length === 6, 'six ignored', { timeoutMs: 3_000 });
    expect(await metricValue(h.metrics.clientMessagesIgnored, { reason: 'unknown-event' })).toBe(6);
    h.gateway.resync('replay-id-expired');
    await waitFor(() => bobSeen.some(([e]) => e === 'bridge:resync'), 'sentinel', { timeoutMs: 3_000 });
    expect(bobSeen.map(([e, p]) => [e, p])).toEqual([
      ['bridge:status', expect.anything()],
      ['bridge:resync', { reason: 'replay-id-expired' }],
    ]);
    expect(ann.connected, 'ignored, not punished').toBe(true);
  });

  it.each([
    ['websocket', 'just over the message limit', MAX_MESSAGE_BYTES],
    ['polling', 'just over the message limit', MAX_MESSAGE_BYTES],
    ['websocket', 'over maxHttpBufferSize', MAX_HTTP_BUFFER_SIZE],
    ['polling', 'over maxHttpBufferSize', MAX_HTTP_BUFFER_SIZE],
  ] as const)('closes a %s client that sends a message %s, relays nothing of it, counts it, and keeps serving', async (transport, _what, size) => {
    const bob = await connected(h.connect(h.issue({ userId: '005000000000002', name: 'Bob' })));
    const bobSeen = record(bob);
    const ann = await connected(h.connect(token, { transports: [transport] }));
    const gone = disconnected(ann);
    (ann as unknown as { emit(e: string, ...a: unknown[]): void }).emit('typing:start', 'x'.repeat(size));
    expect(await gone).toMatch(/transport (close|error)/);
    await waitFor(() => h.gateway.socketCount() === 1, 'server forgot the socket', { timeoutMs: 3_000 });
    expect(await metricValue(h.metrics.clientMessagesIgnored, { reason: 'oversized' })).toBe(1);
    await stillServes();
    expect(bobSeen.filter(([e]) => e === 'typing'), 'the over-size typing:start reached nobody').toEqual([]);
  });

  it.each([['websocket'], ['polling']] as const)(
    'drops a %s handshake beyond maxHttpBufferSize unread, at once, and keeps serving',
    async (transport) => {
      const client = h.connect('x'.repeat(MAX_HTTP_BUFFER_SIZE * 2), { transports: [transport] });
      let wasConnected = false;
      client.on('connect', () => (wasConnected = true));
      // Beyond what the transport reads there is no reason to give (engine.io #706): websocket closes
      // with 1009 (the client sees `disconnect`), polling answers HTTP 413 (`connect_error` without data).
      // Smaller over-size handshakes get `too-large` (handshake.test.ts).
      const outcome = await new Promise<string>((resolve) => {
        client.once('connect_error', (err) => resolve(`connect_error: ${err.message}`));
        client.once('disconnect', (reason) => resolve(`disconnect: ${reason}`));
      });
      expect(outcome).toMatch(/^(connect_error: xhr post error|disconnect: transport (close|error))$/);
      expect(wasConnected).toBe(false);
      await stillServes();
    },
  );

  it('survives garbage websocket frames: not engine.io, not socket.io, not JSON, binary', async () => {
    // [frame, what the server does]: undecodable frames close the connection; well-formed packets
    // with a non-string event name reach the gateway as unknown events and are ignored.
    const frames: Array<[string | Buffer, 'closed' | 'open']> = [
      ['garbage', 'closed'], // not an engine.io packet
      ['4garbage', 'closed'], // not a socket.io packet
      ['42["typing:start",{{{', 'closed'], // not JSON
      ['42{"not":"an array"}', 'closed'],
      ['42[]', 'closed'],
      [Buffer.from([0xff, 0xfe, 0x00, 0x01]), 'closed'], // binary, no attachment announced
      ['42[42]', 'open'], // numeric event name
      ['4222', 'open'], // ack id, no payload
    ];
    for (const [frame, expected] of frames) {
      const ws = await rawSocket();
      const closed = closeOf(ws);
      ws.send(frame);
      const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 300))]);
      ws.terminate();
      expect(outcome, JSON.stringify(String(frame))).toBe(expected);
    }
    await waitFor(() => h.gateway.socketCount() === 0, 'server forgot the raw sockets', { timeoutMs: 3_000 });
    expect(await metricValue(h.metrics.clientMessagesIgnored, { reason: 'malformed' })).toBe(6);
    expect(await metricValue(h.metrics.clientMessagesIgnored, { reason: 'unknown-event' })).toBe(2);
    await stillServes();
  });

  it('survives garbage long-polling bodies and an oversized POST', async () => {
    const base = `${h.url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    const session = `${base}&sid=${sid}`;
    expect((await fetch(session, { method: 'POST', body: `40${JSON.stringify({ token })}` })).status).toBe(200);
    await waitFor(() => h.gateway.socketCount() === 1, 'polling socket connected', { timeoutMs: 3_000 });
    const garbage = await fetch(session, { method: 'POST', body: '\x1e\x1e42[garbage\x1e\u0000' });
    expect(garbage.status).toBeLessThan(500);
    await waitFor(() => h.gateway.socketCount() === 0, 'garbage session closed', { timeoutMs: 3_000 });

    const open2 = await (await fetch(base)).text();
    const sid2 = (JSON.parse(open2.slice(1)) as { sid: string }).sid;
    const huge = await fetch(`${base}&sid=${sid2}`, { method: 'POST', body: 'x'.repeat(MAX_HTTP_BUFFER_SIZE * 10) });
    expect(huge.status, 'payload too large').toBe(413);
    await stillServes();
  });
});
