/**
 * Wires one bridge: the Salesforce subscriber logs each event in the store, then feeds it to the
 * socket gateway; the store's retention runs in the background; HTTP serves probes, metrics and the
 * admin API (/admin/api, read-only over the log). Takes its parts as arguments and keeps no globals, so
 * tests start several bridges in one process; only server.ts picks real implementations and listens.
 *
 * With `REDIS_URL` the bridge is one node of a cluster (bridge/cluster/): the subscriber runs only
 * while this node leads, for one leadership term at a time; it tells every node what it logged, and
 * each node's feed (gateway/feed.ts) delivers the log to its own sockets, in order.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { hostname } from 'node:os';
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
  UpstreamState,
} from './events/contract.js';
import { createLease } from './cluster/lease.js';
import { createClusterNode, type ClusterNode } from './cluster/node.js';
import { createRedisNode } from './cluster/redis-node.js';
import type { CatchUpLog } from './gateway/catch-up.js';
import { createFeed, type Feed } from './gateway/feed.js';
import { createGateway, type Gateway } from './gateway/gateway.js';
import { createOriginMatcher } from './gateway/origins.js';
import { gatewayServerOptions } from './gateway/server-options.js';
import { createTokenClaimsVerifier, createTokenVerifier } from './gateway/token.js';
import { createAdminAuthorizer } from './http/admin/admin-auth.js';
import { adminRoutes } from './http/admin/admin-routes.js';
import { createMetrics, showUpstreamState, type BridgeMetrics } from './http/metrics.js';
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
  /** The CometD subscriber; in a cluster, only while this node leads. */
  readonly subscriber: Subscriber | undefined;
  /** Set in a cluster (`REDIS_URL`): this node's role and leader. */
  readonly cluster: ClusterNode | undefined;
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
      upstream: upstreamState(),
      store: store.state(),
      lastReplayId: currentSubscriber()?.lastReplayId() ?? null,
      sockets: gateway.socketCount(),
      ...(node && { cluster: { node: nodeId, role: node.role(), leader: node.leader()?.node ?? null } }),
    }),
  });
  const isOriginAllowed = createOriginMatcher(config.allowedOrigins);
  httpApp.use(
    adminRoutes({
      audit: store.audit,
      stream: () => stream(),
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
    gatewayServerOptions(),
  );
  const subscriberOptions: SubscriberOptions = {
    ...deps.subscriber,
    channel: config.channel,
    login: deps.login,
    store,
    legacyReplay: deps.legacyReplay,
    logger: logger.child({ part: 'upstream' }),
    metrics,
    onEvent({ seq, event }) {
      return gateway.broadcast({ ...event, seq });
    },
    onResync: (reason) => gateway.resync(reason),
    onStateChange: (state) => showUpstream(state),
  };
  // The subscriber's callbacks reach the gateway only once started (in listen()).
  const subscriber = config.cluster ? undefined : createSubscriber(subscriberOptions);

  // --- cluster (REDIS_URL): a node that subscribes only while it leads, and a feed from the log ---
  const nodeId = `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
  const redis = config.cluster && createRedisNode(config.cluster.redisUrl, config.cluster.leaseMs, logger);
  redis?.attach(io);
  /** The org logged in to (a follower: the org its leader named), once known. */
  const orgId = () => (node ? node.orgId() : subscriber!.session()?.orgId);
  /** Only this bridge's stream: a store may hold another org's events (dev mode makes a new org per start). */
  const stream = () => {
    const id = orgId();
    return id === undefined ? undefined : { orgId: id, channel: config.channel };
  };
  const feed: Feed | undefined = config.cluster && createFeed({
    log: { position: () => store.logPosition(), eventsAfter: (afterSeq, limit) => store.eventsAfter(afterSeq, { limit, stream: stream() }) },
    deliver: (event) => gateway.broadcast(event),
    onLag: (lag) => metrics.clusterLogLag.set(lag),
    logger: logger.child({ part: 'feed' }),
  });
  let legacyReplay = deps.legacyReplay; // imported by the first term's subscriber only
  const node: ClusterNode | undefined = config.cluster && redis && createClusterNode({
    nodeId,
    leaseMs: config.cluster.leaseMs,
    lease: (onLost) => createLease({ redis: redis.lease, leaseMs: config.cluster!.leaseMs, onLost }),
    takeLeadership: (id) => store.takeLeadership(id),
    lead(term, onFenced) {
      const leading = createSubscriber({
        ...subscriberOptions,
        legacyReplay,
        term,
        onFenced,
        onEvent(logged, afterSeq) {
          feed!.notify(logged, afterSeq);
          io.serverSideEmit('cluster:logged', { ...logged.event, seq: logged.seq }, afterSeq);
          return gateway.socketCount();
        },
        onResync(reason) {
          gateway.resync(reason);
          io.serverSideEmit('cluster:resync', reason);
        },
        onStateChange: () => node!.upstreamChanged(),
      });
      legacyReplay = undefined;
      leading.start();
      return leading;
    },
    announce: (notice) => io.serverSideEmit('cluster:leader', notice),
    onUpstreamChange: () => showUpstream(node!.upstreamState()),
    metrics,
    logger,
  });
  if (node && feed) {
    // From the other nodes, through the adapter. Trusted peers, but a bad message must not throw here.
    io.on('cluster:logged', (event, afterSeq) => {
      if (typeof event?.seq !== 'number' || typeof afterSeq !== 'number') return;
      const { seq, ...chatEvent } = event;
      feed.notify({ seq, event: chatEvent }, afterSeq);
    });
    io.on('cluster:leader', (notice) => {
      if (typeof notice?.node === 'string' && typeof notice.term === 'number') node.heard(notice);
    });
    io.on('cluster:resync', (reason) => gateway.resync(reason));
  }
  const currentSubscriber = () => (node ? node.subscriber() : subscriber);
  const upstreamState = () => (node ? node.upstreamState() : subscriber!.state());
  /** The upstream as this bridge sees it (a follower: its leader's), in /metrics and to the sockets; /readyz reads it too. */
  function showUpstream(state: UpstreamState): void {
    showUpstreamState(metrics, state);
    gateway.setUpstreamState(state);
  }
  showUpstreamState(metrics, upstreamState());

  /** The log's identity, read in listen() before any socket can connect. */
  let epoch: string | undefined;
  const catchUpLog: CatchUpLog = {
    epoch: () => epoch!,
    // In a cluster, this node's feed may lag the log by a notice: the catch-up waits until it has
    // delivered through the log's end, so the live events after the seam are exactly the later ones.
    position: feed
      ? async () => {
          const position = await store.logPosition();
          await feed.reached(position.latestSeq);
          return position;
        }
      : async () => {
          // One bridge: the subscriber hands a commit's events to the sockets one per event-loop
          // turn, so the log's end may be ahead of what was broadcast. Catching up through the log's
          // end would send those events twice (caught up, then live): read only what was forwarded.
          const position = await store.logPosition();
          const forwarded = subscriber!.forwardedThrough();
          return forwarded === undefined || forwarded >= position.latestSeq ? position : { ...position, latestSeq: forwarded };
        },
    eventsAfter: (afterSeq, limit) => store.eventsAfter(afterSeq, { limit, stream: stream() }),
  };

  const tokenOptions = { ...config.token, orgId };
  const verifyToken = createTokenVerifier(tokenOptions);
  const verifyClaims = createTokenClaimsVerifier(tokenOptions);
  /**
   * A token names an org; until the first login the bridge does not know its own (a follower:
   * until the leader says). Clients that come the moment a restarted bridge listens wait briefly
   * instead of being refused.
   */
  function afterFirstLogin<T>(verify: () => Promise<T>): Promise<T> {
    // Logged in (every handshake but the first few after a start): verify at once, with no promise
    // of this function's own around the verifier's — a connect storm pays each one per socket.
    return orgId() ? verify() : firstLogin().then(verify);
  }
  async function firstLogin(): Promise<void> {
    const known = node ? node.orgKnown() : subscriber!.loggedIn();
    const loggedIn = await Promise.race([known, delay(LOGIN_WAIT_MS, undefined, { ref: false })]);
    if (!loggedIn) throw new Error('not logged in to Salesforce yet'); // sockets: refusal 'internal', retried by the LWC; admin API: 503
  }
  const gateway = createGateway(io, {
    verifyToken: (token) => afterFirstLogin(() => verifyToken(token)),
    isOriginAllowed,
    upstreamState,
    log: catchUpLog,
    metrics,
    logger: logger.child({ part: 'gateway' }),
    legacyEventNames: config.legacyEventNames,
    clusterNode: node !== undefined,
  });

  let retention: ReturnType<typeof startRetention> | undefined;

  return {
    httpServer,
    io,
    gateway,
    get subscriber() {
      return currentSubscriber();
    },
    cluster: node,
    metrics,
    async listen(port, host) {
      epoch ??= (await store.logPosition()).epoch;
      await feed?.start();
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      // Only once the port is ours: a bridge that cannot listen never subscribes nor prunes.
      subscriber?.start();
      node?.start();
      retention ??= startRetention(store, { ...deps.retention, retentionHours: config.eventLogRetentionHours, logger: logger.child({ part: 'store' }) });
      return (httpServer.address() as AddressInfo).port;
    },
    async close() {
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await subscriber?.stop();
      await node?.stop(); // releases the lease: another node leads at once
      feed?.stop();
      await retention?.stop();
      await gateway.close();
      await io.close();
      await redis?.close();
      httpServer.closeAllConnections();
      await closed;
    },
  };
}
