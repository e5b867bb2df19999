/**
 * The bridge's memory, in a database (database.ts): the replay position, the event log, rejected
 * events and upstream incidents. What makes delivery exactly-once across restarts lives here:
 *
 * - An event's log row and the replay position it advances are written by ONE statement, so they
 *   commit together: an event is either logged and counted as processed, or neither. (A data-
 *   modifying CTE is atomic like any statement, and costs one round trip instead of four.) The
 *   events of one CometD answer are logged by one such statement ({@link EventStore.logEvents}):
 *   one commit per answer, not per event, so the log keeps up with a burst.
 * - `event_uuid` is unique: an event Salesforce delivers again (a resubscribe, `-2`, an org
 *   migration repeating replay ids) is a duplicate however long ago the first copy arrived.
 * - `seq` orders the log; {@link EventStore.eventsAfter} and {@link EventStore.logPosition} are what a
 *   client's catch-up needs: events after its last `seq`, whether that `seq` is still covered
 *   (`prunedThroughSeq`), and whether it came from this log at all (`epoch`).
 *
 * - In a cluster (bridge/cluster/), those two writes also carry the writer's leadership term and
 *   commit only while it is still the term in `cluster_leader`, checked in the same statement under
 *   a row lock ({@link EventStore.takeLeadership} waits for it): a leader that lost its lease and
 *   does not know it yet is refused ({@link FencedWriteError}) and can log, so broadcast, nothing.
 *
 * The store also knows whether its database answers ({@link EventStore.state}): every call that
 * fails marks it `down`, the next that succeeds marks it `up`; `/readyz` shows it.
 */
import { CHANGED_FIELDS_SEPARATOR, type ChatEvent, type ChatEventType, type EventProvenance } from '../events/contract.js';
import type { EventIdentity, RejectReason } from '../events/mapping.js';
import { createAuditLog, type AuditLog } from './audit-log.js';
import type { Database, Queryable } from './database.js';

/** Whose replay ids these are: replay ids mean something only for one org's one channel. */
export interface StreamKey {
  /** Org id as the login returned it (18 characters). */
  orgId: string;
  /** e.g. `/event/Chat_Event__e`. */
  channel: string;
}

/** A logged event: its place in the log and what sockets receive. */
export interface LoggedEvent {
  /** Position in the log: increasing, with gaps. */
  seq: number;
  event: ChatEvent;
}

/** A message that was not forwarded, and why. */
export interface RejectedMessage {
  /** Absent when the message carried no `replayId`/`EventUuid` (then it does not move the position). */
  identity?: EventIdentity;
  reason: RejectReason;
  /** What was wrong, e.g. `Record_Id__c: not a Salesforce id`. */
  detail: string;
  /** The message's `data`, as received (kept for diagnosis; JSON). */
  message: unknown;
}

/**
 * Kinds of {@link Incident}: `subscription-lost`, `login-failed`, `resync`, `store-down` (the
 * subscriber records them), and `leader-changed` (a cluster node took the lease and started a new
 * leadership term; {@link EventStore.takeLeadership} records it in the same statement).
 */
export const INCIDENT_KINDS = ['subscription-lost', 'login-failed', 'resync', 'store-down', 'leader-changed'] as const;

/** Something that happened upstream, for the incident table. */
export interface Incident {
  /** One of {@link INCIDENT_KINDS}. */
  kind: (typeof INCIDENT_KINDS)[number];
  /** Short cause: the reconnect cause, the login failure reason, the resync reason. */
  cause: string;
  /** The server's error text or our own detail (never a token). */
  detail?: string;
}

/** What a client's catch-up needs to know about the log as a whole. */
export interface LogPosition {
  /** Identity of this log (a uuid made when the schema was created); another database has another. */
  epoch: string;
  /** Every `seq` ≤ this may have been pruned; a client whose last `seq` is below it has a gap. 0 = none pruned. */
  prunedThroughSeq: number;
  /** Highest `seq` in the log, or `prunedThroughSeq` when the log is empty. */
  latestSeq: number;
}

/**
 * Thrown by a fenced write whose term is no longer the cluster's: another node has taken the lease
 * (and bumped the term) since. Nothing was written. The writer must stop leading at once.
 */
export class FencedWriteError extends Error {
  constructor(
    /** The term the write carried. */
    readonly term: number,
  ) {
    super(`leadership term ${term} is over: another node leads the cluster now; nothing was written`);
    this.name = 'FencedWriteError';
  }
}

/** `up` while the database answers, `down` since a call failed. */
export type StoreState = 'up' | 'down';

/** The bridge's store; every method rejects with the database's error when it does not answer. */
export interface EventStore {
  /** `postgres` or `pglite`. */
  readonly kind: Database['kind'];
  state(): StoreState;
  /** Last committed replay id of `key`, or undefined when none was ever committed. */
  replayPosition(key: StreamKey): Promise<number | undefined>;
  /**
   * Sets the position of `key` only if it has none (importing an old `replay.json`).
   * @returns the position now in force (the existing one wins).
   */
  seedReplayPosition(key: StreamKey, replayId: number): Promise<number>;
  /**
   * Logs an event and advances the replay position of `key` to its replay id, atomically.
   * @param receivedAt - when the bridge received it.
   * @param provenance - where it came from (contract 2.2.0), kept for the admin audit; default none.
   * @param term - in a cluster, the writer's leadership term: the write commits only while it is
   *   the term in force (see {@link takeLeadership}). Undefined: not fenced (one bridge).
   * @returns its `seq`, or undefined when an event with this `eventUuid` is already logged (a
   *   duplicate: nothing was written, the position did not move).
   * @throws FencedWriteError when `term` is over (nothing written).
   */
  logEvent(key: StreamKey, event: ChatEvent, receivedAt: Date, provenance?: EventProvenance, term?: number): Promise<number | undefined>;
  /**
   * Logs events in arrival order and advances the replay position of `key` to the replay id of the
   * last one written, all in one statement (one commit: all are logged, or none).
   * @param events - in arrival order; at most a few thousand (one statement's arrays). `provenance`
   *   (contract 2.2.0) is kept for the admin audit; default none.
   * @param term - as for {@link logEvent}: all are written only while it is in force.
   * @returns per event, in the same order, its `seq`, or undefined for a duplicate (an `eventUuid`
   *   already logged, or repeated earlier in `events`).
   * @throws FencedWriteError when `term` is over (nothing written).
   */
  logEvents(key: StreamKey, events: ReadonlyArray<LogEntry>, term?: number): Promise<Array<number | undefined>>;
  /**
   * Logs a message that is not forwarded; with an identity, advances the replay position too, in
   * the same statement (a rejected event is processed: it must not come back after a restart).
   * @param term - as for {@link logEvent}.
   * @returns false when a message with this `eventUuid` was rejected before (nothing written).
   * @throws FencedWriteError when `term` is over (nothing written).
   */
  logRejected(key: StreamKey, rejected: RejectedMessage, receivedAt: Date, term?: number): Promise<boolean>;
  /**
   * Starts a new leadership term for `node` (the cluster lease was just taken): bumps the term, which
   * only grows. Waits for a fenced write of the previous term that is under way, so everything the
   * previous leader logged is committed (and visible) when this resolves, and nothing it writes
   * later can commit. Records a `leader-changed` incident (node, term, the leader before) in the
   * same statement.
   * @returns the new term.
   */
  takeLeadership(node: string): Promise<number>;
  /** The leadership term in force (0 before any node led). */
  leadershipTerm(): Promise<number>;
  /** Records when logged events were handed to socket.io and to how many sockets each, in one statement. */
  markForwarded(forwarded: ReadonlyArray<{ seq: number; socketsReached: number }>, forwardedAt: Date): Promise<void>;
  logIncident(incident: Incident): Promise<void>;
  /**
   * Logged events with `seq > afterSeq`, in `seq` order.
   * @param options.limit - most rows returned (page with the last `seq` of a page); default 1,000.
   * @param options.stream - only the events of this org and channel; default all.
   */
  eventsAfter(afterSeq: number, options?: { limit?: number; stream?: StreamKey }): Promise<LoggedEvent[]>;
  logPosition(): Promise<LogPosition>;
  /**
   * Deletes at most `batch` of the oldest events, rejected messages and incidents older than
   * `before`, and moves `prunedThroughSeq` past the events deleted.
   * @returns how many rows were deleted (less than `batch` from each table: nothing older is left).
   */
  prune(before: Date, batch: number): Promise<number>;
  /** The admin audit's reads of the log (audit-log.ts), on the same database and {@link state}. */
  readonly audit: AuditLog;
  /** Closes the database. */
  close(): Promise<void>;
}

/** One event to log: what was received, when, and where it came from. */
export interface LogEntry {
  event: ChatEvent;
  receivedAt: Date;
  /** Default: none (events published before contract 2.2.0, or by other code). */
  provenance?: EventProvenance;
}

/** A row of `event_log`, as the database returns it (the one definition of its columns' types). */
export interface EventLogRow {
  seq: number;
  event_uuid: string;
  org_id: string;
  channel: string;
  replay_id: number;
  type: string;
  record_id: string;
  user_id: string;
  created_by_id: string;
  created_date: Date;
  received_at: Date;
  forwarded_at: Date | null;
  sockets_reached: number | null;
  source: string | null;
  request_id: string | null;
  changed_fields: string[];
  /** Migration 0004: `Room_Id__c` as received; NULL for room-less events and rows logged before. */
  room_id: string | null;
}

/** What catch-up reads of a row. */
type EventRow = Pick<EventLogRow, 'seq' | 'event_uuid' | 'replay_id' | 'type' | 'record_id' | 'user_id' | 'created_by_id' | 'created_date' | 'room_id'>;

/** Moves the position of ($1, $2) to the replay id of the row just written, if one was (and has an id). */
const ADVANCE_POSITION = `
  INSERT INTO replay_position (org_id, channel, replay_id, updated_at)
  SELECT $1, $2, replay_id, now() FROM written WHERE replay_id IS NOT NULL
  ON CONFLICT (org_id, channel) DO UPDATE SET replay_id = EXCLUDED.replay_id, updated_at = EXCLUDED.updated_at`;

/**
 * Many events in one statement: one array parameter per column, rows inserted in arrival order (so
 * `seq` follows it), the position moved to the replay id of the last row written.
 */
/**
 * The fence of a cluster write: the `cluster_leader` row, only if `term` is still $N, share-locked
 * until the statement commits (a term bump waits for it; a bump under way makes it re-read the row
 * and find the new term).
 */
const fence = (param: string) => `fence AS (SELECT term FROM cluster_leader WHERE term = ${param}::bigint FOR SHARE)`;

/**
 * Fenced (a cluster leader's write, term in $15): rows are inserted only if the fence holds, and
 * one marker row (all NULL) says it did.
 */
const logEventsSql = (fenced: boolean) => `
  WITH ${fenced ? `${fence('$15')}, ` : ''}input AS (
    SELECT * FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[],
                         $11::text[], $12::text[], $13::text[], $14::text[])
      WITH ORDINALITY AS i(event_uuid, replay_id, type, record_id, user_id, created_by_id, created_date, received_at,
                           source, request_id, changed_fields, room_id, ord)
  ), inserted AS (
    INSERT INTO event_log (org_id, channel, event_uuid, replay_id, type, record_id, user_id, created_by_id, created_date, received_at,
                           source, request_id, changed_fields, room_id)
    SELECT $1, $2, event_uuid, replay_id, type, record_id, user_id, created_by_id, created_date, received_at,
           source, request_id, string_to_array(changed_fields, '${CHANGED_FIELDS_SEPARATOR}'), room_id
      FROM input ${fenced ? 'WHERE EXISTS (SELECT 1 FROM fence) ' : ''}ORDER BY ord
    ON CONFLICT (event_uuid) DO NOTHING
    RETURNING seq, replay_id, event_uuid
  ), written AS (SELECT replay_id FROM inserted ORDER BY seq DESC LIMIT 1),
  advanced AS (${ADVANCE_POSITION})
  SELECT seq, event_uuid FROM inserted${fenced ? ' UNION ALL SELECT NULL, NULL FROM fence' : ''}`;
const LOG_EVENTS = logEventsSql(false);
const LOG_EVENTS_FENCED = logEventsSql(true);

const LOG_REJECTED = `
  WITH written AS (
    INSERT INTO rejected_event (org_id, channel, event_uuid, replay_id, reason, detail, message, received_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (event_uuid) DO NOTHING
    RETURNING replay_id
  ), advanced AS (${ADVANCE_POSITION})
  SELECT 1 FROM written`;

const LOG_REJECTED_FENCED = `
  WITH ${fence('$9')}, written AS (
    INSERT INTO rejected_event (org_id, channel, event_uuid, replay_id, reason, detail, message, received_at)
    SELECT $1, $2, $3, $4::bigint, $5, $6, $7::jsonb, $8::timestamptz FROM fence
    ON CONFLICT (event_uuid) DO NOTHING
    RETURNING replay_id
  ), advanced AS (${ADVANCE_POSITION})
  SELECT (SELECT count(*) FROM fence)::int AS fenced_in, (SELECT count(*) FROM written)::int AS written`;

const PRUNE = `
  WITH events AS (
    DELETE FROM event_log WHERE seq IN (SELECT seq FROM event_log WHERE received_at < $1 ORDER BY seq LIMIT $2)
    RETURNING seq
  ), rejected AS (
    DELETE FROM rejected_event WHERE id IN (SELECT id FROM rejected_event WHERE received_at < $1 ORDER BY id LIMIT $2)
    RETURNING id
  ), incidents AS (
    DELETE FROM upstream_incident WHERE id IN (SELECT id FROM upstream_incident WHERE at < $1 ORDER BY id LIMIT $2)
    RETURNING id
  ), marked AS (
    UPDATE log_identity SET pruned_through_seq = GREATEST(pruned_through_seq, (SELECT max(seq) FROM events))
    WHERE EXISTS (SELECT 1 FROM events)
  )
  SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM rejected) + (SELECT count(*) FROM incidents) AS deleted`;

/**
 * Wraps a migrated database (see migrate.ts) as the bridge's store. Takes ownership: {@link
 * EventStore.close} closes it.
 */
export function createEventStore(db: Database): EventStore {
  let state: StoreState = 'up';
  /** Runs one call, keeping {@link state} as its outcome says. */
  const tracked = async <T>(work: (q: Queryable) => Promise<T>): Promise<T> => {
    try {
      const result = await work(db);
      state = 'up';
      return result;
    } catch (err) {
      state = err instanceof FencedWriteError ? 'up' : 'down'; // a refused term is an answer
      throw err;
    }
  };

  const logEvents: EventStore['logEvents'] = (key, events, term) =>
    tracked(async (q) => {
      if (events.length === 0) return [];
      const column = <T>(pick: (e: ChatEvent) => T) => events.map(({ event }) => pick(event));
      const params = [
        key.orgId,
        key.channel,
        column((e) => e.eventUuid),
        column((e) => e.replayId),
        column((e) => e.type),
        column((e) => e.recordId),
        column((e) => e.userId),
        column((e) => e.createdById),
        column((e) => e.createdDate),
        events.map(({ receivedAt }) => receivedAt),
        // Changed fields travel joined (an array of arrays must be rectangular) and are split in SQL.
        events.map(({ provenance }) => provenance?.source ?? null),
        events.map(({ provenance }) => provenance?.requestId ?? null),
        events.map(({ provenance }) => (provenance?.changedFields ?? []).join(CHANGED_FIELDS_SEPARATOR)),
        column((e) => e.roomId),
      ];
      let rows = await q.query<{ seq: number | null; event_uuid: string | null }>(term === undefined ? LOG_EVENTS : LOG_EVENTS_FENCED, term === undefined ? params : [...params, term]);
      if (term !== undefined) {
        if (!rows.some((row) => row.seq === null)) throw new FencedWriteError(term); // no marker: the fence did not hold
        rows = rows.filter((row) => row.seq !== null);
      }
      const seqByUuid = new Map(rows.map((row) => [row.event_uuid!, row.seq!]));
      // A uuid repeated within `events` was written once: its first occurrence has the seq.
      return events.map(({ event }) => {
        const seq = seqByUuid.get(event.eventUuid);
        seqByUuid.delete(event.eventUuid);
        return seq;
      });
    });

  return {
    kind: db.kind,
    state: () => state,

    replayPosition: (key) => tracked(async (q) => readReplayPosition(q, key)),

    seedReplayPosition: (key, replayId) =>
      tracked(async (q) => {
        await q.query('INSERT INTO replay_position (org_id, channel, replay_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [key.orgId, key.channel, replayId]);
        return (await readReplayPosition(q, key))!;
      }),

    logEvent: async (key, event, receivedAt, provenance, term) => (await logEvents(key, [{ event, receivedAt, provenance }], term))[0],

    logEvents,

    logRejected: (key, r, receivedAt, term) =>
      tracked(async (q) => {
        const params = [key.orgId, key.channel, r.identity?.eventUuid ?? null, r.identity?.replayId ?? null, r.reason, r.detail, JSON.stringify(r.message ?? null), receivedAt];
        if (term === undefined) return (await q.query(LOG_REJECTED, params)).length > 0;
        const [row] = await q.query<{ fenced_in: number; written: number }>(LOG_REJECTED_FENCED, [...params, term]);
        if (!row?.fenced_in) throw new FencedWriteError(term);
        return row.written > 0;
      }),

    leadershipTerm: () =>
      tracked(async (q) => {
        const rows = await q.query<{ term: number }>('SELECT term FROM cluster_leader');
        return rows[0]?.term ?? 0;
      }),

    takeLeadership: (node) =>
      tracked(async (q) => {
        // One statement: the new term and its incident (the audit's record of who leads since when)
        // commit together. Every part sees the row as it was before the update: `was` is the last leader.
        const rows = await q.query<{ term: number }>(
          `WITH was AS (SELECT term, node FROM cluster_leader),
                now_leading AS (UPDATE cluster_leader SET term = term + 1, node = $1, since = now() RETURNING term),
                noted AS (
                  INSERT INTO upstream_incident (kind, cause, detail)
                  SELECT 'leader-changed', 'lease-acquired',
                         'node ' || $1 || ' leads in term ' || now_leading.term || ' (before: ' || COALESCE(was.node || ' in term ' || was.term, 'no leader') || ')'
                    FROM now_leading, was)
           SELECT term FROM now_leading`,
          [node],
        );
        return Number(rows[0]!.term);
      }),

    markForwarded: (forwarded, forwardedAt) =>
      tracked(async (q) => {
        if (forwarded.length === 0) return;
        await q.query(
          `UPDATE event_log e SET forwarded_at = $1, sockets_reached = f.reached
             FROM unnest($2::bigint[], $3::integer[]) AS f(seq, reached) WHERE e.seq = f.seq`,
          [forwardedAt, forwarded.map((f) => f.seq), forwarded.map((f) => f.socketsReached)],
        );
      }),

    logIncident: (incident) =>
      tracked(async (q) => {
        await q.query('INSERT INTO upstream_incident (kind, cause, detail) VALUES ($1, $2, $3)', [incident.kind, incident.cause, incident.detail ?? null]);
      }),

    eventsAfter: (afterSeq, { limit = 1_000, stream } = {}) =>
      tracked(async (q) => {
        const rows = await q.query<EventRow>(
          `SELECT seq, event_uuid, replay_id, type, record_id, user_id, created_by_id, created_date, room_id
             FROM event_log
            WHERE seq > $1 AND ($3::text IS NULL OR (org_id = $3 AND channel = $4))
            ORDER BY seq LIMIT $2`,
          [afterSeq, limit, stream?.orgId ?? null, stream?.channel ?? null],
        );
        return rows.map(toLoggedEvent);
      }),

    logPosition: () =>
      tracked(async (q) => {
        const rows = await q.query<{ epoch: string; pruned_through_seq: number; latest: number | null }>(
          'SELECT epoch::text, pruned_through_seq, (SELECT max(seq) FROM event_log) AS latest FROM log_identity',
        );
        const row = rows[0]!;
        return { epoch: row.epoch, prunedThroughSeq: row.pruned_through_seq, latestSeq: Math.max(row.latest ?? 0, row.pruned_through_seq) };
      }),

    prune: (before, batch) =>
      tracked(async (q) => {
        const rows = await q.query<{ deleted: number }>(PRUNE, [before, batch]);
        return Number(rows[0]?.deleted ?? 0);
      }),

    audit: createAuditLog((work) => tracked(work)),

    close: () => db.close(),
  };
}

function toLoggedEvent(row: EventRow): LoggedEvent {
  return {
    seq: row.seq,
    event: {
      type: row.type as ChatEventType,
      recordId: row.record_id,
      userId: row.user_id,
      createdById: row.created_by_id,
      createdDate: row.created_date.toISOString(),
      replayId: row.replay_id,
      eventUuid: row.event_uuid,
      roomId: row.room_id,
    },
  };
}

/** The committed replay id of `key`'s stream, or undefined when it has none (one query for both readers). */
async function readReplayPosition(q: Queryable, key: { orgId: string; channel: string }): Promise<number | undefined> {
  const rows = await q.query<{ replay_id: number }>('SELECT replay_id FROM replay_position WHERE org_id = $1 AND channel = $2', [key.orgId, key.channel]);
  return rows[0]?.replay_id;
}
