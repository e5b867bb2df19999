/**
 * The bridge's memory of its progress: the last Chat_Event__e handed to socket.io, so a restarted
 * bridge resubscribes from exactly there (Streaming API "Message Durability": subscribe with replay
 * id N to receive the events after N). This is the seam between the subscriber and whatever keeps
 * that position: a JSON file (file-replay-store.ts, what server.ts opens), memory
 * (memory-replay-store.ts, for tests), or a database next.
 */

/** Keeps the last processed replay id of one channel. */
export interface ReplayStore {
  /** The id loaded at start or last recorded; `undefined` when there is none. */
  current(): number | undefined;
  /**
   * Records a processed replay id. Synchronous for the caller (the subscriber calls it once per
   * event); an implementation may persist it later, see {@link ReplayStore.flush}.
   */
  record(replayId: number): void;
  /** Resolves when everything recorded so far is persisted. Never rejects (errors are logged). */
  flush(): Promise<void>;
}
