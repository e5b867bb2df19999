/**
 * Socket side of the websocketChat component, without a template so it can be tested with a fake
 * socket and reused unchanged by the LWC OSS local preview.
 *
 * What it does, and why:
 * - Connects to the sf-chat-bridge with socket.io, sending the Apex-signed token as `auth.token`
 *   (read fresh at every handshake), and refreshes that token before it expires and whenever the
 *   bridge refuses a handshake because the token expired.
 * - Turns `chat:event`, `bridge:resync` and every (re)connect into ONE refresh request per burst
 *   (coalescing): the component reloads through Apex, never from socket payloads. A message event
 *   names its record (`recordId`): the request asks for those messages only (`messageIds`), so a
 *   posted message costs each tab one Apex call reading the changed rows, not the whole history.
 * - Catches up after a drop instead of reloading everything (contract 2.1.0, README "Catch-up after
 *   a drop"): keeps the highest `seq` of `chat:event` and the `epoch` of `bridge:status`, and once it
 *   has both sends them as `auth.since` / `auth.epoch` at every handshake. A connect that resumed
 *   this way reloads nothing by itself: the bridge replays every missed `chat:event`, and each one
 *   triggers the same per-event refresh as a live one. A full reload happens on a connect without
 *   `since`, on `bridge:resync` (any reason, including `gap`), and when the log's epoch changes.
 * - Relays typing: emits `typing:start` (throttled) and `typing:stop` (on send, blur or idle), and
 *   keeps the list of OTHER users typing from `typing` notices.
 * - Knows the room shown (contract 2.3.0, README "Rooms in the chat component"): typing is sent with
 *   `{ roomId }` (a socket whose token names rooms gets nothing relayed without it) and only that
 *   room's typing notices are shown; a `chat:event` of that room (or of none: org-wide presence)
 *   triggers the per-event refresh, one of another room goes to `onOtherRoomEvent` (unread counts).
 *   The token's `rooms` claim is fixed when Apex signs it: after joining or creating a room,
 *   refreshRooms() signs in again with a fresh token, keeping the catch-up position.
 * - Reports connection state (connecting / connected / reconnecting / offline) plus the bridge's
 *   upstream state (`bridge:status`).
 * It never emits anything but `typing:start` / `typing:stop`: refreshes are announced by Salesforce
 * (Chat_Event__e), not by browsers. Event names: bridge/events/contract.ts (test/contract.test.ts
 * checks that they match).
 */
import { categoryOf } from 'c/chatEventTypes';
import { idKey, sameId } from 'c/chatRooms';

/** Events the bridge sends that this module listens to (see ServerToClientEvents in the contract). */
export const SERVER_EVENTS = Object.freeze({
    CHAT_EVENT: 'chat:event',
    TYPING: 'typing',
    RESYNC: 'bridge:resync',
    STATUS: 'bridge:status'
});

/** The only events this module emits (ClientToServerEvents in the contract). */
export const CLIENT_EVENTS = Object.freeze({
    TYPING_START: 'typing:start',
    TYPING_STOP: 'typing:stop'
});

/** Connection states shown to the user. */
export const ConnectionState = Object.freeze({
    CONNECTING: 'connecting',
    CONNECTED: 'connected',
    RECONNECTING: 'reconnecting',
    OFFLINE: 'offline'
});

/** Timing defaults, milliseconds. */
export const DEFAULT_TIMING = Object.freeze({
    /** Window in which refresh requests are merged into one. */
    refreshDelayMs: 300,
    /** A new `typing:start` at most this often while the user keeps typing. */
    typingThrottleMs: 2000,
    /** `typing:stop` after this long without a keystroke. */
    typingIdleMs: 3000,
    /** Forget another user's typing after this long without news (the bridge's TYPING_EXPIRY_MS). */
    typingExpiryMs: 6000,
    /** Fetch a new token this long before the current one expires. */
    tokenRefreshMarginMs: 60000,
    /** Never schedule a token refresh sooner than this. */
    minTokenRefreshDelayMs: 5000,
    /** Retry a failed token refresh after this long. */
    tokenRetryDelayMs: 30000,
    /** Give up reconnecting with fresh tokens after this many refused handshakes in a row. */
    maxTokenReconnects: 3,
    /** Retry after this long when the bridge refused for its own reasons (starting, stopping). */
    transientRetryDelayMs: 2000
});

/** `connect_error` reasons that say nothing about the token: the bridge is starting, stopping or failed. */
const TRANSIENT_REFUSALS = Object.freeze(['internal', 'closing']);

const BOTH = Object.freeze({ messages: true, users: true, messageIds: Object.freeze([]) });
const USERS_ONLY = Object.freeze({ messages: false, users: true, messageIds: Object.freeze([]) });
const HISTORY_ONLY = Object.freeze({ messages: true, users: false, messageIds: Object.freeze([]) });

/**
 * Finds the socket.io `io` function after loadScript. Under Lightning Web Security the library's
 * top-level `this` is not `window`; its UMD wrapper assigns `io` to `globalThis`, which is the
 * sandboxed window there; under LWC OSS it is the real window. Looks in every place it can be.
 * @param {...object} scopes Extra places to look first (e.g. `window`).
 * @returns {Function} `io`.
 * @throws {Error} When the static resource did not define `io`.
 */
export function resolveIo(...scopes) {
    const candidates = [...scopes];
    if (typeof window !== 'undefined') {
        candidates.push(window);
    }
    if (typeof globalThis !== 'undefined') {
        candidates.push(globalThis);
    }
    const scope = candidates.find((candidate) => candidate && typeof candidate.io === 'function');
    if (!scope) {
        throw new Error('The socket.io client did not load (static resource socketiojs).');
    }
    return scope.io;
}

/**
 * Reads `exp` of a JWT without verifying it (the bridge verifies; we only schedule a refresh).
 * @param {string} token Compact JWT.
 * @returns {number|null} Expiry in ms since the epoch, or null when unreadable.
 */
export function tokenExpiresAt(token) {
    try {
        const payload = String(token).split('.')[1];
        const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
        const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
        const claims = JSON.parse(atob(padded));
        return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
    } catch (e) {
        return null;
    }
}

/**
 * Says who is typing, in the words the component shows.
 * @param {string[]} names Display names of other users typing, in the order they started.
 * @returns {string} '', 'Ana is typing…', 'Ana and Ben are typing…' or '3 people are typing…'.
 */
export function describeTypers(names) {
    const list = (names || []).filter((name) => name);
    if (list.length === 0) {
        return '';
    }
    if (list.length === 1) {
        return `${list[0]} is typing…`;
    }
    if (list.length === 2) {
        return `${list[0]} and ${list[1]} are typing…`;
    }
    return `${list.length} people are typing…`;
}

/**
 * What a `chat:event` asks to reload, by the category of its type (c/chatEventTypes): `messages` →
 * the one message it names (`recordId`), or the whole history when it names none; `presence` →
 * users. A type the contract does not define reloads both, so an event from a newer bridge is never
 * missed.
 * @param {{type?: string, recordId?: string}} event The forwarded Chat_Event__e.
 * @returns {{messages: boolean, users: boolean, messageIds: string[]}} Refresh scope: `messages`
 *   reloads the whole history, `messageIds` only those messages.
 */
export function scopeForEvent(event) {
    const category = categoryOf(event && event.type);
    if (category === 'messages') {
        const recordId = event.recordId;
        return typeof recordId === 'string' && recordId.length > 0
            ? { messages: false, users: false, messageIds: [recordId] }
            : { ...HISTORY_ONLY, messageIds: [] };
    }
    return { ...(category === 'presence' ? USERS_ONLY : BOTH), messageIds: [] };
}

/**
 * Merges two refresh scopes: each part is reloaded if either asks; the ids of both are kept (once
 * each), unless the whole history is reloaded anyway.
 * @param {{messages: boolean, users: boolean, messageIds?: string[]}|null} a Pending scope, or null.
 * @param {{messages?: boolean, users?: boolean, messageIds?: string[]}} b New request.
 * @returns {{messages: boolean, users: boolean, messageIds: string[]}} The union.
 */
export function mergeScopes(a, b) {
    const messages = !!(a && a.messages) || !!b.messages;
    const ids = messages ? [] : [...new Set([...((a && a.messageIds) || []), ...(b.messageIds || [])])];
    return { messages, users: !!(a && a.users) || !!b.users, messageIds: ids };
}

/**
 * Same Salesforce user? c/chatRooms' sameId: the case-sensitive 15-character forms are compared.
 * @type {(a: string, b: string) => boolean}
 */
export const sameUserId = sameId;

/**
 * Did the bridge refuse the handshake because the token expired? Reads the machine-readable
 * `data.reason` the bridge sends with every refusal (the message is for people).
 * @param {Error & {data?: object}} error socket.io connect_error.
 * @returns {boolean} true for an expired-token refusal.
 */
export function isExpiredTokenError(error) {
    return !!(error && error.data && error.data.reason === 'expired');
}

/**
 * Did the bridge refuse the handshake for a passing reason of its own (it is restarting, shutting
 * down, or could not check the token yet)? Such a refusal is retried, not shown as final.
 * @param {Error & {data?: object}} error socket.io connect_error.
 * @returns {boolean} true for a transient refusal.
 */
export function isTransientRefusal(error) {
    const reason = error && error.data && error.data.reason;
    return TRANSIENT_REFUSALS.includes(reason);
}

/**
 * One chat connection to the bridge. See the module comment for what it does.
 */
export class ChatSocket {
    /**
     * @param {object} options
     * @param {Function} options.io socket.io's `io(url, options)`.
     * @param {() => Promise<{url: string, token: string}>} options.getConnection Apex getBridgeConnection.
     * @param {string} options.currentUserId The running user's id (never shown as typing).
     * @param {string|null} [options.roomId] The Chat_Room__c shown (see setRoom); null for none.
     * @param {(scope: {messages: boolean, users: boolean, messageIds: string[]}) => Promise<void>} options.onRefresh
     *   Reloads through Apex: the whole history (`messages`), the people (`users`), or only the
     *   messages named (`messageIds`, empty when `messages` is true).
     * @param {(status: {state: string, upstream: string|null}) => void} [options.onStatus]
     * @param {(names: string[]) => void} [options.onTyping] Other users typing in the room shown, by name.
     * @param {(event: object) => void} [options.onOtherRoomEvent] A `chat:event` of another room
     *   than the one shown (it is not refreshed; the component counts unread messages with it).
     * @param {(error: *) => void} [options.onError] The component's single error path.
     * @param {object} [options.timing] Overrides of DEFAULT_TIMING.
     */
    constructor(options) {
        this.io = options.io;
        this.getConnection = options.getConnection;
        this.currentUserId = options.currentUserId;
        this.onRefresh = options.onRefresh;
        this.onStatus = options.onStatus || (() => {});
        this.onTyping = options.onTyping || (() => {});
        this.onOtherRoomEvent = options.onOtherRoomEvent || (() => {});
        this.roomId = options.roomId || null;
        this.onError = options.onError || (() => {});
        this.timing = { ...DEFAULT_TIMING, ...(options.timing || {}) };

        this.socket = null;
        this.url = null;
        this.token = null;
        this.state = null;
        this.upstream = null;
        this.stopped = false;
        this.tokenReconnects = 0;
        // True while refreshRooms() closes the socket to open it again with a new token.
        this.resigning = false;
        // The room a typing refusal made us sign in again for (once per room, never a loop).
        this.resignedForRoom = null;

        // Catch-up position: the highest `seq` received and the epoch (log identity) it belongs to.
        // Null until seen; both are needed before a handshake may claim `since`.
        this.lastSeq = null;
        this.epoch = null;

        this.refreshTimer = null;
        this.refreshing = false;
        this.pendingScope = null;
        this.tokenTimer = null;
        this.retryTimer = null;

        this.typingActive = false;
        this.lastTypingStartAt = 0;
        this.typingIdleTimer = null;
        this.typers = new Map();

        this.managerHandlers = {
            reconnect_attempt: () => this.setState(ConnectionState.RECONNECTING),
            reconnect_failed: () => {
                this.setState(ConnectionState.OFFLINE);
                this.onError(new Error('Could not reconnect to the chat server.'));
            }
        };
    }

    /**
     * What the next handshake sends as `auth`: always the newest token, plus `since` and `epoch`
     * once both are known (a `since` without its epoch could be matched against another log).
     * @returns {{token: string, since?: number, epoch?: string}} The handshake auth payload.
     */
    handshakeAuth() {
        return this.canResume ? { token: this.token, since: this.lastSeq, epoch: this.epoch } : { token: this.token };
    }

    /**
     * Whether a handshake carries `since`. Derived, not recorded: seq and epoch change only on
     * `chat:event` and `bridge:status`, which cannot arrive between a handshake and its `connect`.
     */
    get canResume() {
        return this.lastSeq !== null && this.epoch !== null;
    }

    /** True while the socket is connected. */
    get connected() {
        return !!(this.socket && this.socket.connected);
    }

    /**
     * Fetches `{ url, token }` from Apex and connects.
     * @returns {Promise<void>} Resolves once the socket is created (not necessarily connected).
     */
    async start() {
        this.stopped = false;
        this.setState(ConnectionState.CONNECTING);
        try {
            await this.fetchConnection();
        } catch (error) {
            this.setState(ConnectionState.OFFLINE);
            this.onError(error);
            return;
        }
        if (this.stopped) {
            return;
        }
        const io = this.io;
        this.socket = io(this.url, {
            // A function, so every handshake (including automatic reconnects) sends the newest token
            // and catch-up position.
            auth: (callback) => callback(this.handshakeAuth()),
            transports: ['websocket', 'polling']
        });
        this.bind(this.socket);
    }

    /**
     * Closes the socket and cancels every timer. Safe to call more than once, and before start()
     * has finished.
     */
    stop() {
        this.stopped = true;
        this.stopTyping();
        this.clearTimer('refreshTimer');
        this.clearTimer('tokenTimer');
        this.clearTimer('retryTimer');
        this.clearTimer('typingIdleTimer');
        this.clearTypers();
        this.pendingScope = null;
        if (this.socket) {
            const socket = this.socket;
            if (socket.io && typeof socket.io.off === 'function') {
                Object.keys(this.managerHandlers).forEach((name) => socket.io.off(name, this.managerHandlers[name]));
            }
            socket.off();
            socket.disconnect();
        }
        this.setState(ConnectionState.OFFLINE);
    }

    /**
     * Call on every change of the draft: emits `typing:start` at most once per throttle window and
     * schedules `typing:stop` after the idle delay.
     */
    notifyTyping() {
        if (!this.connected || this.stopped) {
            return;
        }
        const now = Date.now();
        if (!this.typingActive || now - this.lastTypingStartAt >= this.timing.typingThrottleMs) {
            this.typingActive = true;
            this.lastTypingStartAt = now;
            this.emitTyping(CLIENT_EVENTS.TYPING_START);
        }
        this.clearTimer('typingIdleTimer');
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.typingIdleTimer = setTimeout(() => this.stopTyping(), this.timing.typingIdleMs);
    }

    /** Call on send, blur and when the draft is emptied: emits `typing:stop` if typing was announced. */
    stopTyping() {
        this.clearTimer('typingIdleTimer');
        if (!this.typingActive) {
            return;
        }
        this.typingActive = false;
        if (this.connected) {
            this.emitTyping(CLIENT_EVENTS.TYPING_STOP);
        }
    }

    /**
     * Emits typing for the room shown: `{ roomId }` with an ack, or no payload without a room (a
     * token without the rooms claim).
     * @param {string} name CLIENT_EVENTS.TYPING_START or TYPING_STOP.
     */
    emitTyping(name) {
        const roomId = this.roomId;
        if (roomId) {
            this.socket.emit(name, { roomId }, (answer) => this.handleTypingAck(roomId, answer));
        } else {
            this.socket.emit(name);
        }
    }

    /**
     * The bridge's answer to a typing message. `room-not-allowed` for the room shown means the
     * token predates the user's access (joined in another tab, say): sign in again once per room
     * for a token that names it. Other refusals (rate-limited) only lose that notice: not an error.
     * @param {string} roomId The room the message named.
     * @param {{ok: boolean, reason?: string}} answer TypingAck.
     */
    handleTypingAck(roomId, answer) {
        if (!answer || answer.ok !== false || answer.reason !== 'room-not-allowed') {
            return;
        }
        if (sameId(roomId, this.roomId) && this.resignedForRoom !== idKey(roomId)) {
            this.resignedForRoom = idKey(roomId);
            this.refreshRooms();
        }
    }

    /**
     * Shows another room: typing announced in the old room is stopped there, the typers shown are
     * forgotten, and from now on events and typing are routed by the new room.
     * @param {string|null} roomId The Chat_Room__c id (15 or 18 characters), or null for none.
     */
    setRoom(roomId) {
        const next = roomId || null;
        if (next === this.roomId || sameId(next, this.roomId)) {
            this.roomId = next;
            return;
        }
        this.stopTyping();
        this.roomId = next;
        this.clearTypers();
    }

    /**
     * Whether a room id names the room shown; an event without a room is org-wide (presence), for
     * every room.
     * @param {string|null|undefined} roomId `chat:event`'s `roomId`.
     * @returns {boolean} true when it belongs to the room shown.
     */
    isShownRoom(roomId) {
        return !roomId || sameId(roomId, this.roomId);
    }

    /**
     * Signs in again with a fresh token, for a new `rooms` claim after the user joined, created or
     * opened a room (the claim is computed when Apex signs the token). The catch-up position is kept,
     * so the new handshake resumes with `since` and nothing is reloaded by itself.
     * @returns {Promise<void>} Resolves once the new handshake was started (errors go to onError).
     */
    async refreshRooms() {
        if (this.stopped) {
            return;
        }
        try {
            await this.fetchConnection();
        } catch (error) {
            this.onError(error);
            return;
        }
        if (this.stopped || !this.socket) {
            return;
        }
        this.resigning = true;
        this.socket.disconnect();
        this.resigning = false;
        this.setState(ConnectionState.RECONNECTING);
        this.socket.connect();
    }

    /**
     * Asks for a refresh; requests within the coalescing window (and during a running refresh) are
     * merged into one call of onRefresh with the union of their scopes (see mergeScopes).
     * @param {{messages: boolean, users: boolean, messageIds?: string[]}} scope What to reload.
     */
    requestRefresh(scope) {
        if (this.stopped) {
            return;
        }
        this.pendingScope = mergeScopes(this.pendingScope, scope || BOTH);
        if (this.refreshTimer || this.refreshing) {
            return;
        }
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.refreshTimer = setTimeout(() => this.flushRefresh(), this.timing.refreshDelayMs);
    }

    async flushRefresh() {
        this.refreshTimer = null;
        const scope = this.pendingScope;
        this.pendingScope = null;
        if (!scope || this.stopped) {
            return;
        }
        this.refreshing = true;
        try {
            await this.onRefresh(scope);
        } catch (error) {
            this.onError(error);
        } finally {
            this.refreshing = false;
            if (this.pendingScope && !this.stopped) {
                // eslint-disable-next-line @lwc/lwc/no-async-operation
                this.refreshTimer = setTimeout(() => this.flushRefresh(), this.timing.refreshDelayMs);
            }
        }
    }

    async fetchConnection() {
        const connection = await this.getConnection();
        if (!connection || !connection.url || !connection.token) {
            throw new Error('The chat server connection is not configured.');
        }
        this.url = connection.url;
        this.token = connection.token;
        this.scheduleTokenRefresh();
        return connection;
    }

    scheduleTokenRefresh() {
        this.clearTimer('tokenTimer');
        if (this.stopped) {
            return;
        }
        const expiresAt = tokenExpiresAt(this.token);
        if (expiresAt === null) {
            return;
        }
        const delay = Math.max(
            this.timing.minTokenRefreshDelayMs,
            expiresAt - Date.now() - this.timing.tokenRefreshMarginMs
        );
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.tokenTimer = setTimeout(() => this.refreshToken(), delay);
    }

    async refreshToken() {
        this.tokenTimer = null;
        if (this.stopped) {
            return;
        }
        try {
            await this.fetchConnection();
        } catch (error) {
            this.onError(error);
            // eslint-disable-next-line @lwc/lwc/no-async-operation
            this.tokenTimer = setTimeout(() => this.refreshToken(), this.timing.tokenRetryDelayMs);
        }
    }

    async reconnectWithFreshToken() {
        if (this.tokenReconnects >= this.timing.maxTokenReconnects) {
            this.setState(ConnectionState.OFFLINE);
            this.onError(new Error('The chat server keeps refusing the sign-in token.'));
            return;
        }
        this.tokenReconnects += 1;
        this.setState(ConnectionState.RECONNECTING);
        try {
            await this.fetchConnection();
        } catch (error) {
            this.setState(ConnectionState.OFFLINE);
            this.onError(error);
            return;
        }
        if (!this.stopped && this.socket) {
            this.socket.connect();
        }
    }

    bind(socket) {
        socket.on('connect', () => {
            this.tokenReconnects = 0;
            this.setState(ConnectionState.CONNECTED);
            // Resumed with `since`: the bridge replays what was missed (or sends bridge:resync when
            // it cannot), so reloading everything here would only repeat that work.
            if (!this.canResume) {
                this.requestRefresh(BOTH);
            }
        });
        socket.on('disconnect', (reason) => {
            this.typingActive = false;
            this.clearTypers();
            if (this.stopped) {
                this.setState(ConnectionState.OFFLINE);
            } else if (this.resigning) {
                // refreshRooms() closed it to sign in again at once: not offline.
                this.setState(ConnectionState.RECONNECTING);
            } else if (reason === 'io server disconnect') {
                // The bridge closed us (e.g. the token expired): sign in again with a fresh token.
                this.reconnectWithFreshToken();
            } else {
                this.setState(socket.active ? ConnectionState.RECONNECTING : ConnectionState.OFFLINE);
            }
        });
        socket.on('connect_error', (error) => {
            if (this.stopped) {
                return;
            }
            if (isTransientRefusal(error) && !socket.active) {
                this.setState(ConnectionState.RECONNECTING);
                this.clearTimer('retryTimer');
                // eslint-disable-next-line @lwc/lwc/no-async-operation
                this.retryTimer = setTimeout(() => this.reconnectWithFreshToken(), this.timing.transientRetryDelayMs);
            } else if (isExpiredTokenError(error)) {
                if (socket.active) {
                    this.refreshToken();
                } else {
                    this.reconnectWithFreshToken();
                }
            } else if (socket.active) {
                this.setState(ConnectionState.RECONNECTING);
            } else {
                this.setState(ConnectionState.OFFLINE);
                this.onError(error);
            }
        });
        socket.on(SERVER_EVENTS.CHAT_EVENT, (event) => {
            this.noteSeq(event && event.seq);
            if (this.isShownRoom(event && event.roomId)) {
                this.requestRefresh(scopeForEvent(event));
            } else {
                this.onOtherRoomEvent(event);
            }
        });
        // Continuity is lost (any reason, 'gap' included): only a full reload is safe.
        socket.on(SERVER_EVENTS.RESYNC, () => this.requestRefresh(BOTH));
        socket.on(SERVER_EVENTS.STATUS, (status) => {
            this.upstream = status && status.upstream ? status.upstream : null;
            this.noteEpoch(status ? status.epoch : undefined);
            this.publishStatus();
        });
        socket.on(SERVER_EVENTS.TYPING, (notice) => this.handleTyping(notice));
        if (socket.io && typeof socket.io.on === 'function') {
            Object.keys(this.managerHandlers).forEach((name) => socket.io.on(name, this.managerHandlers[name]));
        }
    }

    /**
     * Keeps the highest `seq` seen. Anything but a non-negative safe integer is ignored: the bridge
     * refuses a malformed `since`, and one bad event must not cost the connection.
     * @param {*} seq `chat:event`'s `seq`.
     */
    noteSeq(seq) {
        if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
            return;
        }
        if (this.lastSeq === null || seq > this.lastSeq) {
            this.lastSeq = seq;
        }
    }

    /**
     * Takes the epoch of `bridge:status`. A different epoch than the one held means another log
     * (e.g. a new database): its `seq` values do not continue ours, so what we hold is forgotten and
     * everything is reloaded. A bridge without epochs (contract < 2.1) leaves catch-up off.
     * @param {*} epoch `bridge:status`'s `epoch`.
     */
    noteEpoch(epoch) {
        const next = typeof epoch === 'string' && epoch.length > 0 ? epoch : null;
        if (next === this.epoch) {
            return;
        }
        const changed = this.epoch !== null;
        this.epoch = next;
        // Seqs of the old log would be "ahead" of (or misplaced in) the new one: start over.
        this.lastSeq = null;
        if (changed) {
            this.requestRefresh(BOTH);
        }
    }

    /**
     * Takes a `typing` notice: only another user's, and only of the room shown. A notice without
     * `roomId` is room-less typing, which the bridge relays only among sockets that hear no room:
     * shown only while no room is.
     * @param {{userId?: string, name?: string, isTyping?: boolean, roomId?: string|null}} notice
     */
    handleTyping(notice) {
        if (!notice || !notice.userId || sameUserId(notice.userId, this.currentUserId)) {
            return;
        }
        const inShownRoom = notice.roomId ? sameId(notice.roomId, this.roomId) : this.roomId === null;
        if (!inShownRoom) {
            return;
        }
        const key = idKey(notice.userId);
        const previous = this.typers.get(key);
        if (previous) {
            clearTimeout(previous.timer);
            this.typers.delete(key);
        }
        if (notice.isTyping) {
            // eslint-disable-next-line @lwc/lwc/no-async-operation
            const timer = setTimeout(() => {
                this.typers.delete(key);
                this.publishTypers();
            }, this.timing.typingExpiryMs);
            this.typers.set(key, { name: notice.name || 'Someone', timer });
        }
        this.publishTypers();
    }

    clearTypers() {
        if (this.typers.size === 0) {
            return;
        }
        this.typers.forEach((typer) => clearTimeout(typer.timer));
        this.typers.clear();
        this.publishTypers();
    }

    publishTypers() {
        this.onTyping([...this.typers.values()].map((typer) => typer.name));
    }

    setState(state) {
        if (this.state === state) {
            return;
        }
        this.state = state;
        this.publishStatus();
    }

    publishStatus() {
        this.onStatus({ state: this.state, upstream: this.upstream });
    }

    clearTimer(name) {
        if (this[name]) {
            clearTimeout(this[name]);
            this[name] = null;
        }
    }
}
