/**
 * Capped exponential back-off with jitter, for reconnecting to Salesforce after limits and outages
 * (`403::Organization total events daily limit exceeded`, `503::Server is too busy`, refused
 * connections). "Equal jitter": half the step is fixed, half random, so retries never collapse to 0 ms
 * (no hot loop) and many bridges never retry in lockstep.
 */

/** Back-off bounds, ms. */
export interface BackoffPolicy {
  /** Delay step of the first retry, ms. */
  initialMs: number;
  /** Longest delay, ms. */
  maxMs: number;
}

/** Defaults for a real org: 1 s, doubling, capped at 5 min. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 5 * 60_000 };

/**
 * Delay before retry number `attempt` (0-based), ms: in [step/2, step] with
 * step = min(maxMs, initialMs · 2^attempt).
 * @param random - source of randomness in [0, 1), injectable for tests.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}
