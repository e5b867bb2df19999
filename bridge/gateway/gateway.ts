/**
 * The socket.io gateway: who may connect, what they receive, and the little they may send.
 *
 * Why this exists: the bridge holds one upstream CometD subscription and fans every `Chat_Event__e`
 * out to all browsers. This module owns the browser side of that: the handshake (origin, then the
 * signed token from Salesforce), a room per user (all tabs of one user) and per chat room the token
 * lets it hear (`room:<id>`, contract 2.3.0: a room's events, typing and catch-up reach only its
 * sockets), the broadcasts
 * (`chat:event`, opt-in legacy names, `bridge:resync`, `bridge:status`), and the only inbound traffic
 * allowed — typing notices, relayed to other users under a rate limit — and the catch-up of a
 * socket that reconnects with `auth.since` (catch-up.ts reads the log; here its live events are held
 * back meanwhile and joined at the seam by `seq`). It is given a socket.io
 * `Server` and its parts (token verifier, origin check, metrics, logger) and never listens itself,
 * like `createApplication(httpServer, deps)` in socket.io's basic-crud example.
 *
 * Clients never see internal error text: refusals carry a plain-words `message` and
 * `data: { reason }` ({@link HandshakeRefusal}); details go to the log.
 */
import type { Logger } from 'pino';
import type { ExtendedError, Server, Socket } from 'socket.io';
import {
  CHAT_EVENT_CATEGORY,
  CONTRACT_VERSION,
  MAX_TOKEN_ROOMS,
  ROOM_PREFIX,
  TYPING_EXPIRY_MS,
  TYPING_RATE_PER_SECOND,
  type ChatEventCategory,
  type ClientToServerEvents,
  type InterServerEvents,
  type ResyncReason,
  type SequencedChatEvent,
  type ServerToClientEvents,
  type SocketData,
  type TypingAck,
  type UpstreamState,
} from '../events/contract.js';
import type { BridgeMetrics } from '../http/metrics.js';
import { canonicalSalesforceId, isSalesforceId, to18CharId } from '../salesforce/salesforce-id.js';
import { createCatchUpQueue, parseCatchUpFrom, type CatchUpFrom, type CatchUpLimits, type CatchUpLog } from './catch-up.js';
import { createExpirySchedule, MAX_TIMER_MS } from './expiry.js';
import { connectWritingTogether, encodeEvent, openWritingTogether, writeEvent, writesFramesDirectly, type EncodedEvent } from './engine-writes.js';
import { createFrameBroadcast } from './frame-broadcast.js';
import { answerPollingCors, GATEWAY_MAX_MESSAGE_BYTES } from './server-options.js';
import { parseRoomIds, TokenError, type TokenRefusal } from './token.js';
import { createTypingRelay, type RoomKey, type TypingRelayNotice } from './typing.js';

/** The typed socket.io server the gateway works on. */
export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * `err.data.reason` of a refused handshake (`connect_error` in the browser), and the `reason` label of
 * `socketsRefused`: a {@link TokenRefusal}, `origin` (Origin not allowed), `internal` (the bridge
 * could not verify the token; nothing the client did), `closing` (the bridge is shutting down),
 * `malformed` (`auth.since` / `auth.epoch` / `auth.rooms` not of their documented shape, see
 * `HandshakeAuth`) or `room-not-allowed` (`auth.rooms` names a room the token's `rooms` claim does not).
 */
export type HandshakeRefusal = TokenRefusal | 'origin' | 'internal' | 'closing' | 'malformed' | 'room-not-allowed';

/** Most distinct rooms lists whose greeting the gateway keeps encoded at once. */
const GREETINGS_KEPT = 256;
type BridgeStatus = Parameters<ServerToClientEvents['bridge:status']>[0];

/** Consecutive over-rate seconds after which a typing flooder is disconnected, by default. */
export const DEFAULT_TYPING_FLOOD_DISCONNECT_AFTER = 3;

/** What {@link createGateway} needs. */
export interface GatewayDeps {
  /** Verifies `auth.token`; rejects with {@link TokenError} (anything else counts as `internal`). */
  verifyToken: (token: unknown) => Promise<SocketData>;
  /** Origin allow-list check (`createOriginMatcher` in origins.ts); `selfHost` is the request's Host header. */
  isOriginAllowed: (origin: string | undefined, selfHost?: string) => boolean;
  /** Upstream state sent to each socket on connect. */
  upstreamState: () => UpstreamState;
  /** The event log: its epoch (in `bridge:status`) and what catch-ups read. */
  log: CatchUpLog;
  /** Catch-up limits (span, page size, deadline); defaults in catch-up.ts. */
  catchUp?: CatchUpLimits;
  metrics: BridgeMetrics;
  logger: Logger;
  /**
   * Typing relay tuning. `expiryMs` default {@link TYPING_EXPIRY_MS}; `ratePerSecond` default
   * {@link TYPING_RATE_PER_SECOND} (state-changing typing messages per socket per second);
   * `floodDisconnectAfter` default {@link DEFAULT_TYPING_FLOOD_DISCONNECT_AFTER} consecutive
   * over-rate seconds before the socket is disconnected.
   */
  typing?: { expiryMs?: number; ratePerSecond?: number; floodDisconnectAfter?: number };
  /** Current time, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * Also send each chat event under its legacy name ({@link LEGACY_EVENT_NAME}), for components
   * written against the original chat server: a second frame per event per socket. Default `false`
   * (`LEGACY_EVENT_NAMES`).
   */
  legacyEventNames?: boolean;
  /**
   * Cluster node (`REDIS_URL`): chat events, `bridge:resync` and `bridge:status` go to this node's
   * own sockets only (`io.local`: every node's feed sends them to its own), while typing notices go
   * through the adapter to every node's sockets. Default `false` (one bridge: everything is local).
   */
  clusterNode?: boolean;
}

/** The gateway's handle, used by the app to push upstream news to browsers. */
export interface Gateway {
  /**
   * Sends a logged chat event, once each, as `chat:event` — one frame, encoded once for all sockets —
   * to the sockets of its room (`roomId`), or to every authenticated socket when it has none; with
   * `legacyEventNames`, then also as `chatupdated` (category `messages`) or `refreshChatUsers`
   * (`presence`). Sockets still catching up get it after their catch-up instead (unless the catch-up
   * held it). A MESSAGE_CREATED also ends its author's typing notice in that room. Counts
   * `eventsForwarded` by type. Call in `seq` order.
   * @returns how many of this node's sockets it was addressed to (the audit's `socketsReached`).
   */
  broadcast(event: SequencedChatEvent): number;
  /** Sends `bridge:resync` `{ reason }` to every socket. */
  resync(reason: ResyncReason): void;
  /** Sends `bridge:status` `{ upstream, contractVersion, epoch }` to every socket when `state` differs from the last one sent. */
  setUpstreamState(state: UpstreamState): void;
  /** Authenticated sockets connected now. */
  socketCount(): number;
  /** Refuses new handshakes, disconnects every socket, clears timers. Does not close the `Server`. */
  close(): Promise<void>;
}

/** The name the original component listened to, per event category (sent only with `legacyEventNames`). */
const LEGACY_EVENT_NAME = { messages: 'chatupdated', presence: 'refreshChatUsers' } as const satisfies Record<ChatEventCategory, keyof ServerToClientEvents>;
/** Room of one user's sockets (all tabs), so typing notices can skip them. */
const userRoom = (userKey: string): string => `user:${userKey}`;
/** socket.io room of one chat room's sockets (a canonical 15-character id, `SocketData.rooms`). */
const chatRoom = (roomKey: string): string => `${ROOM_PREFIX}${roomKey}`;
/**
 * Room of the sockets that hear no chat room (tokens without the `rooms` claim: a deployment before
 * contract 2.3.0): room-less typing goes to them only, so it never reaches a socket that hears rooms
 * and a room's typing never reaches them.
 */
const NO_ROOMS_ROOM = 'rooms:none';
/** The room key of an event's or a typing message's room id; `null` when it has none. */
const roomKeyOf = (roomId: string | null | undefined): RoomKey => (roomId == null ? null : canonicalSalesforceId(roomId));
/**
 * Room of the sockets catching up: live broadcasts skip it (`io.except`), and their events are held
 * for each such socket instead. socket.io's in-memory adapter turns the except-rooms into a set of
 * their members once per emit and still encodes the frame once for all, so the cost is one set
 * lookup per socket, and the set is as small as the room.
 */
const CATCHING_UP_ROOM = 'catching-up';
/** Inbound event names the gateway acts on. */
const TYPING_EVENTS: Readonly<Record<string, boolean>> = { 'typing:start': true, 'typing:stop': false };

function refusal(reason: HandshakeRefusal, message: string): ExtendedError {
  const err: ExtendedError = new Error(message);
  err.data = { reason };
  return err;
}

/**
 * Whether a disconnect was the client's input being refused by the transport: `oversized` (over
 * `maxHttpBufferSize`: ws "Max payload size exceeded", polling "payload too large") or `malformed`
 * (an undecodable engine.io payload). Other disconnects (network, ping timeout) are not counted.
 */
function inputFault(reason: string, description: unknown): 'oversized' | 'malformed' | undefined {
  if (reason === 'parse error') return 'malformed';
  if (reason !== 'transport error') return undefined;
  const text = description instanceof Error ? `${description.message} ${String((description as { description?: unknown }).description ?? '')}` : String(description ?? '');
  return /payload (size exceeded|too large)/i.test(text) ? 'oversized' : undefined;
}

/** Size of an engine.io message's payload, bytes (text as UTF-8, binary as is). */
function messageBytes(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  return (data as { byteLength?: number } | undefined)?.byteLength ?? 0;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Attaches the gateway to `io`'s main namespace: handshake middleware, connection handling, typing
 * relay. Call once per `Server`, before it accepts connections and after its adapter is set (`io.adapter(…)`).
 * @returns the {@link Gateway} handle.
 */
export function createGateway(io: GatewayServer, deps: GatewayDeps): Gateway {
  const { metrics } = deps;
  const log = deps.logger.child({ module: 'gateway' });
  const now = deps.now ?? Date.now;
  const legacyEventNames = deps.legacyEventNames ?? false;
  /** Where chat events, resyncs and status go: this node's sockets (io.local is io without an adapter's fan-out). */
  const own = deps.clusterNode ? io.local : io;
  /** Chat events' fan-out: one frame, written as is to this node's sockets of the event's room. */
  const directFrames = writesFramesDirectly(io);
  const fanOut = createFrameBroadcast(io.of('/'), directFrames);
  openWritingTogether(io.engine); // a websocket's HTTP 101 and engine.io OPEN in one write
  answerPollingCors(io.engine, deps.isOriginAllowed);
  const relay = createTypingRelay({
    expiryMs: deps.typing?.expiryMs ?? TYPING_EXPIRY_MS,
    ratePerSecond: deps.typing?.ratePerSecond ?? TYPING_RATE_PER_SECOND,
    floodDisconnectAfter: deps.typing?.floodDisconnectAfter ?? DEFAULT_TYPING_FLOOD_DISCONNECT_AFTER,
    now,
  });
  /** Authenticated sockets; each is also in {@link expiries} until it disconnects. */
  const sockets = new Map<string, GatewaySocket>();
  /** Disconnects each socket when its token expires (`socket.data.expiresAt`). */
  const expiries = createExpirySchedule<GatewaySocket>((socket) => {
    log.info({ socketId: socket.id, userId: socket.data.userId }, 'token expired, disconnecting');
    socket.disconnect(true);
  }, now);
  /** Sockets catching up (members of {@link CATCHING_UP_ROOM}) → the live events held for each, in order. */
  const held = new Map<string, SequencedChatEvent[]>();
  /** What each admitted socket's handshake asked to be caught up from, from the middleware to `connection`. */
  const catchUpFrom = new WeakMap<GatewaySocket, CatchUpFrom>();
  /** Catch-ups share reads of the log: a reconnect storm costs a few reads, not a few per socket. */
  const requestCatchUp = createCatchUpQueue(deps.log, deps.catchUp);
  let announcedState = deps.upstreamState();
  let closed = false;
  let typingTimer: { at: number; handle: NodeJS.Timeout } | undefined;

  io.use(handshakeMiddleware);
  io.on('connection', onConnection);

  function refuse(socket: GatewaySocket, next: (err?: ExtendedError) => void, reason: HandshakeRefusal, message: string, detail?: object): void {
    metrics.socketsRefused.inc({ reason });
    log.info({ reason, socketId: socket.id, address: socket.handshake.address, ...detail }, 'handshake refused');
    next(refusal(reason, message));
  }

  function handshakeMiddleware(socket: GatewaySocket, next: (err?: ExtendedError) => void): void {
    if (closed) return refuse(socket, next, 'closing', 'bridge shutting down');
    const origin = headerValue(socket.handshake.headers.origin);
    const host = headerValue(socket.handshake.headers.host);
    if (!deps.isOriginAllowed(origin, host)) {
      return refuse(socket, next, 'origin', 'origin not allowed', { origin: origin?.slice(0, 200) });
    }
    const auth: unknown = socket.handshake.auth;
    const from = parseCatchUpFrom(auth);
    if (from === 'malformed') return refuse(socket, next, 'malformed', 'auth.since must be a non-negative integer, auth.epoch a string');
    if (from) catchUpFrom.set(socket, from);
    const { token, rooms: askedRooms } = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>) : {};
    deps.verifyToken(token).then(
      (data) => {
        if (closed) return refuse(socket, next, 'closing', 'bridge shutting down');
        const rooms = narrowRooms(data.rooms, askedRooms);
        if (rooms === 'malformed') return refuse(socket, next, 'malformed', `auth.rooms must be an array of at most ${MAX_TOKEN_ROOMS} Salesforce ids`);
        if (rooms === 'room-not-allowed') return refuse(socket, next, 'room-not-allowed', 'auth.rooms names a room the token does not allow');
        socket.data = { userId: data.userId, name: data.name, orgId: data.orgId, expiresAt: data.expiresAt, rooms };
        connectWritingTogether(socket, next); // CONNECT and the greeting (onConnection) in one write
      },
      (err: unknown) => {
        if (err instanceof TokenError) {
          return refuse(socket, next, err.reason, err.message, {
            detail: err.detail,
            cause: err.cause instanceof Error ? err.cause.message : undefined,
          });
        }
        log.error({ err, socketId: socket.id }, 'handshake token verification crashed');
        refuse(socket, next, 'internal', 'token could not be verified');
      },
    );
  }

  /**
   * The rooms a socket hears: its token's (canonical keys), or those of them `auth.rooms` names.
   * @returns the keys, `malformed` when `asked` is given and not a list of ids, `room-not-allowed`
   *   when it names a room outside the token's.
   */
  function narrowRooms(allowed: readonly string[], asked: unknown): readonly string[] | 'malformed' | 'room-not-allowed' {
    if (asked === undefined || asked === null) return allowed;
    const parsed = parseRoomIds(asked, 'auth.rooms');
    if ('problem' in parsed) return 'malformed';
    return parsed.rooms.every((key) => allowed.includes(key)) ? parsed.rooms : 'room-not-allowed';
  }

  /** Sends one chat event to one socket (and its legacy name, when enabled). */
  function sendEvent(target: GatewaySocket, event: SequencedChatEvent): void {
    target.emit('chat:event', event);
    if (legacyEventNames) target.emit(LEGACY_EVENT_NAME[CHAT_EVENT_CATEGORY[event.type]], event);
  }

  /**
   * Catches `socket` up from `from`, then lets it receive live events. It sits in {@link
   * CATCHING_UP_ROOM} from its connection on (socket.io adds a socket to the namespace and fires
   * `connection` in one synchronous call, `Namespace._doConnect`, so no broadcast reaches it first),
   * and every live event meanwhile is held. Once the log is read, the caught-up events, then the held
   * ones after the last caught-up `seq`, are sent and the socket leaves the room — in one tick, so no
   * broadcast slips between. On a gap: `bridge:resync { reason: 'gap' }`, then every held event. What
   * is held is bounded by the catch-up's deadline (`CATCH_UP_DEADLINE_MS`) times the event rate.
   */
  async function catchUp(socket: GatewaySocket, from: CatchUpFrom, who: object): Promise<void> {
    const started = now();
    const result = await requestCatchUp(from);
    const pending = held.get(socket.id);
    if (pending === undefined) return; // disconnected meanwhile
    held.delete(socket.id);
    // The log and the held events hold every room's events: this socket gets its rooms' and the room-less.
    const rooms = new Set(socket.data.rooms);
    const hears = (event: SequencedChatEvent): boolean => {
      const key = roomKeyOf(event.roomId);
      return key === null || rooms.has(key);
    };
    let throughSeq = -1;
    if (result.ok) {
      for (const event of result.events) if (hears(event)) sendEvent(socket, event);
      throughSeq = result.throughSeq;
    } else {
      socket.emit('bridge:resync', { reason: 'gap' });
    }
    for (const event of pending) if (event.seq > throughSeq && hears(event)) sendEvent(socket, event);
    void socket.leave(CATCHING_UP_ROOM);
    const outcome = result.ok ? 'caught-up' : result.gap;
    metrics.catchUps.inc({ outcome });
    const detail = { ...who, since: from.since, outcome, events: result.ok ? result.events.length : 0, held: pending.length, ms: now() - started };
    if (result.ok || result.gap !== 'store') log.debug(detail, 'catch-up done');
    else log.warn({ ...detail, err: result.error }, 'catch-up: event log unreadable; sent gap');
  }

  /** To the typing room's sockets (room-less: those that hear no room) on every node, minus the typist's own tabs. */
  function emitTyping({ userKey, roomKey, notice }: TypingRelayNotice): void {
    io.to(roomKey === null ? NO_ROOMS_ROOM : chatRoom(roomKey)).except(userRoom(userKey)).emit('typing', notice);
  }

  /** Keeps one timer, due at the relay's earliest expiry. */
  function scheduleTypingExpiry(): void {
    const at = relay.nextExpiryAt();
    if (at === undefined || closed) {
      if (typingTimer) clearTimeout(typingTimer.handle);
      typingTimer = undefined;
      return;
    }
    if (typingTimer && typingTimer.at <= at) return; // fires early at worst, then reschedules
    if (typingTimer) clearTimeout(typingTimer.handle);
    const handle = setTimeout(() => {
      typingTimer = undefined;
      for (const n of relay.expire()) emitTyping(n);
      scheduleTypingExpiry();
    }, Math.min(MAX_TIMER_MS, Math.max(0, at - now())));
    handle.unref();
    typingTimer = { at, handle };
  }

  /** Whether `socket` may type in, and hear the typing of, `roomKey` (room-less: only a socket that hears no room). */
  const typesIn = (socket: GatewaySocket, roomKey: RoomKey): boolean =>
    roomKey === null ? socket.data.rooms.length === 0 : socket.data.rooms.includes(roomKey);
  /**
   * The fields log lines name a socket by. Built when a line is written, not kept per socket: nor is
   * a child logger per socket, which would cost every idle socket its own logger (bindings
   * serialized at connect) for lines that are rarely written.
   */
  const whoIs = (socket: GatewaySocket) => ({ socketId: socket.id, userId: socket.data.userId });
  /** Greetings built for the current upstream state and epoch, by the rooms they name ({@link greetingFor}). */
  let greetings = { upstream: '', epoch: '', byRooms: new Map<string, EncodedEvent>() };
  /**
   * The encoded `bridge:status` greeting of a socket hearing `rooms`. Most sockets of an org hear
   * the same rooms, so a connect storm encodes a few greetings instead of one per socket; they are
   * built anew when the upstream state or the epoch changes, or when {@link GREETINGS_KEPT} rooms
   * lists were seen.
   */
  function greetingFor(rooms: readonly string[]): EncodedEvent {
    const upstream = deps.upstreamState();
    const epoch = deps.log.epoch();
    if (greetings.upstream !== upstream || greetings.epoch !== epoch || greetings.byRooms.size >= GREETINGS_KEPT) {
      greetings = { upstream, epoch, byRooms: new Map() };
    }
    const key = rooms.join(',');
    let greeting = greetings.byRooms.get(key);
    if (greeting === undefined) {
      greeting = encodeEvent('bridge:status', { upstream, contractVersion: CONTRACT_VERSION, epoch, rooms: rooms.map(to18CharId) } satisfies BridgeStatus);
      greetings.byRooms.set(key, greeting);
    }
    return greeting;
  }
  /** The socket of each connected engine.io connection (its `packet` listener is one function for all). */
  const socketOf = new WeakMap<GatewaySocket['conn'], GatewaySocket>();

  function onConnection(socket: GatewaySocket): void {
    if (closed) {
      socket.disconnect(true);
      return;
    }
    const { userId, expiresAt, rooms } = socket.data;
    const userKey = canonicalSalesforceId(userId);

    expiries.add(socket, expiresAt);
    sockets.set(socket.id, socket);
    metrics.socketsConnected.inc();

    // The listeners are the same functions for every socket (they find their socket through `this`):
    // a connect storm then allocates no closures per socket, and an idle socket holds none.
    socketOf.set(socket.conn, socket);
    socket.conn.on('packet', onClientPacket);

    const from = catchUpFrom.get(socket); // parsed and checked by the middleware
    catchUpFrom.delete(socket);
    if (from) {
      void socket.join(CATCHING_UP_ROOM);
      held.set(socket.id, []);
    }
    void socket.join([userRoom(userKey), ...(rooms.length === 0 ? [NO_ROOMS_ROOM] : rooms.map(chatRoom))]);
    writeEvent(socket, greetingFor(rooms), directFrames);
    for (const n of relay.typers()) {
      if (n.userKey !== userKey && typesIn(socket, n.roomKey)) socket.emit('typing', n.notice);
    }
    // Guarded: in a connect storm, building the line's object per socket costs even when debug is off.
    if (log.isLevelEnabled('debug')) log.debug({ ...whoIs(socket), transport: socket.conn.transport.name, since: from?.since }, 'socket connected');
    if (from) void catchUp(socket, from, whoIs(socket));

    socket.onAny(onClientEvent);
    // socket.io reports undecodable packets here (then closes the connection); without a listener the
    // report would be an unhandled 'error' event.
    socket.on('error', onSocketError);
    socket.on('disconnect', onDisconnect);
  }

  /**
   * A connected client's engine.io packet, before socket.io decodes it. The transport reads messages
   * up to maxHttpBufferSize so that an over-size handshake still reaches the token verifier and gets
   * a reason; once connected, a client is held to the message limit. Closing the connection at once
   * (discard: no waiting for a pending poll) detaches socket.io from it, so the message is never decoded.
   */
  function onClientPacket(this: GatewaySocket['conn'], packet: { type: string; data?: unknown }): void {
    if (packet.type !== 'message') return;
    const bytes = messageBytes(packet.data);
    if (bytes <= GATEWAY_MAX_MESSAGE_BYTES) return;
    metrics.clientMessagesIgnored.inc({ reason: 'oversized' });
    const socket = socketOf.get(this);
    log.info({ ...(socket && whoIs(socket)), bytes, limit: GATEWAY_MAX_MESSAGE_BYTES }, 'client message too large, closing');
    this.close(true);
  }

  /** Any event a client sends: typing notices are relayed (room and rate checked), the rest ignored. */
  function onClientEvent(this: GatewaySocket, event: unknown, ...args: unknown[]): void {
    const socket = this;
    const isTyping = typeof event === 'string' && Object.hasOwn(TYPING_EVENTS, event) ? TYPING_EVENTS[event] : undefined;
    if (isTyping === undefined) {
      metrics.clientMessagesIgnored.inc({ reason: 'unknown-event' });
      log.debug({ ...whoIs(socket), event: String(event).slice(0, 64) }, 'client event ignored');
      return;
    }
    const { roomKey, ack } = readTypingArgs(args);
    if (roomKey === 'invalid' || !typesIn(socket, roomKey)) {
      metrics.clientMessagesIgnored.inc({ reason: 'room-not-allowed' });
      log.debug(whoIs(socket), 'typing in a room the socket does not hear, ignored');
      ack?.({ ok: false, reason: 'room-not-allowed' });
      return;
    }
    const { userId, name } = socket.data;
    const outcome = relay.message({ socketId: socket.id, userKey: canonicalSalesforceId(userId), userId, name }, isTyping, roomKey);
    switch (outcome.action) {
      case 'relay':
        emitTyping(outcome);
        scheduleTypingExpiry();
        ack?.({ ok: true });
        return;
      case 'none':
        // A refresh or another tab of a typing user: a timer is already due no later than needed.
        ack?.({ ok: true });
        return;
      case 'drop':
        metrics.typingDropped.inc();
        ack?.({ ok: false, reason: 'rate-limited' });
        return;
      case 'disconnect':
        metrics.typingDropped.inc();
        log.warn(whoIs(socket), 'typing flood, disconnecting');
        socket.disconnect(true);
        return;
    }
  }

  function onSocketError(this: GatewaySocket, err: Error): void {
    metrics.clientMessagesIgnored.inc({ reason: 'malformed' });
    log.info({ ...whoIs(this), error: err.message }, 'malformed client packet, closing');
  }

  function onDisconnect(this: GatewaySocket, reason: string, description: unknown): void {
    const socket = this;
    if (!sockets.delete(socket.id)) return;
    held.delete(socket.id);
    expiries.delete(socket, socket.data.expiresAt);
    metrics.socketsConnected.dec();
    const ignored = inputFault(reason, description);
    if (ignored) metrics.clientMessagesIgnored.inc({ reason: ignored });
    if (log.isLevelEnabled('debug')) log.debug({ ...whoIs(socket), reason, ignored }, 'socket disconnected');
    const stopped = relay.socketGone(socket.id);
    if (!closed) for (const notice of stopped) emitTyping(notice);
  }

  return {
    broadcast(event) {
      // One frame per event, built once, whoever it is for (frame-broadcast.ts): to that one room's
      // sockets, or to the whole namespace when the event has no room (its sockets are exactly the
      // authenticated ones: the handshake middleware admits no other). Sockets catching up are
      // skipped and get the event from their catch-up (see CATCHING_UP_ROOM).
      const roomKey = roomKeyOf(event.roomId);
      const room = roomKey === null ? undefined : chatRoom(roomKey);
      const except = held.size > 0 ? CATCHING_UP_ROOM : undefined;
      fanOut(room, except, 'chat:event', event);
      if (legacyEventNames) fanOut(room, except, LEGACY_EVENT_NAME[CHAT_EVENT_CATEGORY[event.type]], event);
      for (const pending of held.values()) pending.push(event);
      metrics.eventsForwarded.inc({ type: event.type });
      if (event.type === 'MESSAGE_CREATED') {
        const stopped = relay.userSent(canonicalSalesforceId(event.userId), roomKey);
        if (stopped) emitTyping(stopped);
      }
      return room === undefined ? sockets.size : (io.of('/').adapter.rooms.get(room)?.size ?? 0);
    },

    resync(reason) {
      own.emit('bridge:resync', { reason });
    },

    setUpstreamState(state) {
      if (state === announcedState) return;
      announcedState = state;
      own.emit('bridge:status', { upstream: state, contractVersion: CONTRACT_VERSION, epoch: deps.log.epoch() });
    },

    socketCount() {
      return sockets.size;
    },

    async close() {
      closed = true;
      if (typingTimer) clearTimeout(typingTimer.handle);
      typingTimer = undefined;
      expiries.clear();
      for (const socket of [...sockets.values()]) socket.disconnect(true);
      relay.clear();
      held.clear();
    },
  };
}

/**
 * Reads a typing message's arguments: an optional `{ roomId }` payload, then an optional ack
 * callback (socket.io passes it last). A payload that is not an object (older clients send none) is
 * room-less; a `roomId` that is not a Salesforce id is `invalid`.
 */
function readTypingArgs(args: unknown[]): { roomKey: RoomKey | 'invalid'; ack?: (answer: TypingAck) => void } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as (answer: TypingAck) => void) : undefined;
  const payload = args[0];
  const roomId = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).roomId : undefined;
  if (roomId === undefined || roomId === null) return { roomKey: null, ack };
  return { roomKey: isSalesforceId(roomId) ? canonicalSalesforceId(roomId) : 'invalid', ack };
}
