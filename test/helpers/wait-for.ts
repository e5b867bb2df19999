/**
 * Polls until a condition holds, for tests over real sockets and servers (no fixed sleeps).
 */

/**
 * Resolves with the first truthy value of `probe`, polling every `intervalMs`.
 * @throws Error naming `what` when `timeoutMs` passes first.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  what: string,
  { timeoutMs = 10_000, intervalMs = 20 } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves after `ms`; only for letting something that must NOT happen have its chance. */
export const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
