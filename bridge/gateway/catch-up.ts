/**
 * Catch-up by sequence: what a reconnecting socket missed, read from the event log, all or nothing.
 *
 * Why this exists: a browser that drops (its network, a bridge restart, a crash) misses the events
 * broadcast meanwhile. It reconnects with the last `seq` it saw (`auth.since`, and the log's `epoch`
 * it came from); the bridge answers with exactly the logged events after it — or, when it cannot
 * promise every one of them, with nothing but `bridge:resync { reason: 'gap' }`, so the client
 * reloads. Never part of them: as Centrifugo's recovery, a client either recovers or knows it did not.
 *
 * This module decides and reads; the gateway (gateway.ts) holds the socket's live events back
 * meanwhile and joins the two at the seam by `seq`.
 */
import { DeadlineError, withDeadline } from '../deadline.js';
import { MAX_CATCH_UP_SPAN, type SequencedChatEvent } from '../events/contract.js';
import type { LogPosition, LoggedEvent } from '../store/event-store.js';

/** The part of the event log a catch-up reads (the app binds it to the store and its stream). */
export interface CatchUpLog {
  /** The log's identity as read at start, sent in every `bridge:status`. */
  epoch(): string;
  /** @see EventStore.logPosition; rejects when the store does not answer. */
  position(): Promise<LogPosition>;
  /** This bridge's stream's logged events with `seq > afterSeq`, in order, at most `limit`; rejects when the store does not answer. */
  eventsAfter(afterSeq: number, limit: number): Promise<LoggedEvent[]>;
}

/** Where a client asks to be caught up from (`auth.since`, `auth.epoch`), checked. */
export interface CatchUpFrom {
  /** Highest `seq` the client saw: a non-negative safe integer. */
  since: number;
  /** The log it saw it in; absent = the client does not know (then only `since` is checked). */
  epoch?: string;
}

/** Limits of one catch-up. */
export interface CatchUpLimits {
  /** Most `seq` values a client may be behind (`latestSeq - since`); default {@link MAX_CATCH_UP_SPAN}. */
  maxSpan?: number;
  /** Rows per store read; default {@link CATCH_UP_PAGE_SIZE}. */
  pageSize?: number;
  /** Longest the whole read may take, ms; default {@link CATCH_UP_DEADLINE_MS}. */
  deadlineMs?: number;
}

/** Rows per store read during a catch-up. */
export const CATCH_UP_PAGE_SIZE = 500;
/** Longest a catch-up may read the log before the socket gets `gap` instead, ms. */
export const CATCH_UP_DEADLINE_MS = 10_000;

/**
 * Why a catch-up was refused (`gap`), the `outcome` label of `sfcb_catch_ups_total`: `pruned` (since
 * predates the retained log), `ahead` (since is past the log's end), `epoch` (another log), `too-far`
 * (more than `maxSpan` behind), `store` (the log could not be read, or not within the deadline).
 */
export type CatchUpGap = 'pruned' | 'ahead' | 'epoch' | 'too-far' | 'store';

/** The outcome of {@link readCatchUp}. */
export type CatchUp =
  /** Every event after `since` through `throughSeq` (the log's end when read), in order; possibly none. */
  | { ok: true; events: SequencedChatEvent[]; throughSeq: number }
  | { ok: false; gap: CatchUpGap; error?: unknown };

/**
 * Parses the catch-up part of a handshake's `auth` (`since`, `epoch`; the token is checked elsewhere).
 * @returns `undefined` without `since` (a new client: live events only), the request, or
 *   `'malformed'` when `since` is not a non-negative safe integer or `epoch` is given and not a
 *   non-empty string (refused: a client bug, better seen at once than silently reloading).
 */
export function parseCatchUpFrom(auth: unknown): CatchUpFrom | undefined | 'malformed' {
  if (typeof auth !== 'object' || auth === null) return undefined;
  const { since, epoch } = auth as Record<string, unknown>;
  if (since === undefined || since === null) return undefined;
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) return 'malformed';
  if (epoch === undefined || epoch === null) return { since };
  if (typeof epoch !== 'string' || epoch.length === 0 || epoch.length > 100) return 'malformed';
  return { since, epoch };
}

/**
 * Reads what a client missed: decides from the log's position whether `from` can be caught up in
 * full, then reads the events in pages up to the position's `latestSeq` (events logged later reach
 * the socket live). Awaits the store per page, so other sockets are served meanwhile. Never rejects:
 * a store failure or the deadline is a `gap` with reason `store` (and the error).
 */
export async function readCatchUp(log: CatchUpLog, from: CatchUpFrom, limits: CatchUpLimits = {}): Promise<CatchUp> {
  return (await readCatchUps(log, [from], limits))[0]!;
}

/**
 * {@link readCatchUp} for many clients with ONE read of the log: the position once, then the pages
 * after the lowest `since` that can be caught up; each client gets the events after its own `since`.
 * After a bridge restart, thousands of tabs ask for nearly the same events at once: one read
 * serves them all. Call it only after every client's live events are held (the seam needs the
 * reads to start after that).
 * @returns one outcome per `froms` entry, in order.
 */
export async function readCatchUps(log: CatchUpLog, froms: readonly CatchUpFrom[], limits: CatchUpLimits = {}): Promise<CatchUp[]> {
  const maxSpan = limits.maxSpan ?? MAX_CATCH_UP_SPAN;
  const pageSize = limits.pageSize ?? CATCH_UP_PAGE_SIZE;
  const read = async (): Promise<CatchUp[]> => {
    const position = await log.position();
    const gaps = froms.map((from) => refusal(from, position, maxSpan));
    const lowest = Math.min(...froms.filter((_, i) => !gaps[i]).map((from) => from.since));
    // Missed nothing (the usual reconnect): no page is read, so no pruning can cut into one.
    const events: SequencedChatEvent[] = [];
    for (let after = lowest; after < position.latestSeq; ) {
      const page = await log.eventsAfter(after, pageSize);
      for (const { seq, event } of page) if (seq <= position.latestSeq) events.push({ ...event, seq });
      if (page.length < pageSize) break;
      after = page.at(-1)!.seq;
    }
    // Retention may have pruned past a `since` while the pages were read: then some are missing.
    const prunedThroughSeq = lowest < position.latestSeq ? (await log.position()).prunedThroughSeq : 0;
    return froms.map((from, i): CatchUp => {
      const gap = gaps[i] ?? (from.since < position.latestSeq && prunedThroughSeq > from.since ? 'pruned' : undefined);
      if (gap) return { ok: false, gap };
      const first = events.findIndex((event) => event.seq > from.since);
      return { ok: true, events: first === -1 ? [] : events.slice(first), throughSeq: position.latestSeq };
    });
  };
  const deadlineMs = limits.deadlineMs ?? CATCH_UP_DEADLINE_MS;
  try {
    return await withDeadline(read(), deadlineMs, 'catch-up: event log');
  } catch (error) {
    const gap: CatchUp = { ok: false, gap: 'store', error: error instanceof DeadlineError ? error.message : error };
    return froms.map(() => gap);
  }
}

/**
 * Catch-ups in groups: a request joins the next read of the log — the one starting when the read
 * in progress (if any) ends — so a reconnect storm costs a handful of reads, not a few per socket.
 * Every request is made after its socket's live events are held, and the read it joins starts
 * later still, so the seam holds (see readCatchUps).
 * @returns `request(from)`, resolving as {@link readCatchUp} would.
 */
export function createCatchUpQueue(log: CatchUpLog, limits: CatchUpLimits = {}): (from: CatchUpFrom) => Promise<CatchUp> {
  let waiting: Array<{ from: CatchUpFrom; done: (result: CatchUp) => void }> = [];
  let reading = false;
  const next = async (): Promise<void> => {
    reading = true;
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      const results = await readCatchUps(log, group.map((request) => request.from), limits);
      group.forEach((request, i) => request.done(results[i]!));
    }
    reading = false;
  };
  return (from) =>
    new Promise<CatchUp>((done) => {
      waiting.push({ from, done });
      if (!reading) void next();
    });
}

/** Why `from` cannot be caught up in full from a log at `position`, or undefined when it can. */
function refusal(from: CatchUpFrom, position: LogPosition, maxSpan: number): CatchUpGap | undefined {
  if (from.epoch !== undefined && from.epoch !== position.epoch) return 'epoch';
  if (from.since < position.prunedThroughSeq) return 'pruned';
  if (from.since > position.latestSeq) return 'ahead';
  if (position.latestSeq - from.since > maxSpan) return 'too-far';
  return undefined;
}
