/**
 * The admin API alone in a process of its own, over a PostgreSQL store (`DATABASE_URL`), for the
 * CSV memory test: its resident memory is then the export's (the bridge's code path: the real
 * routes, the real authorizer with `CHAT_TOKEN_SECRET`, the real store), not the test client's.
 * Serves `ORG_ID`'s stream on `/event/Chat_Event__e` on 127.0.0.1, prints `{"port":N}` once listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { DEFAULT_CHAT_EVENT_CHANNEL, DEFAULT_TOKEN_AUDIENCE } from '../../../../bridge/events/contract.js';
import { createTokenClaimsVerifier } from '../../../../bridge/gateway/token.js';
import { createAdminAuthorizer } from '../../../../bridge/http/admin/admin-auth.js';
import { adminRoutes } from '../../../../bridge/http/admin/admin-routes.js';
import { openStore } from '../../../../bridge/store/open-store.js';

const logger = pino({ level: 'warn' });
const orgId = process.env.ORG_ID!;
const store = await openStore({ kind: 'postgres', url: process.env.DATABASE_URL! }, logger);
const verify = createTokenClaimsVerifier({ secret: process.env.CHAT_TOKEN_SECRET!, audience: DEFAULT_TOKEN_AUDIENCE, orgId: () => orgId });
const app = express();
app.use(
  adminRoutes({
    audit: store.audit,
    stream: () => ({ orgId, channel: DEFAULT_CHAT_EVENT_CHANNEL }),
    authorize: createAdminAuthorizer(verify),
    isOriginAllowed: () => true,
    logger,
  }),
);
const server = createServer(app).listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void store.close().then(() => process.exit(0));
});
