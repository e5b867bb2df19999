/**
 * Helpers only the dev org has, for the local preview page and browser tests (all under `/dev/`):
 * - `GET /dev/users` → the sample users `[{ id, name, firstName, photoUrl, chatActive, permissionSets }]` (no auth);
 * - `GET /dev/records` → the sample records record rooms are about, `[{ id, name, type }]` sorted by
 *   name (no auth; the preview's record page resolves `?record=` with it);
 * - `POST /dev/sessions` `{ userId }` → `{ accessToken, userId, name, orgId, instanceUrl }`, a session
 *   for any user of the org, as if they had logged in (404 for an unknown user);
 * - `GET /dev/photos/<userId>.svg` → the user's avatar (what `SmallPhotoUrl` points to; no auth, as
 *   an `<img>` sends none);
 * - `POST /dev/undelete/<id>` with a session → restores a message from the recycle bin as that user
 *   (REST has no undelete verb), 204, or Salesforce's error array;
 * - `GET /dev/apex-usage` → the Apex calls and rows served so far, per method and per user
 *   ({@link ApexUsageSnapshot}; no auth, like `/dev/users`).
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { newApexRequest, QUIDDITY } from '../data/apex-request.js';
import { DmlError, type Dml } from '../data/dml.js';
import { KEY_PREFIX } from '../data/ids.js';
import { avatarSvg } from '../data/photos.js';
import type { OrgRecords, SampleUser } from '../data/records.js';
import type { ApexUsage, ApexUsageSnapshot } from './apex-usage.js';
import { INVALID_SESSION } from './rest.js';
import { accessTokenFromHeader, type SessionStore } from './sessions.js';

/** One entry of `GET /dev/users`. */
export interface DevUserSummary {
  id: string;
  name: string;
  firstName: string | null;
  photoUrl: string;
  chatActive: boolean;
  /** API names of the user's permission sets (`Chat_User`, `Chat_Auditor`…). */
  permissionSets: string[];
}

/** One entry of `GET /dev/records`. */
export interface DevRecordSummary {
  /** 18-character record id. */
  id: string;
  name: string;
  /** sObject API name (`Account`), as `Id.getSObjectType()` would name it. */
  type: string;
}

/** The sObject of each key prefix sample records are created with (seed.ts: Accounts). */
const SAMPLE_RECORD_TYPES: Readonly<Record<string, string>> = { [KEY_PREFIX.account]: 'Account' };

/**
 * The sample records as `GET /dev/records` lists them: sorted by name (then id), each with its sObject type.
 * @throws Error when a sample record has a key prefix of no known sObject (a seeding mistake).
 */
export function sampleRecordSummaries(records: OrgRecords): DevRecordSummary[] {
  return records
    .sampleRecords()
    .map((record): DevRecordSummary => {
      const type = SAMPLE_RECORD_TYPES[record.Id.slice(0, 3)];
      if (!type) throw new Error(`Sample record ${record.Id} (${record.Name}) has a key prefix of no known sObject`);
      return { id: record.Id, name: record.Name, type };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The answer of `POST /dev/sessions`. */
export interface DevSessionAnswer {
  accessToken: string;
  userId: string;
  name: string;
  orgId: string;
  instanceUrl: string;
}

/** What the helper routes work on. */
export interface DevRoutesDeps {
  url: string;
  orgId: string;
  records: OrgRecords;
  dml: Dml;
  sessions: SessionStore;
  /** The users `GET /dev/users` lists (the sample users, not the integration user). */
  sampleUsers: () => readonly SampleUser[];
  /** The Apex calls the aura routes counted. */
  apexUsage: ApexUsage;
  logger: Logger;
}

/** Routes of the dev-only helpers. */
export function devRoutes(deps: DevRoutesDeps): Router {
  const { records, sessions } = deps;
  const log = deps.logger.child({ module: 'dev-routes' });
  const router = express.Router();

  router.get('/dev/users', (_req, res) => {
    const users = deps.sampleUsers().map(
      (u): DevUserSummary => ({
        id: u.Id,
        name: u.Name,
        firstName: u.FirstName,
        photoUrl: u.SmallPhotoUrl,
        chatActive: u.Chat_Active__c,
        permissionSets: records.permissionSetsOf(u.Id),
      }),
    );
    res.json(users);
  });

  router.get('/dev/records', (_req, res) => {
    res.json(sampleRecordSummaries(records));
  });

  router.post('/dev/sessions', express.json({ limit: 10_000 }), (req, res) => {
    const userId: unknown = (req.body as { userId?: unknown } | undefined)?.userId;
    if (typeof userId !== 'string' || userId === '') {
      res.status(400).json({ message: 'Send { "userId": "<id of a user of this dev org>" }' });
      return;
    }
    const user = records.user(userId);
    if (!user) {
      res.status(404).json({ message: `No user ${userId} in this dev org (GET /dev/users lists them)` });
      return;
    }
    const session = sessions.issue(user.Id);
    log.info({ userId: user.Id }, 'dev session issued');
    const answer: DevSessionAnswer = { accessToken: session.accessToken, userId: user.Id, name: user.Name, orgId: deps.orgId, instanceUrl: deps.url };
    res.json(answer);
  });

  router.get('/dev/apex-usage', (_req, res) => {
    const usage: ApexUsageSnapshot = deps.apexUsage.snapshot();
    res.json(usage);
  });

  router.get('/dev/photos/:file', (req, res) => {
    const match = /^(\w+)\.svg$/.exec(String(req.params.file));
    const user = match ? records.user(match[1]!) : undefined;
    if (!user) {
      res.status(404).type('text/plain').send('No such photo');
      return;
    }
    res.type('image/svg+xml').set('Cache-Control', 'public, max-age=3600').send(avatarSvg(user.Name, user.Id));
  });

  router.post('/dev/undelete/:id', (req, res) => {
    const session = sessions.resolve(accessTokenFromHeader(req.headers.authorization));
    if (!session) {
      res.status(401).json(INVALID_SESSION);
      return;
    }
    try {
      // No REST resource undeletes; the route stands in for anonymous Apex `undelete`.
      deps.dml.undeleteMessages([String(req.params.id)], newApexRequest(session.userId, QUIDDITY.anonymous));
    } catch (err) {
      if (!(err instanceof DmlError)) throw err;
      res.status(err.status).json(err.errors);
      return;
    }
    res.status(204).end();
  });

  return router;
}
