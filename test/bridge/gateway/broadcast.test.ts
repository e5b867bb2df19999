// Fan-out over real sockets: every authenticated socket gets each chat event exactly once, in one
// frame (its legacy name only when asked for), resync and status reach everyone, tokens expire, and
// close() empties the room.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTRACT_VERSION, type ChatEvent, type SequencedChatEvent } from '../../../bridge/events/contract.js';
import {
  connected,
  disconnected,
  metricValue,
  nextEvent,
  record,
  refused,
  startGateway,
  TEST_EPOCH,
  waitFor,
  type Harness,
  type TestClient,
} from './support/harness.js';

const message = (type: ChatEvent['type'], n = 1): SequencedChatEvent => ({
  seq: n,
  type,
  recordId: `a0B00000000000${n}`,
  userId: '005000000000001',
  createdById: '005000000000001',
  createdDate: '2026-01-15T12:00:00.000Z',
  replayId: 100 + n,
  eventUuid: `uuid-${n}`,
  roomId: null,
});

let h: Harness;
beforeEach(async () => {
  h = await startGateway();
});
afterEach(() => h.close());

/** Connects `n` clients of distinct users (plus one extra tab of the first), all recording events. */
async function room(n: number): Promise<Array<{ client: TestClient; seen: Array<[string, unknown]> }>> {
  const tokens = Array.from({ length: n }, (_, i) => h.issue({ userId: `00500000000000${i + 1}`, name: `User ${i + 1}` }));
  tokens.push(tokens[0]!); // a second tab of user 1
  const members = tokens.map((t) => {
    const client = h.connect(t);
    return { client, seen: record(client) }; // recording from before the handshake: nothing is missed
  });
  await Promise.all(members.map((m) => connected(m.client)));
  return members;
}

/** Event names a member saw, leaving out the greeting `bridge:status` every socket gets on connect. */
const after = (seen: Array<[string, unknown]>): Array<[string, unknown]> => seen.filter(([e], i) => !(i === 0 && e === 'bridge:status'));

/**
 * Emits a `bridge:resync` as a sentinel and waits until every client has it: socket.io keeps order
 * per socket, so whatever a client saw before its sentinel is all it will ever see of earlier emits.
 */
async function settle(members: Array<{ seen: Array<[string, unknown]> }>): Promise<void> {
  h.gateway.resync('replay-id-expired');
  await waitFor(() => members.every((m) => m.seen.some(([e]) => e === 'bridge:resync')), 'sentinel', { timeoutMs: 3_000 });
}

describe('gateway broadcast', () => {
  it('sends each chat event exactly once to every socket, as chat:event only', async () => {
    const members = await room(3);
    h.gateway.broadcast(message('MESSAGE_CREATED'));
    h.gateway.broadcast(message('USER_ENTERED', 2));
    await settle(members);
    for (const [i, m] of members.entries()) {
      expect(m.seen[0]?.[0], `client ${i} greeted first`).toBe('bridge:status');
      const names = after(m.seen).map(([e]) => e);
      expect(names, `client ${i}`).toEqual(['chat:event', 'chat:event', 'bridge:resync']);
      expect(after(m.seen)[0]![1], `client ${i} payload`).toEqual(message('MESSAGE_CREATED'));
    }
    expect(await metricValue(h.metrics.eventsForwarded, { type: 'MESSAGE_CREATED' })).toBe(1);
  });

  it('reaches long-polling and upgrading sockets as websockets: greeting first, then every event once, in order', async () => {
    // Websockets get each frame written straight to ws; the others through engine.io (frame-broadcast.ts).
    const kinds = [['polling'], ['polling', 'websocket'], ['websocket']] as const;
    const members = await Promise.all(
      kinds.map(async (transports, i) => {
        const client = h.connect(h.issue({ userId: `00500000000000${i + 1}`, name: `User ${i + 1}` }), { transports: [...transports] });
        const seen = record(client);
        await connected(client);
        return { client, seen, transports };
      }),
    );
    // Sent at once after connecting: the polling-then-websocket client is still upgrading for some.
    for (let n = 1; n <= 20; n++) h.gateway.broadcast(message('MESSAGE_CREATED', n));
    await settle(members);
    for (const m of members) {
      expect(m.seen[0]?.[0], `${m.transports.join('+')} greeted first`).toBe('bridge:status');
      const seqs = after(m.seen).filter(([e]) => e === 'chat:event').map(([, payload]) => (payload as SequencedChatEvent).seq);
      expect(seqs, m.transports.join('+')).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    }
    expect(members[1]!.client.io.engine.transport.name, 'the upgrading client ends on a websocket').toBe('websocket');
  });

  it('with legacyEventNames, also sends chatupdated for messages and refreshChatUsers for user events', async () => {
    await h.close();
    h = await startGateway({ deps: { legacyEventNames: true } });
    const [m] = await room(1);
    const types: ChatEvent['type'][] = ['MESSAGE_UPDATED', 'MESSAGE_DELETED', 'MESSAGE_UNDELETED', 'USER_ENTERED', 'USER_LEFT'];
    types.forEach((type, i) => h.gateway.broadcast(message(type, i)));
    await settle([m!]);
    expect(after(m!.seen).map(([e]) => e)).toEqual([
      ...['chat:event', 'chatupdated'],
      ...['chat:event', 'chatupdated'],
      ...['chat:event', 'chatupdated'],
      ...['chat:event', 'refreshChatUsers'],
      ...['chat:event', 'refreshChatUsers'],
      'bridge:resync',
    ]);
    expect(after(m!.seen)[1]![1], 'same payload under both names').toEqual(message('MESSAGE_UPDATED', 0));
  });

  it('sends resync reasons to everyone', async () => {
    const members = await room(2);
    const got = members.map((m) => nextEvent(m.client, 'bridge:resync'));
    h.gateway.resync('replay-id-expired');
    for (const p of got) expect(await p).toEqual({ reason: 'replay-id-expired' });
  });

  it('announces upstream state to everyone only when it changes, and tells newcomers the current one', async () => {
    const members = await room(1);
    h.gateway.setUpstreamState('connected'); // unchanged: nothing sent
    h.gateway.setUpstreamState('reconnecting');
    h.gateway.setUpstreamState('reconnecting'); // unchanged again
    await settle(members);
    expect(after(members[0]!.seen).filter(([e]) => e === 'bridge:status')).toEqual([
      ['bridge:status', { upstream: 'reconnecting', contractVersion: CONTRACT_VERSION, epoch: TEST_EPOCH }],
    ]);
    h.upstream.state = 'degraded';
    const late = h.connect(h.issue({ userId: '005000000000009', name: 'Late' }));
    const status = nextEvent(late, 'bridge:status');
    await connected(late);
    expect(await status).toEqual({ upstream: 'degraded', contractVersion: CONTRACT_VERSION, epoch: TEST_EPOCH, rooms: [] });
  });

  it('counts sockets, and forgets disconnected ones', async () => {
    const members = await room(2);
    expect(h.gateway.socketCount()).toBe(3);
    expect(await metricValue(h.metrics.socketsConnected)).toBe(3);
    members[0]!.client.disconnect();
    await waitFor(() => h.gateway.socketCount() === 2, 'socket count 2', { timeoutMs: 3_000 });
    expect(await metricValue(h.metrics.socketsConnected)).toBe(2);
  });

  it('disconnects a socket when its token expires, and admits it again with a fresh token', async () => {
    const short = h.issue({ userId: '005000000000001', name: 'Ann', expiresAt: Date.now() + 300 });
    const long = h.issue({ userId: '005000000000002', name: 'Bob' });
    const [a, b] = await Promise.all([connected(h.connect(short)), connected(h.connect(long))]);
    const started = Date.now();
    expect(await disconnected(a!, 2_000)).toBe('io server disconnect');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(b!.connected, 'a longer token stays').toBe(true);
    const again = await connected(h.connect(h.issue({ userId: '005000000000001', name: 'Ann' })));
    expect(again.connected).toBe(true);
  });

  it('close() disconnects everyone and refuses newcomers', async () => {
    const members = await room(2);
    const gone = members.map((m) => disconnected(m.client));
    await h.gateway.close();
    for (const reason of await Promise.all(gone)) expect(reason).toBe('io server disconnect');
    expect(h.gateway.socketCount()).toBe(0);
    const err = await refused(h.connect(h.issue({ userId: '005000000000003', name: 'New' })));
    expect(err.message).toBe('bridge shutting down');
    expect(err.data).toEqual({ reason: 'closing' });
  });
});
