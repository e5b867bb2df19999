/**
 * The slice of the REST API the bridge and its tools use: `GET /services/data/` (versions),
 * `GET /services/data/vXX.X/` (resources) and publishing a platform event with
 * `POST /services/data/vXX.X/sobjects/Chat_Event__e/` ("Publish Event Messages Using REST API").
 * Errors are Salesforce's: a JSON array of `{ errorCode, message, fields? }` — 401
 * `INVALID_SESSION_ID` for a missing or bad token, 404 `NOT_FOUND`, 400 for refused fields.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { CHAT_EVENT_API_NAME } from '../events/contract.js';
import { servedApiVersions, isServedApiVersion } from './api-versions.js';
import type { SObjectError } from './chat-event.js';
import { PublishRejectedError, type EventBus } from './event-bus.js';
import { MAX_BODY_BYTES, TOO_LARGE_BODY } from './http-gate.js';
import { identityUrl, type OrgContext } from './org-context.js';
import { accessTokenFromHeader, type Session } from './sessions.js';

/** 401 body for a missing, unknown or expired token. */
export const INVALID_SESSION: SObjectError[] = [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }];

/** 404 body for a resource (version, sObject, path) that does not exist. */
export const NOT_FOUND: SObjectError[] = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];

/** Routes of the REST API. */
export function restRoutes(org: OrgContext, bus: EventBus, logger: Logger): Router {
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

  router.post(
    '/services/data/:version/sobjects/:sobject',
    express.json({ limit: MAX_BODY_BYTES, strict: false }),
    (req, res) => {
      if (req.params.sobject?.toLowerCase() !== CHAT_EVENT_API_NAME.toLowerCase()) {
        res.status(404).json(NOT_FOUND);
        return;
      }
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
      res.status(413).json(TOO_LARGE_BODY);
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
