/**
 * "Who is typing" bookkeeping, free of sockets and timers.
 *
 * Why this exists: typing notices are the only thing browsers send to the bridge, so they are where a
 * misbehaving page could spam every other user. Keeping the rules in one pure state machine with an
 * injected clock makes them testable to the millisecond: per-user state across several tabs, expiry,
 * deduplication, the per-socket rate limit and flood detection. The gateway feeds it socket messages
 * and disconnects, asks it when the next expiry is due, and emits what it returns.
 *
 * Rules:
 * - A user is typing while at least one of their sockets is; others hear `isTyping: true` when the
 *   first socket starts and `isTyping: false` when the last one stops, expires (`expiryMs` after its
 *   last `typing:start`), disconnects, or the user's message arrives ({@link TypingRelay.userSent}).
 * - A repeated `typing:start` from a socket that is already typing only refreshes its expiry; a
 *   `typing:stop` from a socket that is not typing does nothing. Neither is relayed nor rate-counted,
 *   so a component that emits `typing:start` on every keystroke is never penalised.
 * - Every other message changes state and counts against the socket's budget of `ratePerSecond` per
 *   1-second window (windows start at the socket's first counted message). Over budget, the message
 *   is dropped. A socket that goes over budget in `floodDisconnectAfter` consecutive windows is to be
 *   disconnected.
 */
import type { TypingNotice } from '../events/contract.js';

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

/** A notice to send to every socket except those of `userKey`. */
export interface TypingRelayNotice {
  userKey: string;
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
  /** A socket sent `typing:start` (`isTyping`) or `typing:stop`. */
  message(typist: Typist, isTyping: boolean): TypingOutcome;
  /** A socket disconnected: forget it; a notice if it was its user's last typing socket. */
  socketGone(socketId: string): TypingRelayNotice | undefined;
  /** The user's message was committed ("send"): they stopped typing in every tab. */
  userSent(userKey: string): TypingRelayNotice | undefined;
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
  const users = new Map<string, UserTyping>();
  /** socket id → user key, for sockets that are typing now. */
  const typingSockets = new Map<string, string>();

  const notice = (userKey: string, user: UserTyping, isTyping: boolean): TypingRelayNotice => ({
    userKey,
    notice: { userId: user.userId, name: user.name, isTyping },
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

  function stopSocket(socketId: string): TypingRelayNotice | undefined {
    const userKey = typingSockets.get(socketId);
    if (userKey === undefined) return undefined;
    typingSockets.delete(socketId);
    const user = users.get(userKey);
    if (user === undefined) return undefined;
    user.sockets.delete(socketId);
    if (user.sockets.size > 0) return undefined;
    users.delete(userKey);
    return notice(userKey, user, false);
  }

  return {
    message(typist, isTyping) {
      const t = now();
      const alreadyTyping = typingSockets.has(typist.socketId);
      if (isTyping && alreadyTyping) {
        users.get(typist.userKey)?.sockets.set(typist.socketId, t);
        return { action: 'none' };
      }
      if (!isTyping && !alreadyTyping) return { action: 'none' };

      const verdict = spend(typist.socketId, t);
      if (verdict !== undefined) return { action: verdict };

      if (!isTyping) {
        const stopped = stopSocket(typist.socketId);
        return stopped ? { action: 'relay', ...stopped } : { action: 'none' };
      }
      let user = users.get(typist.userKey);
      const first = user === undefined;
      if (user === undefined) {
        user = { userId: typist.userId, name: typist.name, sockets: new Map() };
        users.set(typist.userKey, user);
      }
      user.sockets.set(typist.socketId, t);
      typingSockets.set(typist.socketId, typist.userKey);
      return first ? { action: 'relay', ...notice(typist.userKey, user, true) } : { action: 'none' };
    },

    socketGone(socketId) {
      budgets.delete(socketId);
      return stopSocket(socketId);
    },

    userSent(userKey) {
      const user = users.get(userKey);
      if (user === undefined) return undefined;
      for (const socketId of user.sockets.keys()) typingSockets.delete(socketId);
      users.delete(userKey);
      return notice(userKey, user, false);
    },

    expire() {
      const t = now();
      const out: TypingRelayNotice[] = [];
      for (const [userKey, user] of users) {
        for (const [socketId, startedAt] of user.sockets) {
          if (startedAt + expiryMs <= t) {
            user.sockets.delete(socketId);
            typingSockets.delete(socketId);
          }
        }
        if (user.sockets.size === 0) {
          users.delete(userKey);
          out.push(notice(userKey, user, false));
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
      return [...users].map(([userKey, user]) => notice(userKey, user, true));
    },

    clear() {
      budgets.clear();
      users.clear();
      typingSockets.clear();
    },
  };
}
