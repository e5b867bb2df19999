/**
 * "Who is typing" bookkeeping, free of sockets and timers.
 *
 * Why this exists: typing notices are the only thing browsers send to the bridge, so they are where a
 * misbehaving page could spam every other user. Keeping the rules in one pure state machine with an
 * injected clock makes them testable to the millisecond: per-user state across several tabs, expiry,
 * deduplication, the per-socket rate limit and flood detection. The gateway feeds it socket messages
 * and disconnects, asks it when the next expiry is due, and emits what it returns.
 *
 * Rules (each per user and room: typing in one room says nothing about another):
 * - A user is typing in a room while at least one of their sockets is; others hear `isTyping: true` when the
 *   first socket starts and `isTyping: false` when the last one stops, expires (`expiryMs` after its
 *   last `typing:start`), disconnects, or the user's message in that room arrives ({@link TypingRelay.userSent}).
 * - A repeated `typing:start` from a socket that is already typing only refreshes its expiry; a
 *   `typing:stop` from a socket that is not typing does nothing. Neither is relayed nor rate-counted,
 *   so a component that emits `typing:start` on every keystroke is never penalised.
 * - Every other message changes state and counts against the socket's budget of `ratePerSecond` per
 *   1-second window (windows start at the socket's first counted message). Over budget, the message
 *   is dropped. A socket that goes over budget in `floodDisconnectAfter` consecutive windows is to be
 *   disconnected.
 */
import type { TypingNotice } from '../events/contract.js';
import { to18CharId } from '../salesforce/salesforce-id.js';

/** Who sent a typing message: the socket and the identity from its verified token. */
export interface Typist {
  socketId: string;
  /** Key that groups one user's sockets (canonical 15-character user id). */
  userKey: string;
  /** User id as the token carried it (sent to others). */
  userId: string;
  /** Display name from the token (sent to others). */
  name: string;
}

/**
 * Where typing happens: a room's canonical 15-character id (the key of `SocketData.rooms`), or `null`
 * for room-less typing (among sockets that hear no room).
 */
export type RoomKey = string | null;

/** A notice to send to the sockets of `roomKey`, except those of `userKey`. */
export interface TypingRelayNotice {
  userKey: string;
  roomKey: RoomKey;
  notice: TypingNotice;
}

/** What the gateway should do about one typing message. */
export type TypingOutcome =
  /** Tell the other users. */
  | ({ action: 'relay' } & TypingRelayNotice)
  /** Nothing to tell (deduplicated, or another tab of the user is still typing). */
  | { action: 'none' }
  /** Over the rate: the message was ignored; count it. */
  | { action: 'drop' }
  /** Over the rate for too long: the message was ignored; count it and disconnect the socket. */
  | { action: 'disconnect' };

/** Options of {@link createTypingRelay}. */
export interface TypingRelayOptions {
  /** A typer is forgotten this long after their last `typing:start`, ms. */
  expiryMs: number;
  /** State-changing typing messages accepted per socket per second. */
  ratePerSecond: number;
  /** Consecutive over-rate seconds after which a socket is to be disconnected (≥ 1). */
  floodDisconnectAfter: number;
  /** Current time, ms. */
  now: () => number;
}

/** The typing state machine. All methods are synchronous and never throw. */
export interface TypingRelay {
  /** A socket sent `typing:start` (`isTyping`) or `typing:stop` about `roomKey`. */
  message(typist: Typist, isTyping: boolean, roomKey: RoomKey): TypingOutcome;
  /** A socket disconnected: forget it; a notice per room where it was its user's last typing socket. */
  socketGone(socketId: string): TypingRelayNotice[];
  /** The user's message in `roomKey` was committed ("send"): they stopped typing there in every tab. */
  userSent(userKey: string, roomKey: RoomKey): TypingRelayNotice | undefined;
  /** Forgets typers whose time is up; returns the `isTyping: false` notices to send. */
  expire(): TypingRelayNotice[];
  /** When {@link expire} next has something to do, ms since the epoch; `undefined` if nobody types. */
  nextExpiryAt(): number | undefined;
  /** `isTyping: true` notices for everyone typing now (to bring a newly connected socket up to date). */
  typers(): TypingRelayNotice[];
  /** Forgets everything. */
  clear(): void;
}

interface SocketBudget {
  /** Start of window 0, ms. */
  origin: number;
  window: number;
  count: number;
  lastOverWindow: number;
  overStreak: number;
}

interface UserTyping {
  userKey: string;
  roomKey: RoomKey;
  userId: string;
  name: string;
  /** socket id → time of its last `typing:start`, ms. */
  sockets: Map<string, number>;
}

/** Creates an empty {@link TypingRelay}. */
export function createTypingRelay(options: TypingRelayOptions): TypingRelay {
  const { expiryMs, ratePerSecond, now } = options;
  const floodAfter = Math.max(1, options.floodDisconnectAfter);
  const budgets = new Map<string, SocketBudget>();
  /** {@link typingKey} → who types there. */
  const users = new Map<string, UserTyping>();
  /** socket id → the {@link typingKey}s it is typing under now. */
  const typingSockets = new Map<string, Set<string>>();

  const notice = (user: UserTyping, isTyping: boolean): TypingRelayNotice => ({
    userKey: user.userKey,
    roomKey: user.roomKey,
    notice: { userId: user.userId, name: user.name, isTyping, roomId: user.roomKey === null ? null : to18CharId(user.roomKey) },
  });

  /** Counts one state-changing message; `undefined` when within budget. */
  function spend(socketId: string, t: number): 'drop' | 'disconnect' | undefined {
    let b = budgets.get(socketId);
    if (b === undefined) {
      b = { origin: t, window: 0, count: 0, lastOverWindow: -2, overStreak: 0 };
      budgets.set(socketId, b);
    }
    const window = Math.floor((t - b.origin) / 1000);
    if (window !== b.window) {
      b.window = window;
      b.count = 0;
    }
    b.count += 1;
    if (b.count <= ratePerSecond) return undefined;
    if (b.lastOverWindow !== window) {
      b.overStreak = b.lastOverWindow === window - 1 ? b.overStreak + 1 : 1;
      b.lastOverWindow = window;
    }
    return b.overStreak >= floodAfter ? 'disconnect' : 'drop';
  }

  /** Forgets that `socketId` types under `key`. */
  function forgetSocketKey(socketId: string, key: string): void {
    const keys = typingSockets.get(socketId);
    keys?.delete(key);
    if (keys?.size === 0) typingSockets.delete(socketId);
  }

  /** `socketId` stopped typing under `key`; a notice if it was its user's last socket there. */
  function stopSocket(socketId: string, key: string): TypingRelayNotice | undefined {
    forgetSocketKey(socketId, key);
    const user = users.get(key);
    if (user === undefined || !user.sockets.delete(socketId) || user.sockets.size > 0) return undefined;
    users.delete(key);
    return notice(user, false);
  }

  return {
    message(typist, isTyping, roomKey) {
      const t = now();
      const key = typingKey(typist.userKey, roomKey);
      const alreadyTyping = typingSockets.get(typist.socketId)?.has(key) ?? false;
      if (isTyping && alreadyTyping) {
        users.get(key)?.sockets.set(typist.socketId, t);
        return { action: 'none' };
      }
      if (!isTyping && !alreadyTyping) return { action: 'none' };

      const verdict = spend(typist.socketId, t);
      if (verdict !== undefined) return { action: verdict };

      if (!isTyping) {
        const stopped = stopSocket(typist.socketId, key);
        return stopped ? { action: 'relay', ...stopped } : { action: 'none' };
      }
      let user = users.get(key);
      const first = user === undefined;
      if (user === undefined) {
        user = { userKey: typist.userKey, roomKey, userId: typist.userId, name: typist.name, sockets: new Map() };
        users.set(key, user);
      }
      user.sockets.set(typist.socketId, t);
      let keys = typingSockets.get(typist.socketId);
      if (keys === undefined) typingSockets.set(typist.socketId, (keys = new Set()));
      keys.add(key);
      return first ? { action: 'relay', ...notice(user, true) } : { action: 'none' };
    },

    socketGone(socketId) {
      budgets.delete(socketId);
      const keys = [...(typingSockets.get(socketId) ?? [])];
      return keys.map((key) => stopSocket(socketId, key)).filter((n): n is TypingRelayNotice => n !== undefined);
    },

    userSent(userKey, roomKey) {
      const key = typingKey(userKey, roomKey);
      const user = users.get(key);
      if (user === undefined) return undefined;
      for (const socketId of user.sockets.keys()) forgetSocketKey(socketId, key);
      users.delete(key);
      return notice(user, false);
    },

    expire() {
      const t = now();
      const out: TypingRelayNotice[] = [];
      for (const [key, user] of users) {
        for (const [socketId, startedAt] of user.sockets) {
          if (startedAt + expiryMs <= t) {
            user.sockets.delete(socketId);
            forgetSocketKey(socketId, key);
          }
        }
        if (user.sockets.size === 0) {
          users.delete(key);
          out.push(notice(user, false));
        }
      }
      return out;
    },

    nextExpiryAt() {
      let next: number | undefined;
      for (const user of users.values()) {
        for (const startedAt of user.sockets.values()) {
          const at = startedAt + expiryMs;
          if (next === undefined || at < next) next = at;
        }
      }
      return next;
    },

    typers() {
      return [...users.values()].map((user) => notice(user, true));
    },

    clear() {
      budgets.clear();
      users.clear();
      typingSockets.clear();
    },
  };
}

/** The relay's key of one user typing in one room (user keys and room ids are alphanumeric, so a space separates them). */
function typingKey(userKey: string, roomKey: RoomKey): string {
  return roomKey === null ? userKey : `${userKey} ${roomKey}`;
}
