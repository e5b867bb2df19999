// Rooms from the socket side (issue 13): a socket whose token names room A never receives any event,
// typing notice or catch-up row of room B. Real dev org → CometD → bridge → event log → socket.io, real
// clients with tokens signed as Salesforce signs them; then every way a page could try to hear B:
// a forged room list, another key, an expired token, `auth.rooms` naming B, other spellings of ids.
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeStatus, SequencedChatEvent, TypingAck, TypingNotice } from '../../../bridge/events/contract.js';
import { to18CharId } from '../../../bridge/salesforce/salesforce-id.js';
import { signBridgeToken } from '../../../dev/org/data/bridge-token.js';
import type { ChatSocket } from '../../../harness/local-bridge.js';
import { AUDIENCE, newUserId, startStack, TOKEN_SECRET, type Stack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait-for.js';

const ROOM_A_15 = 'a0B5e000000AbCd';
const ROOM_A_18 = to18CharId(ROOM_A_15);
/** Differs from A only in the case of its 15 characters: another room. */
const ROOM_B_15 = 'a0b5E000000aBcD';
const ROOM_B_18 = to18CharId(ROOM_B_15);

/** A socket and everything it received, in order. */
interface Client {
  socket: ChatSocket;
  events: SequencedChatEvent[];
  typing: TypingNotice[];
  status: BridgeStatus[];
}

let stack: Stack;
const opened: ChatSocket[] = [];

beforeAll(async () => {
  stack = await startStack();
  // A new org's subscription starts at new events (-1): publish only once it is live.
  await waitFor(async () => (await fetch(`${stack.url}/readyz`)).status === 200, 'the subscription', { timeoutMs: 30_000 });
}, 60_000);
afterAll(async () => {
  for (const s of opened) s.close();
  await stack?.close();
});

/** A token for a fresh user, signed as the dev org (and Apex) signs them; `rooms` omitted = no claim. */
const tokenFor = (rooms?: readonly string[], options: { lifetimeMs?: number; secret?: string } = {}) =>
  signBridgeToken(
    { userId: newUserId(), name: 'Test User', orgId: stack.devOrg.orgId },
    { secret: options.secret ?? TOKEN_SECRET, audience: AUDIENCE, rooms, lifetimeMs: options.lifetimeMs },
  );

/** Connects with `auth` as given and records what arrives; resolves once connected. */
async function connect(auth: Record<string, unknown>): Promise<Client> {
  const socket: ChatSocket = io(stack.url, { auth, forceNew: true, reconnection: false, transports: ['websocket'] });
  opened.push(socket);
  const client: Client = { socket, events: [], typing: [], status: [] };
  socket.on('chat:event', (e) => client.events.push(e));
  socket.on('typing', (n) => client.typing.push(n));
  socket.on('bridge:status', (s) => client.status.push(s));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return client;
}

/** The `connect_error` reason of a handshake that must be refused. */
async function refusal(auth: Record<string, unknown>): Promise<string | undefined> {
  const err = await connect(auth).then(
    () => {
      throw new Error('connected, but should have been refused');
    },
    (e: Error & { data?: { reason?: string } }) => e,
  );
  return err.data?.reason;
}

/** Publishes a message event in `roomId` (null: room-less presence), as the triggers do; returns its EventUuid. */
const publish = (roomId: string | null, type = 'MESSAGE_CREATED') =>
  stack.publish(type, roomId === null ? {} : { Room_Id__c: roomId });

/** Sends a typing message with an ack; resolves with the bridge's answer. */
const typeIn = (client: Client, roomId?: string) =>
  new Promise<TypingAck>((resolve) => client.socket.emit('typing:start', roomId === undefined ? {} : { roomId }, resolve));

/** Waits until every client has received the event `uuid` (events arrive in order, so all before it too). */
const allReceived = (clients: Client[], uuid: string) =>
  waitFor(() => clients.every((c) => c.events.some((e) => e.eventUuid === uuid)), `event ${uuid} everywhere`, { timeoutMs: 10_000 });

const uuidsOf = (client: Client) => client.events.map((e) => e.eventUuid);

describe('rooms from the socket side', () => {
  it('sends a room event only to the sockets of that room, whichever form of the id token or event uses; a room-less event to everyone', async () => {
    const a = await connect({ token: await tokenFor([ROOM_A_18]) });
    const a15 = await connect({ token: await tokenFor([ROOM_A_15]) });
    const aLower = await connect({ token: await tokenFor([ROOM_A_18.toLowerCase()]) });
    const b = await connect({ token: await tokenFor([ROOM_B_15]) });
    const both = await connect({ token: await tokenFor([ROOM_A_18, ROOM_B_18]) });
    const bOnly = await connect({ token: await tokenFor([ROOM_A_18, ROOM_B_18]), rooms: [ROOM_B_18.toLowerCase()] });
    const legacy = await connect({ token: await tokenFor() });

    const inA = await publish(ROOM_A_18);
    const inALower = await publish(ROOM_A_18.toLowerCase());
    const inB = await publish(ROOM_B_18);
    const inB15 = await publish(ROOM_B_15);
    const everywhere = await publish(null, 'USER_ENTERED');
    await allReceived([a, a15, aLower, b, both, bOnly, legacy], everywhere);

    for (const [name, client] of Object.entries({ a, a15, aLower })) {
      expect(uuidsOf(client), name).toEqual([inA, inALower, everywhere]);
    }
    expect(uuidsOf(b), 'B: an id differing from A only in case').toEqual([inB, inB15, everywhere]);
    expect(uuidsOf(both)).toEqual([inA, inALower, inB, inB15, everywhere]);
    expect(uuidsOf(bOnly), 'auth.rooms narrowed the socket to B').toEqual([inB, inB15, everywhere]);
    expect(uuidsOf(legacy), 'a token without the rooms claim hears room-less events only').toEqual([everywhere]);
    expect(a.events[0]!.roomId, 'chat:event carries the room as Salesforce sent it').toBe(ROOM_A_18);
    expect(a.status[0]!.rooms, 'bridge:status names the socket’s rooms, 18 characters').toEqual([ROOM_A_18]);
    expect(legacy.status[0]!.rooms).toEqual([]);
  }, 30_000);

  it('refuses forged room lists, other keys, expired tokens and auth.rooms outside the token, with a reason', async () => {
    const genuine = await tokenFor([ROOM_A_18]);
    const [header, payload, signature] = genuine.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, rooms: [ROOM_A_18, ROOM_B_18] })).toString('base64url');

    expect(await refusal({ token: `${header}.${forgedPayload}.${signature}` }), 'claims edited, not re-signed').toBe('bad-signature');
    expect(await refusal({ token: await tokenFor([ROOM_B_18], { secret: 'another-secret-another-secret-!!' }) }), 'another key').toBe('bad-signature');
    expect(await refusal({ token: await tokenFor([ROOM_B_18], { lifetimeMs: -60_000 }) }), 'expired').toBe('expired');
    expect(await refusal({ token: genuine, rooms: [ROOM_B_18] }), 'auth.rooms naming B').toBe('room-not-allowed');
    expect(await refusal({ token: genuine, rooms: [ROOM_A_18, ROOM_B_15] })).toBe('room-not-allowed');
    expect(await refusal({ token: genuine, rooms: [ROOM_A_15.toLowerCase()] }), 'A’s 15 characters lower-cased are another id').toBe('room-not-allowed');
    expect(await refusal({ token: genuine, rooms: 'a0B5e000000AbCd' }), 'not an array').toBe('malformed');
    expect(await refusal({ token: await tokenFor(['room-a']) }), 'a rooms claim that is not ids').toBe('malformed');
    const a = await connect({ token: genuine, rooms: [ROOM_A_15] });
    expect(a.status[0]!.rooms).toEqual([ROOM_A_18]);
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/sfcb_sockets_refused_total\{reason="room-not-allowed"\} [3-9]/);
  }, 30_000);

  it('relays typing only within its room, and refuses typing in a room outside the socket’s', async () => {
    const a1 = await connect({ token: await tokenFor([ROOM_A_18]) });
    const a2 = await connect({ token: await tokenFor([ROOM_A_15]) });
    const b1 = await connect({ token: await tokenFor([ROOM_B_18]) });
    const b2 = await connect({ token: await tokenFor([ROOM_B_18]) });
    const legacy1 = await connect({ token: await tokenFor() });
    const legacy2 = await connect({ token: await tokenFor() });

    expect(await typeIn(a1, ROOM_B_18), 'A types into B').toEqual({ ok: false, reason: 'room-not-allowed' });
    expect(await typeIn(a1), 'a socket that hears rooms must name one').toEqual({ ok: false, reason: 'room-not-allowed' });
    expect(await typeIn(legacy1, ROOM_A_18), 'a token without rooms types in none').toEqual({ ok: false, reason: 'room-not-allowed' });
    expect(await typeIn(b2, ROOM_B_15.toLowerCase()), 'B’s 15 characters lower-cased are another id').toEqual({ ok: false, reason: 'room-not-allowed' });
    expect(await typeIn(b2, ROOM_B_18.toLowerCase())).toEqual({ ok: true });
    expect(await typeIn(legacy2)).toEqual({ ok: true });
    expect(await typeIn(a2, ROOM_A_18.toLowerCase())).toEqual({ ok: true });
    // Each socket's frames arrive in the order they were sent: once the last notice is in, earlier ones are too.
    await waitFor(() => a1.typing.length > 0 && b1.typing.length > 0 && legacy1.typing.length > 0, 'the allowed notices', { timeoutMs: 5_000 });

    expect(a1.typing.map((n) => n.roomId)).toEqual([ROOM_A_18]);
    expect(b1.typing.map((n) => n.roomId), 'B hears B only, nothing of A’s refused attempts').toEqual([ROOM_B_18]);
    expect(legacy1.typing.map((n) => n.roomId)).toEqual([null]);
    expect(a2.typing, 'A’s other typer heard nothing from B or the room-less').toEqual([]);

    // A socket connecting now learns only its rooms' typers.
    const late = await connect({ token: await tokenFor([ROOM_A_18]) });
    await waitFor(() => late.typing.length > 0, 'current typers', { timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 100));
    expect(late.typing.map((n) => n.roomId)).toEqual([ROOM_A_18]);
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/sfcb_client_messages_ignored_total\{reason="room-not-allowed"\} 4/);
  }, 30_000);

  it('catches up by since with the rows of the socket’s rooms and the room-less, never another room’s', async () => {
    const watcher = await connect({ token: await tokenFor([ROOM_A_18, ROOM_B_18]) });
    const marker = await publish(null, 'USER_LEFT');
    await allReceived([watcher], marker);
    const since = watcher.events.at(-1)!.seq;
    const epoch = watcher.status[0]!.epoch;

    const inB = await publish(ROOM_B_18);
    const inA = await publish(ROOM_A_15);
    const inB15 = await publish(ROOM_B_15);
    const everywhere = await publish(null, 'USER_ENTERED');
    await allReceived([watcher], everywhere);

    const a = await connect({ token: await tokenFor([ROOM_A_18]), since, epoch });
    const b = await connect({ token: await tokenFor([ROOM_B_15]), since, epoch });
    const legacy = await connect({ token: await tokenFor(), since, epoch });
    const live = await publish(null, 'USER_ENTERED');
    await allReceived([a, b, legacy], live);

    expect(uuidsOf(a), 'A: its row and the room-less, then live').toEqual([inA, everywhere, live]);
    expect(uuidsOf(b)).toEqual([inB, inB15, everywhere, live]);
    expect(uuidsOf(legacy)).toEqual([everywhere, live]);
  }, 30_000);
});
