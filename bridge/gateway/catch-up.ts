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
  const maxSpan = limits.maxSpan ?? MAX_CATCH_UP_SPAN;
  const pageSize = limits.pageSize ?? CATCH_UP_PAGE_SIZE;
  const read = async (): Promise<CatchUp> => {
    const position = await log.position();
    const gap = refusal(from, position, maxSpan);
    if (gap) return { ok: false, gap };
    // Missed nothing (the usual reconnect): no page was read, so no pruning can have cut into one.
    if (from.since >= position.latestSeq) return { ok: true, events: [], throughSeq: position.latestSeq };
    const events: SequencedChatEvent[] = [];
    for (let after = from.since; after < position.latestSeq; ) {
      const page = await log.eventsAfter(after, pageSize);
      for (const { seq, event } of page) if (seq <= position.latestSeq) events.push({ ...event, seq });
      if (page.length < pageSize) break;
      after = page.at(-1)!.seq;
    }
    // Retention may have pruned past `since` while the pages were read: then some are missing.
    if ((await log.position()).prunedThroughSeq > from.since) return { ok: false, gap: 'pruned' };
    return { ok: true, events, throughSeq: position.latestSeq };
  };
  const deadlineMs = limits.deadlineMs ?? CATCH_UP_DEADLINE_MS;
  try {
    return await withDeadline(read(), deadlineMs, 'catch-up: event log');
  } catch (error) {
    return { ok: false, gap: 'store', error: error instanceof DeadlineError ? error.message : error };
  }
}

/** Why `from` cannot be caught up in full from a log at `position`, or undefined when it can. */
function refusal(from: CatchUpFrom, position: LogPosition, maxSpan: number): CatchUpGap | undefined {
  if (from.epoch !== undefined && from.epoch !== position.epoch) return 'epoch';
  if (from.since < position.prunedThroughSeq) return 'pruned';
  if (from.since > position.latestSeq) return 'ahead';
  if (position.latestSeq - from.since > maxSpan) return 'too-far';
  return undefined;
}
