/**
 * The EventUuids this process has already handed to sockets, so an event delivered twice by
 * Salesforce (a replay after a reconnect, `-2` after an expired replay id, or an org migration that
 * repeats replay ids) reaches no socket twice. "Message Durability": EventUuid, not the replay id, is
 * the stable identity of an event.
 *
 * Bounded: the oldest uuids are forgotten first (Map keeps insertion order), so memory stays flat.
 */

/** A bounded set of EventUuids. */
export interface SeenEvents {
  has(eventUuid: string): boolean;
  add(eventUuid: string): void;
  readonly size: number;
}

/**
 * @param capacity - most uuids kept (≈ 100 bytes each); default 100,000 ≈ 10 MB, far more than a
 *   chat room receives in the 72 h a replay can reach back.
 */
export function createSeenEvents(capacity = 100_000): SeenEvents {
  const seen = new Map<string, true>();
  return {
    has: (uuid) => seen.has(uuid),
    add(uuid) {
      if (seen.has(uuid)) return;
      seen.set(uuid, true);
      if (seen.size > capacity) seen.delete(seen.keys().next().value as string);
    },
    get size() {
      return seen.size;
    },
  };
}
