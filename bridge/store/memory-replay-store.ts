/**
 * A replay store held in memory, for tests (and anyone who wants a bridge that forgets its progress
 * on exit). The same instance handed to a second bridge stands in for a store that outlives the
 * process, as a database does.
 */
import type { ReplayStore } from './replay-store.js';

/**
 * Creates an in-memory store.
 * @param initial - replay id to start from; default none (the subscriber then subscribes with -1).
 */
export function createMemoryReplayStore(initial?: number): ReplayStore {
  let value = initial;
  return {
    current: () => value,
    record(replayId) {
      value = replayId;
    },
    flush: async () => undefined,
  };
}
