/**
 * Starts what a user would have running — the embedded dev org and a bridge logged in to it over
 * HTTP — on port 0, and connects real socket.io clients with dev-org-signed tokens. With
 * `{ preview: true }` it is wired exactly as `npm start` wires it (startDevMode: the dev org told
 * where the bridge is, the local preview mounted at `/`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { createBridge, type Bridge } from '../../bridge/app.js';
import { loadConfig, type BridgeConfig } from '../../bridge/config.js';
import { startDevMode, type DevMode } from '../../dev/dev-mode.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../bridge/events/contract.js';
import { signBridgeToken } from '../../dev/org/data/bridge-token.js';
import type { DevOrg, DevOrgOptions } from '../../dev/org/index.js';
import type { PreviewPaths } from '../../dev/preview/paths.js';
import { login } from '../../bridge/salesforce/login.js';

export const TOKEN_SECRET = 'test-secret-test-secret-test-secret!';
export const AUDIENCE = 'sf-chat-bridge';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

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
  /** Starts a new bridge (same replay store) after `bridge.close()`: a restart. */
  restartBridge(): Promise<void>;
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
 * @param tuning - `previewPaths` gives the preview its own cache (an empty one forces a cold build).
 */
export async function startStack(
  env: NodeJS.ProcessEnv = {},
  devOrgOptions: DevOrgOptions = {},
  tuning: { watchdogMarginMs?: number; preview?: boolean; previewPaths?: PreviewPaths } = {},
): Promise<Stack> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const baseConfig = loadConfig({
    CHAT_TOKEN_SECRET: TOKEN_SECRET,
    REPLAY_STORE: join(mkdtempSync(join(tmpdir(), 'bridge-')), 'replay.json'),
    ...env,
  });
  // Wired by dev mode, as `npm start` wires it; the preview is mounted and built only on request.
  const devModeRun = await startDevMode(baseConfig, logger, {
    devOrg: { advisedTimeoutMs: 1_500, clientExpiryMs: 3_000, ...devOrgOptions },
    sessionFile: false,
    previewPaths: tuning.previewPaths,
  });
  const { devOrg, config } = devModeRun;
  const devMode = tuning.preview ? devModeRun : undefined;
  const target = { login: config.salesforce!, loginUrl: config.loginUrl, apiVersion: config.apiVersion };
  const sockets: TestSocket[] = [];
  const build = () =>
    createBridge(config, {
      logger,
      login: () => login(target),
      subscriber: { backoff: { initialMs: 50, maxMs: 400 }, watchdogMarginMs: tuning.watchdogMarginMs ?? 800 },
      routes: devMode?.routes,
    });

  const stack: Stack = {
    devOrg,
    devMode,
    bridge: await build(),
    url: '',
    config,
    async restartBridge() {
      stack.bridge = await build();
      const port = await stack.bridge.listen(Number(new URL(stack.url).port), '127.0.0.1');
      stack.url = `http://127.0.0.1:${port}`;
      await devMode?.announce(stack.url);
    },
    async connect(user = {}, options = {}) {
      const token = await signBridgeToken(
        { userId: user.userId ?? newUserId(), name: user.name ?? 'Test User', orgId: user.orgId ?? devOrg.orgId },
        { secret: TOKEN_SECRET, audience: AUDIENCE },
      );
      const socket: TestSocket = io(stack.url, {
        auth: { token },
        forceNew: true,
        reconnection: false,
        transports: ['websocket'],
        extraHeaders: options.origin ? { origin: options.origin } : undefined,
      });
      sockets.push(socket);
      const received: Array<[string, unknown]> = [];
      socket.onAny((name: string, payload: unknown) => received.push([name, payload]));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return { socket, received, of: <T>(name: string) => received.filter(([n]) => n === name).map(([, p]) => p as T) };
    },
    async publish(type = 'MESSAGE_CREATED', fields = {}) {
      const result = await devOrg.publishEvent({
        Type__c: type,
        Record_Id__c: 'a00000000000001AAA',
        User_Id__c: devOrg.credentials.userId,
        ...fields,
      });
      return result.eventUuid;
    },
    async close() {
      for (const s of sockets) s.close();
      await stack.bridge.close().catch(() => undefined);
      await devModeRun.close();
    },
  };
  const port = await stack.bridge.listen(0, '127.0.0.1');
  stack.url = `http://127.0.0.1:${port}`;
  await devMode?.announce(stack.url);
  return stack;
}
