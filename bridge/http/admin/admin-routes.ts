/**
 * The admin API: the bridge's event log, read-only, for the admin audit (LWC `chatAudit`, scripts).
 *
 * - `GET /admin/api/events` → `{ events: AuditEvent[], nextCursor }`, newest first, keyset pages;
 * - `GET /admin/api/events.csv` → the same filters as an RFC 4180 download, streamed;
 * - `GET /admin/api/incidents` → `{ incidents, nextCursor }`;
 * - `GET /admin/api/summary` → `{ bucket, buckets: [{ start, counts, lagMs }] }`.
 *
 * Every request needs an admin token (admin-auth.ts). Browsers may call it cross-origin only from
 * the allowed origins (`ALLOWED_ORIGINS`, the same list as sockets): those get CORS headers and
 * their preflight (with `Authorization`) is answered; any other `Origin` is refused with 403 before
 * the token is even looked at. Answers are JSON, errors `{ error, message }` (400s name the
 * `parameter`), never a stack trace; nothing is cached (`Cache-Control: no-store`).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { SocketData } from '../../events/contract.js';
import type { AuditLog } from '../../store/audit-log.js';
import type { StreamKey } from '../../store/event-store.js';
import { AdminAuthError } from './admin-auth.js';
import { EXPORT_PAGE_ROWS, streamEventsCsv } from './csv-export.js';
import { BadParameterError, encodeEventCursor, encodeIncidentCursor, parseEventsQuery, parseIncidentsQuery, parseSummaryQuery } from './query.js';

/** Where the admin API is mounted. */
export const ADMIN_API_PATH = '/admin/api';

/** File name of the CSV download (`Content-Disposition`). */
export const CSV_FILE_NAME = 'chat-events.csv';

/** How long a browser may cache a preflight answer, seconds. */
const PREFLIGHT_MAX_AGE_S = 600;

/** What the admin routes need. */
export interface AdminRoutesDeps {
  audit: AuditLog;
  /** The org and channel this bridge serves: the only events its admins read (undefined before the first login). */
  stream: () => StreamKey | undefined;
  /** Checks the `Authorization` header ({@link createAdminAuthorizer}). */
  authorize: (authorization: string | undefined) => Promise<SocketData>;
  /** The sockets' origin check (bridge/gateway/origins.ts): `(origin, selfHost) => allowed`. */
  isOriginAllowed: (origin: string | undefined, selfHost?: string) => boolean;
  logger: Logger;
}

/** A database that does not answer: the log cannot be read now. */
const UNAVAILABLE = { error: 'unavailable', message: 'The event log does not answer right now; try again shortly' } as const;

/** The admin API's router, to mount at the app's root. */
export function adminRoutes(deps: AdminRoutesDeps): Router {
  const log = deps.logger.child({ module: 'admin-api' });
  const router = express.Router();

  // CORS for the allowed origins only, preflight included.
  router.use(ADMIN_API_PATH, (req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      res.vary('Origin');
      if (!deps.isOriginAllowed(origin, req.headers.host)) {
        res.status(403).json({ error: 'forbidden', message: `Origin ${origin} may not call the admin API (ALLOWED_ORIGINS)` });
        return;
      }
      res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Content-Disposition' });
    }
    if (req.method === 'OPTIONS') {
      res.set({
        'Access-Control-Allow-Methods': 'GET, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization',
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_S),
      });
      res.status(204).end();
      return;
    }
    next();
  });

  router.use(ADMIN_API_PATH, async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.locals.admin = await deps.authorize(req.headers.authorization);
      next();
    } catch (err) {
      if (!(err instanceof AdminAuthError)) return next(err);
      if (err.status === 503) log.warn({ err: err.cause }, 'admin api: token not verifiable yet');
      else log.info({ status: err.status, reason: err.message, path: req.path }, 'admin api: refused');
      if (err.status === 401) res.set('WWW-Authenticate', 'Bearer realm="sf-chat-bridge admin"');
      res.status(err.status).json({ error: err.code, message: err.message });
    }
  });

  router.get(`${ADMIN_API_PATH}/events`, async (req, res) => {
    const { filter, limit, after } = parseEventsQuery(req.query);
    const page = await deps.audit.events({ ...filter, stream: deps.stream() }, limit, after);
    res.json({ events: page.rows, nextCursor: page.next && encodeEventCursor(page.next) });
  });

  router.get(`${ADMIN_API_PATH}/events.csv`, async (req, res) => {
    const { filter: given } = parseEventsQuery(req.query, { unlimited: true });
    const filter = { ...given, stream: deps.stream() };
    // The first page before the headers: a store that does not answer still gets a clean 503.
    const first = await deps.audit.events(filter, EXPORT_PAGE_ROWS);
    res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8; header=present', 'Content-Disposition': `attachment; filename="${CSV_FILE_NAME}"` });
    log.info({ admin: (res.locals.admin as SocketData).userId, filter }, 'admin api: csv export');
    try {
      await streamEventsCsv(deps.audit, filter, first, res);
    } catch (err) {
      // Headers are sent: all that is left is to cut the download short, so it cannot pass for complete.
      log.warn({ err }, 'admin api: csv export ended early');
      res.destroy();
    }
  });

  router.get(`${ADMIN_API_PATH}/incidents`, async (req, res) => {
    const { filter, limit, afterId } = parseIncidentsQuery(req.query);
    const page = await deps.audit.incidents(filter, limit, afterId);
    res.json({ incidents: page.rows, nextCursor: page.next === null ? null : encodeIncidentCursor(page.next) });
  });

  router.get(`${ADMIN_API_PATH}/summary`, async (req, res) => {
    const query = parseSummaryQuery(req.query);
    try {
      res.json({ bucket: query.bucket, buckets: await deps.audit.summary({ ...query, stream: deps.stream() }) });
    } catch (err) {
      if (err instanceof RangeError) throw new BadParameterError('bucket', err.message);
      throw err;
    }
  });

  router.use(ADMIN_API_PATH, (_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: 'No such admin API endpoint: see README "Admin API"' });
  });

  // Express 5 hands rejected async handlers here.
  router.use(ADMIN_API_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof BadParameterError) {
      res.status(400).json({ error: 'bad_request', parameter: err.parameter, message: err.message });
      return;
    }
    log.warn({ err }, 'admin api: the event log did not answer');
    res.status(503).json(UNAVAILABLE);
  });

  return router;
}
