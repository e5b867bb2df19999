/**
 * The slice of the REST API the bridge and its tools use: `GET /services/data/` (versions),
 * `GET /services/data/vXX.X/` (resources) and publishing a platform event with
 * `POST /services/data/vXX.X/sobjects/Chat_Event__e/` ("Publish Event Messages Using REST API").
 * The record resources (sobject-rest.ts) are mounted here, behind the same version and session checks.
 * Errors are Salesforce's: a JSON array of `{ errorCode, message, fields? }` — 401
 * `INVALID_SESSION_ID` for a missing or bad token, 404 `NOT_FOUND`, 400 for refused fields.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { CHAT_EVENT_API_NAME } from '../../../bridge/events/contract.js';
import { servedApiVersions, isServedApiVersion } from './api-versions.js';
import type { SObjectError } from '../data/chat-event.js';
import { NOT_FOUND } from '../data/sobject-errors.js';
import { PublishRejectedError, type EventBus } from '../data/event-bus.js';
import { MAX_BODY_BYTES, TOO_LARGE_BODY } from './http-gate.js';
import { identityUrl, type OrgContext } from './org-context.js';
import { accessTokenFromHeader, type Session } from './sessions.js';

/** 401 body for a missing, unknown or expired token. */
export const INVALID_SESSION: SObjectError[] = [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }];

export { NOT_FOUND };

/**
 * Routes of the REST API.
 * @param records - routes of the record resources (`sobjects/<object>/…`), run after the session check.
 */
export function restRoutes(org: OrgContext, bus: EventBus, logger: Logger, records?: Router): Router {
  const log = logger.child({ module: 'rest' });
  const router = express.Router();

  router.get(['/services/data', '/services/data/'], (_req, res) => {
    res.json(servedApiVersions(org.apiVersion));
  });

  // Everything under a version needs a served version and a valid session.
  router.use('/services/data/:version', (req: Request, res: Response, next: NextFunction) => {
    const version = typeof req.params.version === 'string' ? req.params.version : '';
    if (!version.startsWith('v') || !isServedApiVersion(version.slice(1))) {
      res.status(404).json(NOT_FOUND);
      return;
    }
    const session = org.sessions.resolve(accessTokenFromHeader(req.headers.authorization));
    if (!session) {
      res.status(401).json(INVALID_SESSION);
      return;
    }
    res.locals.session = session;
    next();
  });

  router.get('/services/data/:version', (req, res) => {
    const base = `/services/data/${req.params.version}`;
    res.json({ identity: identityUrl(org), sobjects: `${base}/sobjects` });
  });

  const isEvent = (req: Request) => String(req.params.sobject).toLowerCase() === CHAT_EVENT_API_NAME.toLowerCase();
  const eventBody = express.json({ limit: MAX_BODY_BYTES, strict: false });
  router.post(
    '/services/data/:version/sobjects/:sobject',
    // Other objects are the record routes' (with their own body limit).
    (req: Request, res: Response, next: NextFunction) => (isEvent(req) ? eventBody(req, res, next) : next('route')),
    (req, res) => {
      const session = res.locals.session as Session;
      try {
        const result = bus.publish(req.body, session.userId);
        res.status(201).json({ id: result.id, success: true, errors: [] });
      } catch (err) {
        if (!(err instanceof PublishRejectedError)) throw err;
        log.info({ errors: err.errors }, 'publish refused');
        res.status(400).json(err.errors);
      }
    },
  );

  if (records) router.use(records);

  router.use('/services/data', (_req, res) => {
    res.status(404).json(NOT_FOUND);
  });

  return router;
}

/**
 * Answers body-parser failures like Salesforce (`JSON_PARSER_ERROR` 400, 413 for large bodies) and
 * anything unexpected as 500 `UNKNOWN_EXCEPTION`, never with a stack trace.
 */
export function restErrorHandler(logger: Logger) {
  const log = logger.child({ module: 'http' });
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const status = (err as { status?: number }).status ?? 500;
    if (status === 413) {
      const limit = (err as { limit?: number }).limit;
      const body = limit === undefined || limit === MAX_BODY_BYTES ? TOO_LARGE_BODY : [{ ...TOO_LARGE_BODY[0]!, message: `Request body exceeds ${limit} bytes` }];
      res.status(413).json(body);
      return;
    }
    if (status === 400) {
      res.status(400).json([{ errorCode: 'JSON_PARSER_ERROR', message: (err as Error).message }]);
      return;
    }
    log.error({ err }, 'request failed');
    res.status(500).json([{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred' }]);
  };
}
