/**
 * When each socket's token expires, kept with one timer per second of expiry instead of one per
 * socket.
 *
 * Why this exists: a reconnect storm brings thousands of sockets within seconds, each with a token
 * that expires at its own millisecond. A `setTimeout` per socket is a timer object per idle socket
 * and, since Node keeps one timer list per distinct delay, a list per socket in its priority queue.
 * Sockets expiring within the same second share one timer here; a socket is disconnected at most a
 * second after its token's `exp` (which the verifier already allows 5 s of skew on).
 */

/** Longest delay `setTimeout` takes, ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Width of one bucket of expiries, ms. */
const BUCKET_MS = 1_000;

/** Items (sockets) due to expire, by time. */
export interface ExpirySchedule<T> {
  /** Calls `onExpire(item)` once, at or at most {@link BUCKET_MS} after `at` (ms since the epoch). */
  add(item: T, at: number): void;
  /** Forgets `item`, which was added with `at`; nothing happens when it is not scheduled. */
  delete(item: T, at: number): void;
  /** Forgets every item and stops every timer. */
  clear(): void;
}

/**
 * A schedule that calls `onExpire` for each item whose time has come. A throwing `onExpire` does not
 * stop the other items of its second from expiring (the error is rethrown after them).
 * @param now - current time, ms since the epoch.
 */
export function createExpirySchedule<T>(onExpire: (item: T) => void, now: () => number): ExpirySchedule<T> {
  /** Bucket (end of its second, ms since the epoch) → its items and timer. */
  const buckets = new Map<number, { items: Set<T>; timer: NodeJS.Timeout }>();
  const bucketOf = (at: number): number => Math.ceil(at / BUCKET_MS) * BUCKET_MS;

  function arm(due: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const bucket = buckets.get(due);
      if (bucket === undefined) return;
      if (now() < due) {
        bucket.timer = arm(due); // beyond setTimeout's longest delay, or the clock went back
        return;
      }
      buckets.delete(due);
      let failure: unknown;
      for (const item of bucket.items) {
        try {
          onExpire(item);
        } catch (err) {
          failure ??= err;
        }
      }
      if (failure !== undefined) throw failure;
    }, Math.min(MAX_TIMER_MS, Math.max(0, due - now())));
    timer.unref();
    return timer;
  }

  return {
    add(item, at) {
      const due = bucketOf(at);
      const bucket = buckets.get(due);
      if (bucket) bucket.items.add(item);
      else buckets.set(due, { items: new Set([item]), timer: arm(due) });
    },
    delete(item, at) {
      const due = bucketOf(at);
      const bucket = buckets.get(due);
      if (bucket === undefined || !bucket.items.delete(item) || bucket.items.size > 0) return;
      clearTimeout(bucket.timer);
      buckets.delete(due);
    },
    clear() {
      for (const { timer } of buckets.values()) clearTimeout(timer);
      buckets.clear();
    },
  };
}
