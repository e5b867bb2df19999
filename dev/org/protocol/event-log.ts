/**
 * The retained events of one channel and the replay rules of "Message Durability": events are kept
 * for the retention window (72 h by default); replay ids are opaque, increasing and not contiguous;
 * a subscriber replays with `-1` (new events only), `-2` (everything retained) or `N` (events after
 * N), and a replay id whose event is no longer retained is invalid.
 */
import { randomInt } from 'node:crypto';

/** Replay id of a subscribe that wants only events published after it ("Message Durability"). */
const REPLAY_NEW = -1;
/** Replay id of a subscribe that wants every event still retained ("Message Durability"). */
const REPLAY_ALL_RETAINED = -2;

interface Entry<T> {
  readonly event: T;
  readonly replayId: number;
  /** ms since the epoch. */
  readonly storedAt: number;
}

/** Options of an {@link EventLog}. */
export interface EventLogOptions {
  /** How long an event stays replayable, ms. */
  retentionMs: number;
  /** Clock, ms since the epoch; default `Date.now`. */
  now?: () => number;
}

/** Retained events of one channel, oldest first. */
export class EventLog<T> {
  readonly #retentionMs: number;
  readonly #now: () => number;
  #entries: Entry<T>[] = [];
  /** Last replay id handed out. Starts at a random value: subscribers must not assume any origin. */
  #lastReplayId = randomInt(1_000, 10_000);
  /** Highest replay id no longer retained; replaying from it or below is invalid. */
  #horizon = -1;

  constructor(options: EventLogOptions) {
    this.#retentionMs = options.retentionMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Stores a new event under the next replay id (at least 2 above the previous one, with random
   * gaps, so nobody can compute one id from another).
   * @param build - makes the event once its replay id is known.
   */
  append(build: (replayId: number) => T): T {
    this.#expire();
    this.#lastReplayId += randomInt(2, 8);
    const event = build(this.#lastReplayId);
    this.#entries.push({ event, replayId: this.#lastReplayId, storedAt: this.#now() });
    return event;
  }

  /** Whether a subscribe may replay from `replayFrom`: `-1`, `-2`, or an id not older than retention. */
  isValidReplayFrom(replayFrom: number): boolean {
    this.#expire();
    if (replayFrom === REPLAY_NEW || replayFrom === REPLAY_ALL_RETAINED) return true;
    return Number.isSafeInteger(replayFrom) && replayFrom > this.#horizon;
  }

  /**
   * The events a subscriber replaying from `replayFrom` receives before new ones, oldest first:
   * none for `-1`, all retained for `-2`, those with a greater replay id for `N`.
   * @throws Error when `isValidReplayFrom` is false for `replayFrom`.
   */
  replay(replayFrom: number): T[] {
    if (!this.isValidReplayFrom(replayFrom)) throw new Error(`Replay id ${replayFrom} is not valid`);
    if (replayFrom === REPLAY_NEW) return [];
    const after = replayFrom === REPLAY_ALL_RETAINED ? -Infinity : replayFrom;
    return this.#entries.filter((e) => e.replayId > after).map((e) => e.event);
  }

  /** Keeps only the newest `keepLast` events; replaying from the dropped ones becomes invalid. */
  trim(keepLast: number): void {
    const keep = Math.max(0, Math.floor(keepLast));
    const dropCount = Math.max(0, this.#entries.length - keep);
    this.#drop(dropCount);
  }

  /** Number of retained events. */
  get size(): number {
    this.#expire();
    return this.#entries.length;
  }

  #expire(): void {
    const oldestKept = this.#now() - this.#retentionMs;
    const dropCount = this.#entries.findIndex((e) => e.storedAt >= oldestKept);
    this.#drop(dropCount === -1 ? this.#entries.length : dropCount);
  }

  #drop(count: number): void {
    if (count <= 0) return;
    const dropped = this.#entries.slice(0, count);
    this.#entries = this.#entries.slice(count);
    this.#horizon = Math.max(this.#horizon, dropped[dropped.length - 1]!.replayId);
  }
}
