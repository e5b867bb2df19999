/**
 * Wires one bridge: the Salesforce subscriber logs each event in the store, then feeds it to the
 * socket gateway; the store's retention runs in the background; HTTP serves probes, metrics and the
 * admin API (/admin/api, read-only over the log). Takes its parts as arguments and keeps no globals, so
 * tests start several bridges in one process; only server.ts picks real implementations and listens.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { BridgeConfig } from './config.js';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from './events/contract.js';
import type { CatchUpLog } from './gateway/catch-up.js';
import { createGateway, type Gateway } from './gateway/gateway.js';
import { createOriginMatcher } from './gateway/origins.js';
import { gatewayServerOptions } from './gateway/server-options.js';
import { createTokenClaimsVerifier, createTokenVerifier } from './gateway/token.js';
import { createAdminAuthorizer } from './http/admin/admin-auth.js';
import { adminRoutes } from './http/admin/admin-routes.js';
import { createMetrics, type BridgeMetrics } from './http/metrics.js';
import { createHttpApp } from './http/routes.js';
import type { SalesforceSession } from './salesforce/login.js';
import type { EventStore } from './store/event-store.js';
import type { LegacyReplayPosition } from './store/legacy-replay-file.js';
import { startRetention, type RetentionOptions } from './store/retention.js';
import { createSubscriber, type Subscriber, type SubscriberOptions } from './salesforce/subscriber.js';

/** How long a handshake waits for the bridge's first Salesforce login before it is refused, ms. */
const LOGIN_WAIT_MS = 5_000;

/** Parts a bridge is built from. */
export interface BridgeDeps {
  logger: Logger;
  /** Logs in to Salesforce (or the dev org); called again when the session expires. */
  login: () => Promise<SalesforceSession>;
  /**
   * The event log and replay position; opened (and migrated) by the caller, closed by the caller
   * after {@link Bridge.close} (a bridge restarted in the same process may reuse it).
   */
  store: EventStore;
  /** A replay position from an old `replay.json`, imported at the first login (server.ts reads it). */
  legacyReplay?: LegacyReplayPosition;
  /** Default: a fresh registry ({@link createMetrics}); pass one to share it. */
  metrics?: BridgeMetrics;
  /** Tuning for tests: back-off bounds, watchdog margin, login deadline. */
  subscriber?: Pick<SubscriberOptions, 'backoff' | 'watchdogMarginMs' | 'loginDeadlineMs'>;
  /** Extra routes (the dev org's local preview page) mounted after the probes. */
  routes?: (app: Express) => void;
  /** Tuning for tests: how often and when the log is pruned (the retention itself is configuration). */
  retention?: Pick<RetentionOptions, 'intervalMs' | 'firstAfterMs' | 'batch'>;
}

/** A wired, not yet listening bridge. */
export interface Bridge {
  readonly httpServer: HttpServer;
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
  readonly gateway: Gateway;
  readonly subscriber: Subscriber;
  readonly metrics: BridgeMetrics;
  /** Starts the subscription and listens on `port` (0 = any); resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, disconnects from CometD, lets the last commit finish, closes sockets (not the store). */
  close(): Promise<void>;
}

/**
 * Builds a bridge from its configuration and parts.
 * @throws Error when the token configuration is unusable (e.g. a PEM that is not a key).
 */
export function createBridge(config: BridgeConfig, deps: BridgeDeps): Bridge {
  const { logger, store } = deps;
  const metrics = deps.metrics ?? createMetrics();

  const httpApp = createHttpApp({
    metrics,
    readiness: () => ({
      upstream: subscriber.state(),
      store: store.state(),
      lastReplayId: subscriber.lastReplayId() ?? null,
      sockets: gateway.socketCount(),
    }),
  });
  const isOriginAllowed = createOriginMatcher(config.allowedOrigins);
  httpApp.use(
    adminRoutes({
      audit: store.audit,
      stream: () => {
        const session = subscriber.session();
        return session && { orgId: session.orgId, channel: config.channel };
      },
      // Admin tokens are verified as browser tokens are (same keys, audience, org, lifetime), scopes kept.
      authorize: createAdminAuthorizer((token) => afterFirstLogin(() => verifyClaims(token))),
      isOriginAllowed,
      logger: logger.child({ part: 'admin' }),
    }),
  );
  deps.routes?.(httpApp);
  const httpServer = createServer(httpApp);
  const io = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(
    httpServer,
    gatewayServerOptions(isOriginAllowed),
  );
  // The subscriber's callbacks reach the gateway only once started (in listen()).
  const subscriber = createSubscriber({
    ...deps.subscriber,
    channel: config.channel,
    login: deps.login,
    store,
    legacyReplay: deps.legacyReplay,
    logger: logger.child({ part: 'upstream' }),
    metrics,
    onEvent({ seq, event }) {
      gateway.broadcast({ ...event, seq });
      return gateway.socketCount();
    },
    onResync: (reason) => gateway.resync(reason),
    onStateChange: (state) => gateway.setUpstreamState(state),
  });

  /** The log's identity, read in listen() before any socket can connect. */
  let epoch: string | undefined;
  const catchUpLog: CatchUpLog = {
    epoch: () => epoch!,
    position: () => store.logPosition(),
    // Only this bridge's stream: a store may hold another org's events (dev mode makes a new org per start).
    eventsAfter(afterSeq, limit) {
      const session = subscriber.session();
      return store.eventsAfter(afterSeq, { limit, stream: session && { orgId: session.orgId, channel: config.channel } });
    },
  };

  const tokenOptions = { ...config.token, orgId: () => subscriber.session()?.orgId };
  const verifyToken = createTokenVerifier(tokenOptions);
  const verifyClaims = createTokenClaimsVerifier(tokenOptions);
  /**
   * A token names an org; until the first login the bridge does not know its own. Clients that
   * come the moment a restarted bridge listens wait briefly instead of being refused.
   */
  async function afterFirstLogin<T>(verify: () => Promise<T>): Promise<T> {
    if (!subscriber.session()) {
      const loggedIn = await Promise.race([subscriber.loggedIn(), delay(LOGIN_WAIT_MS, undefined, { ref: false })]);
      if (!loggedIn) throw new Error('not logged in to Salesforce yet'); // sockets: refusal 'internal', retried by the LWC; admin API: 503
    }
    return verify();
  }
  const gateway = createGateway(io, {
    verifyToken: (token) => afterFirstLogin(() => verifyToken(token)),
    isOriginAllowed,
    upstreamState: () => subscriber.state(),
    log: catchUpLog,
    metrics,
    logger: logger.child({ part: 'gateway' }),
    legacyEventNames: config.legacyEventNames,
  });

  let retention: ReturnType<typeof startRetention> | undefined;

  return {
    httpServer,
    io,
    gateway,
    subscriber,
    metrics,
    async listen(port, host) {
      epoch ??= (await store.logPosition()).epoch;
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      // Only once the port is ours: a bridge that cannot listen never subscribes nor prunes.
      subscriber.start();
      retention ??= startRetention(store, { ...deps.retention, retentionHours: config.eventLogRetentionHours, logger: logger.child({ part: 'store' }) });
      return (httpServer.address() as AddressInfo).port;
    },
    async close() {
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await subscriber.stop();
      await retention?.stop();
      await gateway.close();
      await io.close();
      httpServer.closeAllConnections();
      await closed;
    },
  };
}
