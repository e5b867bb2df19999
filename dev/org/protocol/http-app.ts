/**
 * The dev org's HTTP routes in one express app: CORS for browser pages, OAuth and identity, SOAP
 * login, REST (with the record resources of the data side), and the dev-only routes (Apex endpoints,
 * helpers). CometD is not among them: faye's adapter takes `/cometd/…` before express sees it.
 */
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { DataSide } from '../data/data-side.js';
import type { EventBus } from '../data/event-bus.js';
import { auraRoutes } from './aura-routes.js';
import type { ApexUsage } from './apex-usage.js';
import { loopbackCors } from './cors.js';
import { devRoutes } from './dev-routes.js';
import { oauthRoutes } from './oauth.js';
import type { OrgContext } from './org-context.js';
import { NOT_FOUND, restErrorHandler, restRoutes } from './rest.js';
import { soapRoutes } from './soap.js';
import { sobjectRecordRoutes } from './sobject-rest.js';

/** Builds the express app of one dev org. */
export function createHttpApp(org: OrgContext, bus: EventBus, data: DataSide, apexUsage: ApexUsage, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  const { records, dml, apexClasses, sampleUsers } = data;
  app.use(loopbackCors());
  app.use(oauthRoutes(org, logger));
  app.use(soapRoutes(org, logger));
  app.use(restRoutes(org, bus, logger, sobjectRecordRoutes(records, dml, logger)));
  app.use(auraRoutes(apexClasses, org.sessions, apexUsage, logger));
  app.use(devRoutes({ url: org.url, orgId: org.identity.orgId, records, dml, sessions: org.sessions, sampleUsers, apexUsage, logger }));
  app.use((_req, res) => {
    res.status(404).json(NOT_FOUND);
  });
  app.use(restErrorHandler(logger));
  return app;
}
