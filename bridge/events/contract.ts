/**
 * The event contract: every name and payload that crosses a boundary of the bridge.
 *
 * This file is public API. Integrations that consume `Chat_Event__e` and every browser that connects
 * to the bridge depend on the names and shapes below; README.md ("Event contract") documents them and
 * `test/contract.test.ts` proves that force-app (Apex, LWC, metadata), this file and the dev org agree.
 * Change a name or a shape only together with {@link CONTRACT_VERSION}.
 */

/**
 * Version of this contract (semver). Major bumps remove or rename; minor bumps add.
 * Sent to every socket in `bridge:status` so a client can tell what it talks to.
 *
 * 2.0.0: the legacy names `chatupdated` and `refreshChatUsers` are no longer sent by default (one
 * frame per event per socket); a bridge started with `LEGACY_EVENT_NAMES=true` still sends them.
 * A removal for clients that listened to them, hence a major version.
 *
 * 2.1.0 (additive): catch-up by sequence. `chat:event` carries `seq` ({@link SequencedChatEvent});
 * `bridge:status` carries the log's `epoch`; the handshake takes `auth: { token, since?, epoch? }`
 * ({@link HandshakeAuth}); `bridge:resync` may say `gap`.
 *
 * 2.2.0 (additive): provenance on `Chat_Event__e`: `Source__c`, `Request_Id__c`, `Changed_Fields__c`
 * ({@link EventProvenance}); an update that changes no chat field publishes nothing. Kept in the
 * bridge's event log for the admin API; `chat:event` is unchanged.
 *
 * 2.3.0 (additive): chat rooms. `Chat_Event__e` carries `Room_Id__c` (the message's room, or the room a
 * membership entered or left); the browser token carries `rooms` ({@link BridgeTokenClaims.rooms}),
 * the ids of the rooms its user may read, computed by Apex (`ChatRoomService`). On the bridge (still
 * additive): `chat:event` carries `roomId` ({@link ChatEvent.roomId}) and reaches only the sockets of
 * that room (a room-less event reaches every socket); the handshake may narrow a socket to some of its
 * token's rooms (`auth.rooms`, refused with reason `room-not-allowed` outside them); `typing:start` /
 * `typing:stop` take `{ roomId }` and the `typing` notice carries it ({@link TypingNotice.roomId});
 * `bridge:status` lists the socket's rooms. A token without the claim hears room-less events and
 * room-less typing only, as before 2.3.0.
 */
export const CONTRACT_VERSION = '2.3.0';

/** API name of the platform event that Salesforce publishes after every committed chat change. */
export const CHAT_EVENT_API_NAME = 'Chat_Event__e';

/** Default CometD channel of {@link CHAT_EVENT_API_NAME} (`/event/<API name>`). */
export const DEFAULT_CHAT_EVENT_CHANNEL = `/event/${CHAT_EVENT_API_NAME}`;

/** Custom field API names on `Chat_Event__e`, keyed by the bridge's name for them. */
export const CHAT_EVENT_FIELDS = {
  /** Picklist-like text, one of {@link CHAT_EVENT_TYPES}. Required. */
  type: 'Type__c',
  /** Id of the `Chat_Message__c` (category `messages`) or `User` (`presence`) record that changed. */
  recordId: 'Record_Id__c',
  /** Id of the message's author (`messages`), or of the user entering/leaving (`presence`). */
  userId: 'User_Id__c',
  /** Execution context of the save: the `System.Quiddity` name of `Request.getCurrent().getQuiddity()` ({@link EventProvenance.source}). */
  source: 'Source__c',
  /** `Request.getCurrent().getRequestId()` of the save ({@link EventProvenance.requestId}). */
  requestId: 'Request_Id__c',
  /** `MESSAGE_UPDATED` only: comma-separated API names of the chat fields the update changed ({@link EventProvenance.changedFields}). */
  changedFields: 'Changed_Fields__c',
  /**
   * 18-character id of the `Chat_Room__c` the event belongs to (contract 2.3.0): the message's room
   * (`messages`), or the room a `Chat_Room_Member__c` entered or left (`presence`). Blank for the
   * org-wide presence of `User.Chat_Active__c` and for events published before 2.3.0.
   */
  roomId: 'Room_Id__c',
} as const;

/**
 * Every `System.Quiddity` name (Apex Reference, "Quiddity Enum", API 67.0, with `IOT` of earlier
 * versions): the values `Source__c` carries when Apex publishes ({@link EventProvenance.source}).
 */
export const QUIDDITY_NAMES = [
  'ANONYMOUS', 'AURA', 'BATCH_ACS', 'BATCH_APEX', 'BATCH_CHUNK_PARALLEL', 'BATCH_CHUNK_SERIAL', 'BULK_API',
  'COMMERCE_INTEGRATION', 'DISCOVERABLE_LOGIN', 'EXTERNAL_SERVICE_CALLBACK', 'FUNCTION_CALLBACK', 'FUTURE',
  'INBOUND_EMAIL_SERVICE', 'INVOCABLE_ACTION', 'IOT', 'PLATFORM_EVENT_PUBLISH_CALLBACK', 'POST_INSTALL_SCRIPT',
  'QUEUEABLE', 'QUICK_ACTION', 'REMOTE_ACTION', 'REST', 'RUNTEST_ASYNC', 'RUNTEST_DEPLOY', 'RUNTEST_SYNC',
  'SCHEDULED', 'SOAP', 'SYNCHRONOUS', 'TRANSACTION_FINALIZER_QUEUEABLE', 'VF',
] as const;

/** Separator of the API names in `Changed_Fields__c` (no spaces). */
export const CHANGED_FIELDS_SEPARATOR = ',';

/**
 * Where an event came from, as the publisher records it on `Chat_Event__e` (contract 2.2.0). The
 * bridge keeps it in its event log (the admin API reads it); browsers do not receive it. Every field
 * is optional on the wire: events published by other code, or before 2.2.0, carry none.
 */
export interface EventProvenance {
  /**
   * `Source__c`: the name of the `System.Quiddity` the saving transaction ran in, as
   * `Request.getCurrent().getQuiddity()` reports it (Apex Reference, "Quiddity Enum"): `AURA`
   * (Lightning components), `REST`, `BULK_API`, `BATCH_APEX`, `QUEUEABLE`, `FUTURE`, `ANONYMOUS`,
   * `INVOCABLE_ACTION`, `PLATFORM_EVENT_PUBLISH_CALLBACK` (a retried publish), … `null` when unset.
   */
  source: string | null;
  /** `Request_Id__c`: the request id Event Monitoring logs carry as `REQUEST_ID`; `null` when unset. */
  requestId: string | null;
  /** `Changed_Fields__c`, split: the chat fields a `MESSAGE_UPDATED` changed; empty for other types. */
  changedFields: string[];
}

/**
 * What a browser refreshes for an event: `messages` (the message history: the event's record is a
 * `Chat_Message__c`) or `presence` (who is in the room: the record is a `User`).
 */
export type ChatEventCategory = 'messages' | 'presence';

/**
 * Every value `Type__c` may carry, with its category: the one definition of the event types. The
 * gateway, the CLI and the LWC (`c/chatEventTypes`, pinned to this table by test/contract.test.ts)
 * route by category, never by a type's spelling. Anything else is logged, counted and not forwarded.
 */
export const CHAT_EVENT_CATEGORY = {
  MESSAGE_CREATED: 'messages',
  MESSAGE_UPDATED: 'messages',
  MESSAGE_DELETED: 'messages',
  MESSAGE_UNDELETED: 'messages',
  USER_ENTERED: 'presence',
  USER_LEFT: 'presence',
} as const satisfies Record<string, ChatEventCategory>;

/** One value of `Chat_Event__e.Type__c`. */
export type ChatEventType = keyof typeof CHAT_EVENT_CATEGORY;

/** Every value `Type__c` may carry, in contract order. */
export const CHAT_EVENT_TYPES = Object.keys(CHAT_EVENT_CATEGORY) as readonly ChatEventType[];

/** Whether `value` is one of {@link CHAT_EVENT_TYPES}. */
export function isChatEventType(value: unknown): value is ChatEventType {
  return typeof value === 'string' && Object.hasOwn(CHAT_EVENT_CATEGORY, value);
}

/** Types of one category, in contract order. */
export const eventTypesOf = (category: ChatEventCategory): readonly ChatEventType[] =>
  CHAT_EVENT_TYPES.filter((t) => CHAT_EVENT_CATEGORY[t] === category);

/**
 * A valid `Chat_Event__e` as the bridge forwards it to browsers (`chat:event`; with
 * `LEGACY_EVENT_NAMES=true` also `chatupdated` / `refreshChatUsers`). Ids are exactly as Salesforce
 * sent them (15 or 18 characters).
 */
export interface ChatEvent {
  /** `Type__c`. */
  type: ChatEventType;
  /** `Record_Id__c`: the Chat_Message__c or User id. */
  recordId: string;
  /** `User_Id__c`: author of the message, or the user entering/leaving. */
  userId: string;
  /** Standard `CreatedById`: the user whose transaction published the event. */
  createdById: string;
  /** Standard `CreatedDate`, ISO 8601 UTC. */
  createdDate: string;
  /** `data.event.replayId`: opaque, increasing, not contiguous. Never compute with it. */
  replayId: number;
  /** `data.event.EventUuid`: the stable identity of the event (replay ids may repeat). */
  eventUuid: string;
  /**
   * `Room_Id__c` as Salesforce sent it (contract 2.3.0): the `Chat_Room__c` the event belongs to. Only
   * the sockets of that room receive the event. `null` when blank: org-wide presence
   * (`User.Chat_Active__c`) and events published before 2.3.0, which every socket receives.
   */
  roomId: string | null;
}

/**
 * A {@link ChatEvent} as `chat:event` carries it: with its place in the bridge's event log. A client
 * keeps the highest `seq` it saw and sends it back as `auth.since` when it reconnects.
 */
export interface SequencedChatEvent extends ChatEvent {
  /** Position in the log named by `bridge:status`'s `epoch`: increasing, with gaps. Never compute with it beyond comparing. */
  seq: number;
}

/**
 * What a browser sends in the socket.io handshake (`auth`).
 *
 * With `since`, the socket first receives every logged event with `seq > since`, in order, then live
 * events, none missed and none twice — or, when that cannot be promised in full, `bridge:resync`
 * `{ reason: 'gap' }` and live events only (all or nothing, as Centrifugo's recovery). Without it
 * (a new client) only live events. A `since` that is not a non-negative safe integer, or an `epoch`
 * that is not a string, is refused (`connect_error` reason `malformed`).
 */
export interface HandshakeAuth {
  /** The browser token ({@link BridgeTokenClaims}). */
  token: string;
  /** Highest `seq` the client received. */
  since?: number;
  /** The `epoch` of the `bridge:status` that `since` came with; another log's epoch means a gap. */
  epoch?: string;
  /**
   * Contract 2.3.0: hear only these rooms (15- or 18-character ids, any of the token's `rooms`), e.g. the
   * one room a component shows. Absent: every room of the token. An id outside the token's rooms is
   * refused (`connect_error` reason `room-not-allowed`); anything but an array of at most
   * {@link MAX_TOKEN_ROOMS} ids is refused as `malformed`.
   */
  rooms?: string[];
}

/** At most this many `seq` values a socket may be behind (`latestSeq - since`) to be caught up; further behind: `gap`. */
export const MAX_CATCH_UP_SPAN = 1_000;

/** Why the bridge cannot guarantee that a browser has seen every event (`bridge:resync`). */
export type ResyncReason =
  /** The stored replay id had expired; the bridge replayed everything still retained (-2). */
  | 'replay-id-expired'
  /**
   * Sent to one socket at connect: its `since` cannot be caught up in full — pruned from the log,
   * ahead of it, from another log (`epoch`), more than {@link MAX_CATCH_UP_SPAN} behind, or the log
   * could not be read in time. No caught-up events were sent; live events follow.
   */
  | 'gap';

/** Every state of the one upstream CometD subscription (the `sfcb_upstream_state` gauge shows each). */
export const UPSTREAM_STATES = ['connected', 'reconnecting', 'degraded'] as const;
/** State of the one upstream CometD subscription, as `bridge:status` and `/readyz` report it. */
export type UpstreamState = (typeof UPSTREAM_STATES)[number];

/** `typing` payload: who is typing in the room, and whether they still are. */
export interface TypingNotice {
  /** Salesforce user id from the typer's verified token (`sub`). */
  userId: string;
  /** Display name from the typer's verified token (`name`). */
  name: string;
  /** `true` on start; `false` on stop, send, expiry (6 s) or disconnect. */
  isTyping: boolean;
  /**
   * Contract 2.3.0: the room typed in, 18-character form; only that room's sockets hear the notice.
   * `null` for room-less typing, heard only among sockets that hear no room (tokens without `rooms`).
   */
  roomId: string | null;
}

/**
 * Optional payload of `typing:start` / `typing:stop` (contract 2.3.0): the room typed in (15- or
 * 18-character id). A socket that hears rooms must name one of them; a socket that hears none sends
 * none. Anything else is ignored (`room-not-allowed`).
 */
export interface TypingPayload {
  roomId?: string;
}

/** Answer to a typing message sent with an ack callback: accepted, or why not. */
export type TypingAck = { ok: true } | { ok: false; reason: TypingRefusal };

/**
 * Why a typing message was ignored: `room-not-allowed` (a room the socket does not hear, or no room
 * from a socket that hears rooms; also the `reason` label of `sfcb_client_messages_ignored_total`)
 * or `rate-limited` (over {@link TYPING_RATE_PER_SECOND}; counted in `sfcb_typing_dropped_total`).
 */
export type TypingRefusal = 'room-not-allowed' | 'rate-limited';

/** Prefix of the socket.io room of one chat room's sockets: `room:<15-character id>` (all nodes of a cluster). */
export const ROOM_PREFIX = 'room:';

/** Events the bridge emits to browsers. */
export interface ServerToClientEvents {
  /** Every valid `Chat_Event__e`, once per socket, in `seq` order. */
  'chat:event': (event: SequencedChatEvent) => void;
  /** Legacy name the original component listened to; sent for category `messages`, only with `LEGACY_EVENT_NAMES=true`. */
  chatupdated: (event: SequencedChatEvent) => void;
  /** Legacy name the original component listened to; sent for category `presence`, only with `LEGACY_EVENT_NAMES=true`. */
  refreshChatUsers: (event: SequencedChatEvent) => void;
  /** Another user started or stopped typing. Never sent back to the typer's own sockets. */
  typing: (notice: TypingNotice) => void;
  /** Continuity cannot be guaranteed: reload history and users. */
  'bridge:resync': (payload: { reason: ResyncReason }) => void;
  /** Upstream state and the log's identity, on connect and whenever the state changes. */
  'bridge:status': (payload: BridgeStatus) => void;
}

/** `bridge:status` payload. */
export interface BridgeStatus {
  upstream: UpstreamState;
  contractVersion: string;
  /** Identity of the event log the `seq` values belong to (a uuid); send it back as `auth.epoch`. */
  epoch: string;
  /**
   * Contract 2.3.0: the rooms this socket hears (18-character ids); empty for a token without `rooms`.
   * In the `bridge:status` sent at connect only (they do not change while the socket lives).
   */
  rooms?: string[];
}

/**
 * Events a browser may emit. Every other event name is ignored. The payload is optional
 * ({@link TypingPayload}); with an ack callback the bridge answers {@link TypingAck}.
 */
export interface ClientToServerEvents {
  'typing:start': (payload?: TypingPayload, ack?: (answer: TypingAck) => void) => void;
  'typing:stop': (payload?: TypingPayload, ack?: (answer: TypingAck) => void) => void;
}

/**
 * Between the nodes of a cluster (`REDIS_URL`, bridge/cluster/), through the socket.io adapter
 * (`serverSideEmit`); never seen by browsers. One bridge alone sends none.
 */
export interface InterServerEvents {
  /** The leader logged `event`, the next in the log after `afterSeq` (each node's feed delivers it in order). */
  'cluster:logged': (event: SequencedChatEvent, afterSeq: number) => void;
  /** The leader, about itself: every second and whenever its upstream state changes. */
  'cluster:leader': (leader: ClusterLeaderNotice) => void;
  /** The leader's subscription could not guarantee continuity: every node sends `bridge:resync`. */
  'cluster:resync': (reason: ResyncReason) => void;
}

/** What the leader of a cluster says about itself (`cluster:leader`). */
export interface ClusterLeaderNotice {
  /** The leader's node id. */
  node: string;
  /** Its leadership term (only grows). */
  term: number;
  /** The org it is logged in to, once it is (followers verify tokens against it). */
  orgId?: string;
  upstream: UpstreamState;
}

/** What the bridge learned from a socket's verified token (socket.data). */
export interface SocketData {
  /** `sub`: Salesforce user id. */
  userId: string;
  /** `name`: display name. */
  name: string;
  /** `org`: Salesforce org id. */
  orgId: string;
  /** `exp`, in ms since the epoch. */
  expiresAt: number;
  /**
   * The rooms this socket hears: the token's `rooms` (narrowed by `auth.rooms` in the gateway), as
   * canonical 15-character ids (`canonicalSalesforceId`), so the 15- and 18-character forms of one
   * id, in any casing of the 18, are one room, and ids differing in case are different rooms.
   * Empty for a token without the claim.
   */
  rooms: readonly string[];
}

/**
 * Claims of the browser token (a JWT, HS256 or RS256) carried in the socket.io handshake as
 * `auth.token`. Issued by `ChatController.getBridgeConnection()` in Apex, or by the dev org.
 */
export interface BridgeTokenClaims {
  /** Salesforce user id (15 or 18 characters). */
  sub: string;
  /** Display name of the user. */
  name: string;
  /** Org id (15 or 18 characters); must be the org the bridge is logged into. */
  org: string;
  /** Audience; must equal `CHAT_TOKEN_AUDIENCE` (default `sf-chat-bridge`). */
  aud: string;
  /** Expiry, seconds since the epoch; required, at most 1 hour ahead. */
  exp: number;
  /** Issued at, seconds since the epoch. */
  iat?: number;
  /**
   * Space-delimited scopes (RFC 8693 §4.2). {@link AUDIT_SCOPE} makes it an admin token for the
   * bridge's admin API; sockets ignore it (an admin token opens what its identity would anyway).
   */
  scope?: string;
  /**
   * Contract 2.3.0: the 18-character ids of the `Chat_Room__c` rooms this user may read when the
   * token was signed (public rooms, private rooms they are a member of, record rooms they joined
   * whose record they can read: `UserRecordAccess.HasReadAccess`), at most {@link MAX_TOKEN_ROOMS}.
   * Signed by Salesforce, so the bridge can trust it until `exp`.
   */
  rooms?: string[];
}

/** Most room ids a browser token's `rooms` claim lists (keeps the token under the bridge's 8,192-character limit). */
export const MAX_TOKEN_ROOMS = 200;

/** The scope an admin token carries to read the bridge's admin API (`/admin/api/*`). */
export const AUDIT_SCOPE = 'chat:audit';

/** Default audience of browser tokens. */
export const DEFAULT_TOKEN_AUDIENCE = 'sf-chat-bridge';

/** Longest token lifetime the bridge accepts, ms (`exp` at most this far ahead). */
export const MAX_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/** A typer is forgotten this long after their last `typing:start`, ms. */
export const TYPING_EXPIRY_MS = 6_000;

/** At most this many typing messages per second per socket are relayed. */
export const TYPING_RATE_PER_SECOND = 5;
