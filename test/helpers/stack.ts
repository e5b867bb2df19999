/**
 * Starts what a user would have running — the embedded dev org and a bridge logged in to it over
 * HTTP (dev/local-bridge.ts, wired as `npm start` wires it) — on port 0, and connects real socket.io
 * clients with dev-org-signed tokens, recording what each receives. With `{ preview: true }` the
 * local preview is mounted at `/` and the dev org is told where the bridge is.
 */
import pino from 'pino';
import type { Bridge } from '../../bridge/app.js';
import type { BridgeConfig } from '../../bridge/config.js';
import type { EventStore } from '../../bridge/store/event-store.js';
import type { DevMode } from '../../dev/dev-mode.js';
import { connectSocket, startLocalBridge, type ChatSocket } from '../../harness/local-bridge.js';
import type { DevOrg, DevOrgOptions } from '../../dev/org/index.js';
import type { PreviewPaths } from '../../dev/preview/paths.js';
import { sharedMemoryStore } from './stores.js';

export const TOKEN_SECRET = 'test-secret-test-secret-test-secret!';
export const AUDIENCE = 'sf-chat-bridge';

export type TestSocket = ChatSocket;

/** A socket plus everything it received, in order. */
export interface Watcher {
  socket: TestSocket;
  /** Every event as [name, payload]. */
  received: Array<[string, unknown]>;
  /** Payloads of one event name. */
  of<T = unknown>(name: string): T[];
}

export interface Stack {
  devOrg: DevOrg;
  /** Set with `{ preview: true }`: the dev mode `npm start` runs (preview routes, setBridge). */
  devMode: DevMode | undefined;
  bridge: Bridge;
  url: string;
  config: BridgeConfig;
  /** The store the stack's bridges run on. */
  store: EventStore;
  /** Starts a new bridge (same store) after `bridge.close()`: a restart. */
  restartBridge(): Promise<void>;
  /** A browser token for `userId` (default a fresh one) in the stack's org. */
  tokenFor(userId?: string): Promise<string>;
  /** Connects an authenticated socket and waits for `connect`. */
  connect(user?: { userId?: string; name?: string; orgId?: string }, options?: { origin?: string }): Promise<Watcher>;
  /** Publishes a valid event through the dev org; returns its EventUuid. */
  publish(type?: string, fields?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

let userCounter = 0;
/** A fresh 18-character user id per call. */
export const newUserId = () => `005${String(++userCounter).padStart(12, '0')}AAA`;

/**
 * @param env - extra environment for loadConfig (e.g. ALLOWED_ORIGINS).
 * @param devOrgOptions - dev org tuning; defaults use a short advised timeout so faults show fast.
 * @param tuning.previewPaths - the preview's own cache (an empty one forces a cold build).
 * @param tuning.store - the store (e.g. on a real PostgreSQL server); default this test file's
 *   in-memory PGlite ({@link sharedMemoryStore}), shared by its stacks: each stack's dev org is an
 *   org of its own, so they never see each other's replay position. Never closed by the stack.
 */
export async function startStack(
  env: NodeJS.ProcessEnv = {},
  devOrgOptions: DevOrgOptions = {},
  tuning: { watchdogMarginMs?: number; preview?: boolean; previewPaths?: PreviewPaths; store?: EventStore } = {},
): Promise<Stack> {
  const local = await startLocalBridge({
    env: { CHAT_TOKEN_SECRET: TOKEN_SECRET, ...env },
    devOrg: { advisedTimeoutMs: 1_500, clientExpiryMs: 3_000, ...devOrgOptions },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    store: tuning.store ?? (await sharedMemoryStore()),
    subscriber: { backoff: { initialMs: 50, maxMs: 400 }, watchdogMarginMs: tuning.watchdogMarginMs ?? 800 },
    preview: tuning.preview,
    previewPaths: tuning.previewPaths,
  });
  const sockets: TestSocket[] = [];

  return {
    devOrg: local.devOrg,
    devMode: tuning.preview ? local.devMode : undefined,
    get bridge() {
      return local.bridge;
    },
    get url() {
      return local.url;
    },
    config: local.config,
    store: local.store,
    restartBridge: () => local.restartBridge(),
    tokenFor: (userId = newUserId()) => local.tokenFor({ userId, name: 'Test User' }),
    async connect(user = {}, options = {}) {
      const token = await local.tokenFor({ userId: user.userId ?? newUserId(), name: user.name ?? 'Test User', orgId: user.orgId });
      const received: Array<[string, unknown]> = [];
      const socket = await connectSocket(local.url, token, {
        origin: options.origin,
        onCreate(s) {
          sockets.push(s);
          s.onAny((name: string, payload: unknown) => received.push([name, payload]));
        },
      });
      return { socket, received, of: <T>(name: string) => received.filter(([n]) => n === name).map(([, p]) => p as T) };
    },
    async publish(type = 'MESSAGE_CREATED', fields = {}) {
      const result = await local.devOrg.publishEvent({
        Type__c: type,
        Record_Id__c: 'a00000000000001AAA',
        User_Id__c: local.devOrg.credentials.userId,
        ...fields,
      });
      return result.eventUuid;
    },
    async close() {
      for (const s of sockets) s.close();
      await local.close();
    },
  };
}
