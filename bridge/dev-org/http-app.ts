/**
 * The dev org's HTTP routes in one express app: CORS for browser pages, OAuth and identity, SOAP
 * login, REST (with the record resources of the data side), and the dev-only routes (Apex endpoints,
 * helpers). CometD is not among them: faye's adapter takes `/cometd/…` before express sees it.
 */
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { DataSide } from './data-side.js';
import type { EventBus } from './event-bus.js';
import { oauthRoutes } from './oauth.js';
import type { OrgContext } from './org-context.js';
import { NOT_FOUND, restErrorHandler, restRoutes } from './rest.js';
import { soapRoutes } from './soap.js';

/** Builds the express app of one dev org. */
export function createHttpApp(org: OrgContext, bus: EventBus, data: DataSide, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(data.routes.cors);
  app.use(oauthRoutes(org, logger));
  app.use(soapRoutes(org, logger));
  app.use(restRoutes(org, bus, logger, data.routes.records));
  app.use(data.routes.apex);
  app.use(data.routes.dev);
  app.use((_req, res) => {
    res.status(404).json(NOT_FOUND);
  });
  app.use(restErrorHandler(logger));
  return app;
}
