/**
 * The embedded dev org: a local HTTP server that speaks Salesforce's OAuth, SOAP login, REST and
 * Streaming API (CometD long-polling) protocols, so the production subscriber (jsforce + faye) runs
 * against it over real HTTP, unchanged, with no Salesforce org. Every dev org has its own ids,
 * secrets, sessions, events and clients; several can run in one process.
 *
 * It also has the Salesforce data side the chat component needs (data-side.ts): sample users and
 * messages, the chat triggers (writes publish `Chat_Event__e`), the REST sObject API, ChatController
 * over HTTP (`/dev/apex/ChatController/<method>`) and dev helpers under `/dev/`.
 *
 * This module wires the parts and owns the server's life: options → identity → sessions, event
 * log, CometD endpoint, listen → data side, routes. Tests drive faults through {@link DevOrg.faults}.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { isServedApiVersion } from './protocol/api-versions.js';
import type { StoredChatEvent } from './data/chat-event.js';
import { ApexUsage, type ApexUsageSnapshot } from './protocol/apex-usage.js';
import { createCometdEndpoint, isCometdPath, type Observations } from './protocol/cometd.js';
import { createDataSide, type BridgeSettings, type DevOrgData } from './data/data-side.js';
import { createEventBus, type PublishResult } from './data/event-bus.js';
import { EventLog } from './protocol/event-log.js';
import { FaultSwitches } from './protocol/fault-switches.js';
import { createHttpApp } from './protocol/http-app.js';
import { installHttpGate } from './protocol/http-gate.js';
import { createOrgIdentity } from './data/identity.js';
import type { OrgContext } from './protocol/org-context.js';
import { SessionStore } from './protocol/sessions.js';

export { BAYEUX_ERROR, invalidReplayId, channelDoesNotExist, replayIdMissing } from './protocol/bayeux-errors.js';
export { PublishRejectedError, type PublishResult } from './data/event-bus.js';
export type { Observations, SubscribeAttempt } from './protocol/cometd.js';
export type { ApexMethodUsage, ApexUsageSnapshot } from './protocol/apex-usage.js';
export type { BridgeSettings, DevOrgData } from './data/data-side.js';
export { DmlError } from './data/dml.js';
export type { ChatMessageRecord, SampleUser } from './data/records.js';

/** Options of {@link startDevOrg}. */
export interface DevOrgOptions {
  /** TCP port; default 0 (any free port; tests always use 0). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Newest API version, default `62.0`; `/cometd/<v>` and `/services/data/v<v>` are served for any v ≥ 37.0. */
  apiVersion?: string;
  /** CometD `advice.timeout` of handshake/connect, and how long a /meta/connect is held, ms; default 110 000. */
  advisedTimeoutMs?: number;
  /** A client with no /meta/connect for this long (after its last one ended) is forgotten → `403::Unknown client`, ms; default 40 000. */
  clientExpiryMs?: number;
  /** How long events stay replayable, ms; default 72 h. */
  retentionMs?: number;
  /** Parent logger; default silent. Each part logs through a child (`module`). Tokens are never logged. */
  logger?: Logger;
}

/** Faults a real org produces, injected on demand. */
export interface DevOrgFaults {
  /** Every access token issued so far becomes invalid (a revoked or expired session). */
  expireSessions(): void;
  /** Drops every CometD client now: their next request gets `403::Unknown client`, `advice.reconnect: 'handshake'`. */
  forgetClients(): void;
  /** Keeps only the newest `keepLast` events; replaying from older replay ids fails. */
  trimRetention(keepLast: number): void;
  /** While on, handshake/connect/subscribe answer `403::Organization total events daily limit exceeded`. */
  dailyLimit(on: boolean): void;
  /** The next `requests` Bayeux messages answer `503::Server is too busy`. */
  busy(requests: number): void;
  /** While on, /meta/connect requests are held and never answered (the client must notice by itself). */
  stallConnects(on: boolean): void;
  /**
   * While on, new TCP connections are destroyed as soon as they are accepted (clients see ECONNRESET).
   * Turning it on also drops every open connection, held long-polls included, as a network failure would.
   */
  refuseConnections(on: boolean): void;
  /** Delivers an arbitrary `data` on `/event/Chat_Event__e` to live subscribers (not retained, no checks). */
  publishRaw(data: unknown): void;
}

/** The credentials of the dev org's connected app and integration user. */
export interface DevOrgCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  /**
   * PKCS#8 PEM of the key whose certificate is on the connected app (JWT bearer). The RSA key is
   * generated on first read (synchronously, 0.1–0.3 s).
   */
  readonly privateKeyPem: string;
  /** 18-character `005…` id of the integration user. */
  userId: string;
}

/** A running dev org. */
export interface DevOrg {
  /** `http://127.0.0.1:PORT`: login URL and instance URL. */
  readonly url: string;
  /** 18-character `00D…` org id. */
  readonly orgId: string;
  readonly apiVersion: string;
  readonly credentials: DevOrgCredentials;
  /** A valid session id for the integration user, as `sf org display` would give (SF_ACCESS_TOKEN). */
  issueAccessToken(): string;
  /**
   * Publishes `Chat_Event__e` exactly as REST publish does (same checks, same delivery).
   * @param options.createdById - `CreatedById` of the event; default the integration user.
   * @throws PublishRejectedError with the REST errors when the fields are refused.
   */
  publishEvent(fields: Record<string, unknown>, options?: { createdById?: string }): Promise<PublishResult>;
  /**
   * Sets what `ChatController.getBridgeConnection` answers (`url`) and signs its token with (HS256
   * `tokenSecret`, `audience`, optional `tokenLifetimeSeconds`, default 300). Until called, that
   * method fails as Apex does without a Chat Bridge Setting. Call again to change.
   * @throws Error naming every invalid setting.
   */
  setBridge(settings: BridgeSettings): void;
  /** The org's records: sample users, messages, sessions for users, undelete. */
  readonly data: DevOrgData;
  /** What subscribers did, for assertions. */
  readonly observed: Observations;
  /** The `ChatController` calls served over the Apex routes so far, and the rows they returned (also `GET /dev/apex-usage`). */
  apexUsage(): ApexUsageSnapshot;
  readonly faults: DevOrgFaults;
  /** Closes everything, held long-polls included, promptly. Idempotent. */
  close(): Promise<void>;
}

const HOUR_MS = 3_600_000;

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  apiVersion: z
    .string()
    .refine(isServedApiVersion, 'must be written like 62.0 and be 37.0 or later')
    .default('62.0'),
  advisedTimeoutMs: z.number().int().positive().default(110_000),
  clientExpiryMs: z.number().int().positive().default(40_000),
  retentionMs: z.number().int().positive().default(72 * HOUR_MS),
});

/**
 * Starts a dev org listening on `host:port`.
 * @throws Error naming every invalid option; or the listen error (e.g. EADDRINUSE).
 */
export async function startDevOrg(options: DevOrgOptions = {}): Promise<DevOrg> {
  const { logger: parentLogger, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) throw new Error(`Invalid dev org options: ${z.prettifyError(parsed.error)}`);
  const settings = parsed.data;
  const logger = parentLogger ?? pino({ level: 'silent' });
  const log = logger.child({ module: 'dev-org' });

  const identity = createOrgIdentity();
  const sessions = new SessionStore(identity.orgId);
  const events = new EventLog<StoredChatEvent>({ retentionMs: settings.retentionMs });
  const switches = new FaultSwitches();
  const cometd = createCometdEndpoint({
    apiVersion: settings.apiVersion,
    advisedTimeoutMs: settings.advisedTimeoutMs,
    clientExpiryMs: settings.clientExpiryMs,
    sessions,
    log: events,
    switches,
    logger,
  });
  const bus = createEventBus({ log: events, deliver: (event) => cometd.deliver(event), logger });

  const server = createServer();
  const url = await listen(server, settings.port, settings.host);
  const org: OrgContext = { url, apiVersion: settings.apiVersion, identity, sessions };
  const dataSide = createDataSide({ url, identity, issueSession: (userId) => sessions.issue(userId).accessToken }, bus, logger);
  const apexUsage = new ApexUsage();
  server.on('request', createHttpApp(org, bus, dataSide, apexUsage, logger));
  cometd.attach(server);
  installHttpGate(server, { refusing: () => switches.refuseConnections, isCometdPath });
  log.info({ url, orgId: identity.orgId }, 'dev org listening');

  let closing: Promise<void> | undefined;
  const { user, app } = identity;
  /** A fault switch that logs what was injected (the arguments too, unless `withArgs` is false). */
  const logged =
    <A extends unknown[]>(fault: string, apply: (...args: A) => void, withArgs = true) =>
    (...args: A): void => {
      log.info({ fault, ...(withArgs ? { args } : {}) }, 'fault injected');
      apply(...args);
    };

  return {
    url,
    orgId: identity.orgId,
    apiVersion: settings.apiVersion,
    credentials: {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      username: user.username,
      password: user.password,
      get privateKeyPem() {
        return app.privateKeyPem;
      },
      userId: user.id,
    },
    issueAccessToken: () => sessions.issue(user.id).accessToken,
    publishEvent: async (fields, publishOptions) => bus.publish(fields, publishOptions?.createdById ?? user.id),
    setBridge: (bridgeSettings) => dataSide.setBridge(bridgeSettings),
    data: dataSide.api,
    observed: cometd.observed,
    apexUsage: () => apexUsage.snapshot(),
    faults: {
      expireSessions: logged('expireSessions', () => sessions.expireAll()),
      forgetClients: logged('forgetClients', () => cometd.forgetClients()),
      trimRetention: logged('trimRetention', (keepLast: number) => events.trim(keepLast)),
      dailyLimit: logged('dailyLimit', (on: boolean) => {
        switches.dailyLimit = on;
      }),
      busy: logged('busy', (requests: number) => switches.setBusy(requests)),
      stallConnects: logged('stallConnects', (on: boolean) => {
        switches.stallConnects = on;
      }),
      refuseConnections: logged('refuseConnections', (on: boolean) => {
        switches.refuseConnections = on;
        if (on) server.closeAllConnections();
      }),
      publishRaw: logged('publishRaw', (data: unknown) => cometd.deliverRaw(data), false),
    },
    close() {
      closing ??= (async () => {
        cometd.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        log.info({ url }, 'dev org closed');
      })();
      return closing;
    },
  };
}

/** Listens and returns the URL clients use (`http://host:port`, IPv6 hosts in brackets). */
async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actualPort } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${actualPort}`;
}
