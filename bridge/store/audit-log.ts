/**
 * The admin audit's reads of the store: which events the log holds (and the messages it rejected),
 * filtered and newest first in pages; the upstream incidents; counts and delivery lag per time
 * bucket. Only the bridge sees both ends of an event — as the trigger published it (type, ids,
 * provenance) and the sockets it reached — and Salesforce keeps neither queryable (platform events
 * have no SOQL), so this is where an admin asks "who changed what, through which path, who got it".
 *
 * Pages are keyset pages (never OFFSET): each page is one index range after the previous page's last
 * row, so reading page 1,000 costs what page 1 does, and rows logged meanwhile neither shift nor
 * repeat a page. Order and cursor are (`received_at`, origin, id) descending, where origin tells
 * logged events (`seq`) from rejected messages (their own id). The cursor keeps `received_at` to the
 * microsecond (PostgreSQL's precision), so rows a millisecond apart are never skipped or repeated.
 * Each table is read by its own (received_at, id) index range, at most one page from each.
 *
 * Times filter on `received_at` — when the bridge received the event — for events and rejected
 * messages alike (a rejected message may have no valid `CreatedDate`); `createdDate` is in each row.
 */
import { CHAT_EVENT_FIELDS, type ChatEventType } from '../events/contract.js';
import { canonicalSalesforceId, isSalesforceId, to18CharId } from '../salesforce/salesforce-id.js';
import type { Queryable } from './database.js';
import type { EventLogRow, StreamKey } from './event-store.js';

/**
 * One row of the audit: a logged event, or a message the bridge rejected (`rejected` says why; its
 * ids and type are what the message carried, when it carried them). Timestamps ISO 8601 UTC.
 */
export interface AuditEvent {
  /** Place in the event log; `null` for a rejected message (never logged as an event). */
  seq: number | null;
  /** `EventUuid`; `null` for a rejected message that carried none. */
  eventUuid: string | null;
  replayId: number | null;
  /** `Type__c` (for a rejected message: as received, possibly outside the contract, or null). */
  type: string | null;
  recordId: string | null;
  userId: string | null;
  /** `CreatedById`: whose transaction published it. */
  createdById: string | null;
  /** `CreatedDate` as Salesforce stamped it; `null` for a rejected message. */
  createdDate: string | null;
  /** When the bridge received it. */
  receivedAt: string;
  /** When it was handed to socket.io; `null` until then, and for rejected messages. */
  forwardedAt: string | null;
  /** Sockets connected when it was forwarded; `null` as `forwardedAt`. */
  socketsReached: number | null;
  /** `Source__c`: the `System.Quiddity` name of the saving transaction (`AURA`, `REST`, …). */
  source: string | null;
  /** `Request_Id__c`: Event Monitoring's `REQUEST_ID` of the save. */
  requestId: string | null;
  /** `Changed_Fields__c`, split: the chat fields a `MESSAGE_UPDATED` changed. */
  changedFields: string[];
  /** Why the bridge did not forward it (`malformed`, `unknown-type`), or `null` for a forwarded event. */
  rejected: string | null;
  /** `Room_Id__c` as received (contract 2.3.0); `null` for room-less events and rows logged before it. */
  roomId: string | null;
}

/** Filters of {@link AuditLog.events}; every one given must hold. */
export interface AuditEventFilter {
  /** Received at or after. */
  from?: Date;
  /** Received at or before. */
  to?: Date;
  type?: ChatEventType;
  /** 15- or 18-character Salesforce ids; either form matches both. */
  userId?: string;
  recordId?: string;
  createdById?: string;
  /** `Source__c`, exactly (e.g. `REST`). */
  source?: string;
  /** `Room_Id__c`: 15- or 18-character id (any casing of the 18); every form matches the room. */
  roomId?: string;
  /**
   * Only this org's channel: a store may hold another org's events (a dev org is new at every
   * `npm start`, a sandbox refresh is another org), which this org's admin must not read.
   */
  stream?: StreamKey;
}

/** Where a page of events ends: the next page starts after it. */
export interface AuditEventPosition {
  /** `received_at` of the last row, ISO 8601 UTC to the microsecond (`…T10:00:00.123456Z`). */
  receivedAt: string;
  /** 0: a logged event; 1: a rejected message. */
  origin: 0 | 1;
  /** `seq` of the event, or id of the rejected message. */
  id: number;
}

/** One page of rows and where the next one starts (`null`: this was the last). */
export interface Page<T, P> {
  rows: T[];
  next: P | null;
}

/** One upstream incident (subscription lost, login failed, resync, store down, cluster leader changed). */
export interface AuditIncident {
  id: number;
  /** One of `INCIDENT_KINDS` (event-store.ts); a kind a later version adds reads as it was written. */
  kind: string;
  /** Short cause: the reconnect cause, the login failure reason, the resync reason. */
  cause: string;
  /** The server's error text or the bridge's own detail; `null` when none. */
  detail: string | null;
  /** When it happened, ISO 8601. */
  at: string;
}

/** Filters of {@link AuditLog.incidents}. */
export interface AuditIncidentFilter {
  from?: Date;
  to?: Date;
}

/** Width of a summary bucket (PostgreSQL `date_trunc` fields, in UTC). */
export const SUMMARY_BUCKETS = ['minute', 'hour', 'day'] as const;
/** Width of a summary bucket. */
export type SummaryBucket = (typeof SUMMARY_BUCKETS)[number];

/** One bucket of {@link AuditLog.summary}. */
export interface SummaryBucketRow {
  /** Start of the bucket, ISO 8601 UTC. */
  start: string;
  /** Logged events received in the bucket, per `Type__c` (types without events are left out). */
  counts: Record<string, number>;
  /** Delivery lag (receivedAt − createdDate) of those events, ms; `null`s when the bucket is empty. */
  lagMs: { p50: number | null; p95: number | null; max: number | null };
}

/** The admin audit's queries. Every method rejects with the database's error when it does not answer. */
export interface AuditLog {
  /**
   * Logged events and rejected messages matching `filter`, newest first (received_at, then seq).
   * Rejected messages are included only when no field filter (type, ids, source, room) is given: the
   * fields they carried are not trustworthy enough to filter by.
   * @param limit - rows per page (1…1,000).
   * @param after - the `next` of the previous page; absent for the first.
   */
  events(filter: AuditEventFilter, limit: number, after?: AuditEventPosition): Promise<Page<AuditEvent, AuditEventPosition>>;
  /** Incidents matching `filter`, newest first (by id), in pages like {@link events}. */
  incidents(filter: AuditIncidentFilter, limit: number, afterId?: number): Promise<Page<AuditIncident, number>>;
  /**
   * Per bucket from `from` to `to` (default: the first and last logged event in range): logged
   * events received per type and their delivery lag percentiles. Every bucket in between is
   * present, empty ones with zero counts. Rejected messages are not counted.
   * @throws RangeError when the range holds more than {@link MAX_SUMMARY_BUCKETS} buckets.
   */
  summary(filter: { from?: Date; to?: Date; bucket: SummaryBucket; stream?: StreamKey }): Promise<SummaryBucketRow[]>;
}

/** Most buckets one summary answers (a week of minutes is 10,080). */
export const MAX_SUMMARY_BUCKETS = 10_080;

/** Runs one read on the store's database (the store tracks whether it answered). */
export type ReadRunner = <T>(work: (q: Queryable) => Promise<T>) => Promise<T>;

/** A row of the events query: the log's columns, or a rejected message in the same shape. */
type AuditRow = Omit<EventLogRow, 'org_id' | 'channel' | 'seq' | 'event_uuid' | 'replay_id' | 'type' | 'record_id' | 'user_id' | 'created_by_id' | 'created_date'> &
  { [K in 'seq' | 'event_uuid' | 'replay_id' | 'type' | 'record_id' | 'user_id' | 'created_by_id' | 'created_date']: EventLogRow[K] | null } & {
    origin: 0 | 1;
    id: number;
    rejected: string | null;
    /** `received_at` to the microsecond, for the cursor. */
    received_key: string;
  };

/** A payload field of a rejected message (`message` is the CometD `data`: `{ payload: { … } }`). */
const payloadField = (field: string) => `message->'payload'->>'${field}'`;

/** `received_at` as ISO 8601 UTC with microseconds. */
const RECEIVED_KEY = `to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS received_key`;

/** Logged events, with the columns of {@link AuditRow}. */
const LOGGED = `
  SELECT 0 AS origin, seq AS id, seq, event_uuid, replay_id, type, record_id, user_id, created_by_id, created_date,
         received_at, forwarded_at, sockets_reached, source, request_id, changed_fields, room_id, NULL::text AS rejected, ${RECEIVED_KEY}
    FROM event_log`;

/** Rejected messages, in the same columns: what they carried, where they carried it. */
const REJECTED = `
  SELECT 1 AS origin, id, NULL::bigint AS seq, event_uuid, replay_id,
         ${payloadField(CHAT_EVENT_FIELDS.type)} AS type, ${payloadField(CHAT_EVENT_FIELDS.recordId)} AS record_id,
         ${payloadField(CHAT_EVENT_FIELDS.userId)} AS user_id, ${payloadField('CreatedById')} AS created_by_id,
         NULL::timestamptz AS created_date, received_at, NULL::timestamptz AS forwarded_at, NULL::integer AS sockets_reached,
         ${payloadField(CHAT_EVENT_FIELDS.source)} AS source, ${payloadField(CHAT_EVENT_FIELDS.requestId)} AS request_id,
         '{}'::text[] AS changed_fields, ${payloadField(CHAT_EVENT_FIELDS.roomId)} AS room_id, reason AS rejected, ${RECEIVED_KEY}
    FROM rejected_event`;

/** Both forms of a well-formed id (15 and 18 characters, as Salesforce spells them), so either matches what the log holds. */
function idForms(id: string): string[] {
  if (!isSalesforceId(id)) return [id];
  const id15 = canonicalSalesforceId(id);
  return [id15, to18CharId(id15)];
}

/** Builds `$n` placeholders over one parameter list. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: row.seq,
    eventUuid: row.event_uuid,
    replayId: row.replay_id,
    type: row.type,
    recordId: row.record_id,
    userId: row.user_id,
    createdById: row.created_by_id,
    createdDate: iso(row.created_date),
    receivedAt: row.received_at.toISOString(),
    forwardedAt: iso(row.forwarded_at),
    socketsReached: row.sockets_reached,
    source: row.source,
    requestId: row.request_id,
    changedFields: row.changed_fields,
    rejected: row.rejected,
    roomId: row.room_id,
  };
}

/** The audit's queries over the store's database; `run` is the store's tracked runner. */
export function createAuditLog(run: ReadRunner): AuditLog {
  return {
    events: (filter, limit, after) =>
      run(async (q) => {
        const params = new Params();
        const common: string[] = [];
        if (filter.from) common.push(`received_at >= ${params.add(filter.from)}`);
        if (filter.to) common.push(`received_at <= ${params.add(filter.to)}`);
        if (filter.stream) common.push(`org_id = ${params.add(filter.stream.orgId)} AND channel = ${params.add(filter.stream.channel)}`);
        const fields: string[] = [];
        if (filter.type) fields.push(`type = ${params.add(filter.type)}`);
        if (filter.userId) fields.push(`user_id = ANY(${params.add(idForms(filter.userId))}::text[])`);
        if (filter.recordId) fields.push(`record_id = ANY(${params.add(idForms(filter.recordId))}::text[])`);
        if (filter.createdById) fields.push(`created_by_id = ANY(${params.add(idForms(filter.createdById))}::text[])`);
        if (filter.source) fields.push(`source = ${params.add(filter.source)}`);
        if (filter.roomId) fields.push(`room_id = ANY(${params.add(idForms(filter.roomId))}::text[])`);
        // The cursor, per table as its own index range: after (ts, origin, id) in (received_at, origin, id) DESC.
        const logAfter: string[] = [];
        const rejectedAfter: string[] = [];
        if (after) {
          const at = `${params.add(after.receivedAt)}::timestamptz`;
          const id = `${params.add(after.id)}::bigint`;
          logAfter.push(after.origin === 0 ? `(received_at, seq) < (${at}, ${id})` : `received_at <= ${at}`);
          rejectedAfter.push(after.origin === 1 ? `(received_at, id) < (${at}, ${id})` : `received_at < ${at}`);
        }
        const pageSize = params.add(limit + 1); // one row more than asked: whether a next page exists, without a count
        const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
        const branches = [`(${LOGGED} ${where([...common, ...fields, ...logAfter])} ORDER BY received_at DESC, seq DESC LIMIT ${pageSize})`];
        if (fields.length === 0) {
          branches.push(`(${REJECTED} ${where([...common, ...rejectedAfter])} ORDER BY received_at DESC, id DESC LIMIT ${pageSize})`);
        }
        const rows = await q.query<AuditRow>(
          `SELECT * FROM (${branches.join(' UNION ALL ')}) AS audit ORDER BY received_at DESC, origin DESC, id DESC LIMIT ${pageSize}`,
          params.values,
        );
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        const next = rows.length > limit && last ? { receivedAt: last.received_key, origin: last.origin, id: Number(last.id) } : null;
        return { rows: page.map(toAuditEvent), next };
      }),

    incidents: (filter, limit, afterId) =>
      run(async (q) => {
        const params = new Params();
        const where: string[] = [];
        if (filter.from) where.push(`at >= ${params.add(filter.from)}`);
        if (filter.to) where.push(`at <= ${params.add(filter.to)}`);
        if (afterId !== undefined) where.push(`id < ${params.add(afterId)}`);
        const rows = await q.query<{ id: number; kind: string; cause: string; detail: string | null; at: Date }>(
          `SELECT id, kind, cause, detail, at FROM upstream_incident
            ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY id DESC LIMIT ${params.add(limit + 1)}`,
          params.values,
        );
        const page = rows.slice(0, limit);
        return {
          rows: page.map((r) => ({ id: Number(r.id), kind: r.kind, cause: r.cause, detail: r.detail, at: r.at.toISOString() })),
          next: rows.length > limit ? Number(page.at(-1)!.id) : null,
        };
      }),

    summary: ({ from, to, bucket, stream }) =>
      run(async (q) => {
        if (from && to) bucketCount(bucket, bucketStart(from, bucket), bucketStart(to, bucket)); // before reading anything
        const params = new Params();
        const where: string[] = [];
        if (from) where.push(`received_at >= ${params.add(from)}`);
        if (to) where.push(`received_at <= ${params.add(to)}`);
        if (stream) where.push(`org_id = ${params.add(stream.orgId)} AND channel = ${params.add(stream.channel)}`);
        const unit = params.add(bucket);
        const filtered = `SELECT date_trunc(${unit}, received_at, 'UTC') AS start, type,
                                 EXTRACT(EPOCH FROM (received_at - created_date)) * 1000 AS lag_ms
                            FROM event_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
        const counts = await q.query<{ start: Date; type: string; n: number }>(
          `SELECT start, type, count(*)::int AS n FROM (${filtered}) AS e GROUP BY start, type`,
          params.values,
        );
        const lags = await q.query<{ start: Date; p50: number; p95: number; max: number }>(
          `SELECT start,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS p50,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY lag_ms) AS p95,
                  max(lag_ms) AS max
             FROM (${filtered}) AS e GROUP BY start`,
          params.values,
        );
        return fillBuckets(bucket, from, to, counts, lags);
      }),
  };
}

const BUCKET_MS: Record<SummaryBucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The start of the UTC bucket `date` falls in. */
function bucketStart(date: Date, bucket: SummaryBucket): number {
  return Math.floor(date.getTime() / BUCKET_MS[bucket]) * BUCKET_MS[bucket];
}

/** Buckets from the one starting at `first` to the one at `last`. @throws RangeError past {@link MAX_SUMMARY_BUCKETS}. */
function bucketCount(bucket: SummaryBucket, first: number, last: number): number {
  const total = Math.floor((last - first) / BUCKET_MS[bucket]) + 1;
  if (total > MAX_SUMMARY_BUCKETS) {
    throw new RangeError(`${total} ${bucket} buckets asked for; at most ${MAX_SUMMARY_BUCKETS}: narrow from/to or use a larger bucket`);
  }
  return total;
}

/** Every bucket from the range's first to its last, the empty ones with zero counts. */
function fillBuckets(
  bucket: SummaryBucket,
  from: Date | undefined,
  to: Date | undefined,
  counts: { start: Date; type: string; n: number }[],
  lags: { start: Date; p50: number; p95: number; max: number }[],
): SummaryBucketRow[] {
  const starts = lags.map((l) => l.start.getTime());
  if (starts.length === 0 && (!from || !to)) return [];
  const first = from ? bucketStart(from, bucket) : Math.min(...starts);
  const last = to ? bucketStart(to, bucket) : Math.max(...starts);
  const size = BUCKET_MS[bucket];
  bucketCount(bucket, first, last);
  const rows = new Map<number, SummaryBucketRow>();
  for (let start = first; start <= last; start += size) {
    rows.set(start, { start: new Date(start).toISOString(), counts: {}, lagMs: { p50: null, p95: null, max: null } });
  }
  for (const c of counts) {
    const row = rows.get(c.start.getTime());
    if (row) row.counts[c.type] = Number(c.n);
  }
  const round = (ms: number) => Math.round(Number(ms) * 1000) / 1000;
  for (const l of lags) {
    const row = rows.get(l.start.getTime());
    if (row) row.lagMs = { p50: round(l.p50), p95: round(l.p95), max: round(l.max) };
  }
  return [...rows.values()];
}
