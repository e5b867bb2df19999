/**
 * The admin API's query parameters, parsed with zod: each endpoint's schema, the opaque cursors,
 * and the one error a bad parameter gets (400 naming it). A query string is user input from an
 * admin's browser or script: anything off — an unknown type, a date that is not ISO 8601, `from`
 * after `to`, a cursor this bridge did not write, a repeated parameter — is refused with the
 * parameter's name rather than guessed at.
 */
import { z } from 'zod';
import { CHAT_EVENT_TYPES, QUIDDITY_NAMES } from '../../events/contract.js';
import { isSalesforceId } from '../../salesforce/salesforce-id.js';
import { SUMMARY_BUCKETS, type AuditEventFilter, type AuditEventPosition, type AuditIncidentFilter, type SummaryBucket } from '../../store/audit-log.js';

/** Rows per page when `limit` is absent. */
export const DEFAULT_PAGE_LIMIT = 100;
/** Most rows one page holds (`limit`). */
export const MAX_PAGE_LIMIT = 1_000;

/** A query parameter was refused: answered 400 `{ error: 'bad_request', parameter, message }`. */
export class BadParameterError extends Error {
  override readonly name = 'BadParameterError';
  /** The parameter's name as the query string spells it. */
  readonly parameter: string;

  constructor(parameter: string, message: string) {
    super(message);
    this.parameter = parameter;
  }
}

/** An ISO 8601 date-time with a time zone (`2026-12-02T15:00:00Z`, `…+01:00`), or a date (`2026-12-02`, UTC midnight). */
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/, 'must be an ISO 8601 date-time with a time zone (2026-12-02T15:00:00Z) or a date (2026-12-02, UTC midnight)')
  .transform((value, ctx) => {
    const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid date' });
      return z.NEVER;
    }
    return date;
  });

const salesforceId = z.string().refine(isSalesforceId, 'must be a 15- or 18-character Salesforce id (the 18 in any casing)');

const limit = z
  .string()
  .regex(/^\d+$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
  .transform(Number)
  .pipe(z.number().int().min(1, `must be from 1 to ${MAX_PAGE_LIMIT}`).max(MAX_PAGE_LIMIT, `must be from 1 to ${MAX_PAGE_LIMIT}`));

/** A cursor: base64url of a JSON value this module wrote; anything else is malformed. */
function cursor<T extends z.ZodType>(shape: T) {
  return z.string().transform((value, ctx): z.infer<T> => {
    let decoded: unknown;
    try {
      if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new Error('not base64url');
      decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is malformed: pass the nextCursor of the previous page unchanged' });
      return z.NEVER;
    }
    const parsed = shape.safeParse(decoded);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: 'is malformed: pass the nextCursor of the previous page unchanged' });
      return z.NEVER;
    }
    return parsed.data;
  });
}

const eventPosition = z
  .tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/), z.union([z.literal(0), z.literal(1)]), z.number().int().nonnegative()])
  .transform(([receivedAt, origin, id]): AuditEventPosition => ({ receivedAt, origin, id }));
const incidentPosition = z.tuple([z.number().int().positive()]).transform(([id]) => id);

/** Encodes the position a page ends at as the opaque `nextCursor`. */
export function encodeEventCursor(position: AuditEventPosition): string {
  return Buffer.from(JSON.stringify([position.receivedAt, position.origin, position.id])).toString('base64url');
}

/** Encodes the id an incidents page ends at as the opaque `nextCursor`. */
export function encodeIncidentCursor(id: number): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url');
}

const range = { from: instant.optional(), to: instant.optional() };

const eventsQuery = z
  .object({
    ...range,
    type: z.enum(CHAT_EVENT_TYPES as [string, ...string[]], { message: `must be one of ${CHAT_EVENT_TYPES.join(', ')}` }).optional(),
    userId: salesforceId.optional(),
    recordId: salesforceId.optional(),
    createdById: salesforceId.optional(),
    source: z.enum(QUIDDITY_NAMES, { message: `must be a System.Quiddity name: one of ${QUIDDITY_NAMES.join(', ')}` }).optional(),
    room: salesforceId.optional(),
    limit: limit.optional(),
    cursor: cursor(eventPosition).optional(),
  })
  .strict();

const incidentsQuery = z.object({ ...range, limit: limit.optional(), cursor: cursor(incidentPosition).optional() }).strict();

const summaryQuery = z
  .object({ ...range, bucket: z.enum(SUMMARY_BUCKETS, { message: `must be one of ${SUMMARY_BUCKETS.join(', ')}` }).optional() })
  .strict();

/** The parsed query of `GET /admin/api/events` (and `events.csv`). */
export interface EventsQuery {
  filter: AuditEventFilter;
  limit: number;
  after?: AuditEventPosition;
}

/** The parsed query of `GET /admin/api/incidents`. */
export interface IncidentsQuery {
  filter: AuditIncidentFilter;
  limit: number;
  afterId?: number;
}

/** The parsed query of `GET /admin/api/summary`. */
export interface SummaryQuery {
  from?: Date;
  to?: Date;
  bucket: SummaryBucket;
}

/** Parses `query` with `schema`; the first problem becomes a {@link BadParameterError}. */
function parse<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const params = query as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') throw new BadParameterError(name, `${name} must be given once, as plain text`);
  }
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const name = issue.keys[0]!;
      throw new BadParameterError(name, `${name} is not a parameter of this endpoint`);
    }
    const name = String(issue.path[0] ?? 'query');
    throw new BadParameterError(name, `${name} ${issue.message}`);
  }
  const data = parsed.data as { from?: Date; to?: Date };
  if (data.from && data.to && data.from > data.to) throw new BadParameterError('from', 'from must not be after to');
  return parsed.data;
}

/**
 * Parses the query of `GET /admin/api/events` / `events.csv`.
 * @param options.unlimited - the CSV export: `limit` and `cursor` are not parameters of it.
 * @throws BadParameterError naming the first bad parameter.
 */
export function parseEventsQuery(query: unknown, options: { unlimited?: boolean } = {}): EventsQuery {
  const schema = options.unlimited ? eventsQuery.omit({ limit: true, cursor: true }) : eventsQuery;
  const { limit: pageLimit, cursor: after, room, ...filter } = parse(schema, query) as z.infer<typeof eventsQuery>;
  return { filter: { ...(filter as AuditEventFilter), roomId: room }, limit: pageLimit ?? DEFAULT_PAGE_LIMIT, after };
}

/** Parses the query of `GET /admin/api/incidents`. @throws BadParameterError naming the first bad parameter. */
export function parseIncidentsQuery(query: unknown): IncidentsQuery {
  const { limit: pageLimit, cursor: afterId, ...filter } = parse(incidentsQuery, query);
  return { filter, limit: pageLimit ?? DEFAULT_PAGE_LIMIT, afterId };
}

/** Parses the query of `GET /admin/api/summary` (`bucket` default `minute`). @throws BadParameterError naming the first bad parameter. */
export function parseSummaryQuery(query: unknown): SummaryQuery {
  const { bucket, ...rest } = parse(summaryQuery, query);
  return { ...rest, bucket: bucket ?? 'minute' };
}
