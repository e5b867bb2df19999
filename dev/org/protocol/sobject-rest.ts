/**
 * The REST sObject API for the dev org's records, as an integration or Data Loader writes:
 * `POST sobjects/Chat_Message__c/` (201 `{ id, success, errors }`), `GET`, `PATCH` (204) and
 * `DELETE` (204, to the recycle bin) of `sobjects/Chat_Message__c/<id>`, and `GET` / `PATCH` of
 * `sobjects/User/<id>` ("Working with Records", REST API Developer Guide). Mounted by rest.ts behind
 * its version and session checks. A message of a room the session's user cannot read answers 404
 * `NOT_FOUND`, as a missing one (its sharing is its room's). Writes go through the DML layer, so the triggers publish exactly
 * as for the component's writes; a refused write answers Salesforce's error array and changes nothing.
 */
import express, { type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { newApexRequest, QUIDDITY } from '../data/apex-request.js';
import { DmlError, type Dml } from '../data/dml.js';
import { canonicalRecordId } from '../data/ids.js';
import type { OrgRecords } from '../data/records.js';
import { messageReaderOf } from '../data/rooms.js';
import type { Session } from './sessions.js';
import { CHAT_MESSAGE, describeOf, fieldOf, type FieldDescribe, type SObjectDescribe } from '../data/sobjects.js';
import { ENTITY_IS_DELETED, invalidField, NOT_FOUND } from '../data/sobject-errors.js';

/** Largest record write body read, bytes (a Content__c of 32,768 characters fits, escaped). */
export const MAX_RECORD_BODY_BYTES = 1_000_000;

/** Routes of the record resources; `res.locals.session` is set by rest.ts. */
export function sobjectRecordRoutes(records: OrgRecords, dml: Dml, logger: Logger): Router {
  const log = logger.child({ module: 'sobject-rest' });
  const router = express.Router();
  const json = express.json({ limit: MAX_RECORD_BODY_BYTES, strict: false });
  const base = '/services/data/:version/sobjects/:sobject';

  /** Runs a write; answers a refused one with its REST status and errors. */
  const write = (res: Response, action: () => void, onDone: () => void) => {
    try {
      action();
    } catch (err) {
      if (!(err instanceof DmlError)) throw err;
      log.info({ errors: err.errors }, 'write refused');
      res.status(err.status).json(err.errors);
      return;
    }
    onDone();
  };
  // Each REST call is one request of quiddity REST, its triggers' events say so.
  const restRequest = (res: Response) => newApexRequest((res.locals.session as Session).userId, QUIDDITY.rest);

  router.post(base, json, (req, res, next) => {
    const describe = describeOf(req.params.sobject);
    if (!describe) return next();
    if (describe.name !== CHAT_MESSAGE) return methodNotAllowed(res, 'POST', 'GET,PATCH,HEAD');
    let id = '';
    write(
      res,
      () => {
        id = dml.insertMessages([req.body], restRequest(res))[0]!.Id;
      },
      () => res.status(201).json({ id, success: true, errors: [] }),
    );
  });

  router.get(`${base}/:id`, (req, res, next) => {
    const describe = describeOf(req.params.sobject);
    if (!describe) return next();
    const row = find(records, describe, String(req.params.id), (res.locals.session as Session).userId);
    if (row === undefined) return void res.status(404).json(NOT_FOUND);
    if (row.IsDeleted === true) return void res.status(404).json(ENTITY_IS_DELETED);
    const wanted = typeof req.query.fields === 'string' ? req.query.fields.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
    const fields: FieldDescribe[] = wanted === undefined ? [...describe.fields] : [];
    for (const name of wanted ?? []) {
      const field = fieldOf(describe, name);
      if (!field) return void res.status(400).json([invalidField(name, describe.name)]);
      fields.push(field);
    }
    const body: Record<string, unknown> = {
      attributes: { type: describe.name, url: `/services/data/${String(req.params.version)}/sobjects/${describe.name}/${String(row.Id)}` },
    };
    for (const field of fields) {
      const value = row[field.name] ?? null;
      body[field.name] = field.type === 'datetime' && typeof value === 'string' ? restDatetime(value) : value;
    }
    res.json(body);
  });

  router.patch(`${base}/:id`, json, (req, res, next) => {
    const describe = describeOf(req.params.sobject);
    if (!describe) return next();
    const rows = [{ id: String(req.params.id), fields: req.body }];
    const request = restRequest(res);
    write(
      res,
      () => (describe.name === CHAT_MESSAGE ? dml.updateMessages(rows, request) : dml.updateUsers(rows, request)),
      () => res.status(204).end(),
    );
  });

  router.delete(`${base}/:id`, (req, res, next) => {
    const describe = describeOf(req.params.sobject);
    if (!describe) return next();
    if (describe.name !== CHAT_MESSAGE) return methodNotAllowed(res, 'DELETE', 'GET,PATCH,HEAD');
    write(
      res,
      () => dml.deleteMessages([String(req.params.id)], restRequest(res)),
      () => res.status(204).end(),
    );
  });

  return router;
}

/**
 * A record as a field map, or `undefined` when no record of that object has the id or `userId` may
 * not read it (a message of a room they cannot read: Salesforce answers such a record as missing).
 */
function find(records: OrgRecords, describe: SObjectDescribe, id: string, userId: string): Record<string, unknown> | undefined {
  if (canonicalRecordId(id) === undefined || id.slice(0, 3) !== describe.keyPrefix) return undefined;
  if (describe.name !== CHAT_MESSAGE) return records.user(id) as Record<string, unknown> | undefined;
  const message = records.message(id);
  return (message && messageReaderOf(records, userId)(message) ? message : undefined) as Record<string, unknown> | undefined;
}

/** REST's datetime format: `2026-11-29T10:00:00.000+0000`. */
export function restDatetime(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '+0000');
}

function methodNotAllowed(res: Response, method: string, allowed: string): void {
  res
    .status(405)
    .set('Allow', allowed)
    .json([{ errorCode: 'METHOD_NOT_ALLOWED', message: `HTTP Method '${method}' not allowed. Allowed are ${allowed}` }]);
}
