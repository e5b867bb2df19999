/**
 * The cluster's leader lease: at most one node at a time holds it, and only the holder runs the
 * CometD subscriber. A redis-semaphore Mutex (SET NX PX, refreshed by a Lua script that checks the
 * holder) — the well-kept implementation, rather than our own scripts.
 *
 * A lease is for efficiency, not correctness (Kleppmann, "How to do distributed locking"): a holder
 * paused past its lease still believes it holds it. Correctness comes from the leadership term the
 * store checks on every write (bridge/store/event-store.ts); this module only keeps one node
 * subscribing almost all the time, and says as soon as it knows the lease is gone.
 *
 * A refresh Redis does not answer, or the lease connection dropping, counts as a lost lease: the
 * holder cannot prove it still holds it, and another node may take it once Redis is back, so it
 * steps down at once.
 */
import type { Redis } from 'ioredis';
import { Mutex } from 'redis-semaphore';

/** The Redis key of the lease. */
export const LEASE_KEY = 'sfcb:leader';

/** What {@link createLease} needs. */
export interface LeaseOptions {
  /** A client for the lease alone: no offline queue, a command timeout (see redis-node.ts). */
  redis: Redis;
  /** How long the lease lasts unrefreshed, ms (`CLUSTER_LEASE_MS`); refreshed every quarter of it. */
  leaseMs: number;
  /** Called once when the held lease is lost (expired, taken, or Redis not answering a refresh). */
  onLost: () => void;
  /** Default {@link LEASE_KEY}. */
  key?: string;
}

/** One node's handle on the lease. */
export interface Lease {
  /**
   * One attempt to take the lease; never rejects (Redis not answering = not taken).
   * @returns whether this node holds it now (it is then refreshed until lost or released).
   */
  tryAcquire(): Promise<boolean>;
  /** Gives the lease up (another node may take it at once); never rejects. */
  release(): Promise<void>;
  held(): boolean;
}

/** Creates the lease handle; nothing is taken before {@link Lease.tryAcquire}. */
export function createLease(options: LeaseOptions): Lease {
  const { redis, leaseMs } = options;
  // redis-semaphore runs its refresh on a timer and lets a Redis error escape it unhandled; answered
  // as "not refreshed" (0) instead, the error is what it means for a lease: it may be gone.
  const answerOrNothing = <A extends unknown[]>(call: (...args: A) => Promise<unknown>) =>
    (...args: A) => call(...args).catch((err: Error) => {
      if (/NOSCRIPT/.test(String(err))) throw err; // redis-semaphore then loads the script with EVAL
      return 0;
    });
  const client = {
    get: redis.get.bind(redis),
    set: redis.set.bind(redis),
    zrem: redis.zrem.bind(redis),
    eval: answerOrNothing(redis.eval.bind(redis) as (...args: unknown[]) => Promise<unknown>),
    evalsha: answerOrNothing(redis.evalsha.bind(redis) as (...args: unknown[]) => Promise<unknown>),
    options: redis.options,
  } as unknown as Redis;
  let mutex: Mutex | undefined;
  // The connection dropped (Redis restarted, network cut): a restarted Redis holds no lease, and
  // another node may take it the moment it is back — step down now, not at the next refresh.
  redis.on('close', () => {
    const held = mutex;
    if (!held?.isAcquired) return;
    mutex = undefined;
    held.stopRefresh();
    options.onLost();
  });

  return {
    async tryAcquire() {
      if (mutex?.isAcquired) return true;
      const attempt = new Mutex(client, options.key ?? LEASE_KEY, {
        lockTimeout: leaseMs,
        refreshInterval: Math.max(100, Math.floor(leaseMs / 4)),
        acquireAttemptsLimit: 1,
        acquireTimeout: leaseMs,
        onLockLost: () => {
          if (mutex === attempt) options.onLost();
        },
      });
      const taken = await attempt.tryAcquire().catch(() => false);
      if (taken) mutex = attempt;
      return taken;
    },
    async release() {
      const held = mutex;
      mutex = undefined;
      await held?.release().catch(() => undefined); // expires by itself when Redis is away
    },
    held: () => mutex?.isAcquired ?? false,
  };
}
