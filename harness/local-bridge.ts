/**
 * Harness, neither production nor dev tool: a dev org and a bridge logged in to it, both in this process on 127.0.0.1 port 0, wired as
 * `npm start` wires them (startDevMode: JWT bearer login to the dev org over HTTP), plus socket.io
 * clients holding tokens the dev org would issue. The tests' stack (test/helpers/stack.ts) is built
 * on it, adding only what it needs, so the wiring exists once. (The benchmark runs the production
 * build in a process of its own instead: bench/contenders.ts.)
 */
import pino, { type Logger } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { createBridge, type Bridge, type BridgeDeps } from '../bridge/app.js';
import { loadConfig, type BridgeConfig } from '../bridge/config.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../bridge/events/contract.js';
import { login } from '../bridge/salesforce/login.js';
import type { EventStore } from '../bridge/store/event-store.js';
import { openMemoryStore } from '../bridge/store/open-store.js';
import { startDevMode, type DevMode, type DevModeOptions } from '../dev/dev-mode.js';
import { signBridgeToken, type TokenSubject } from '../dev/org/data/bridge-token.js';
import type { DevOrg } from '../dev/org/index.js';

/** A browser's socket, typed by the wire contract. */
export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Options of {@link startLocalBridge}. */
export interface LocalBridgeOptions {
  /** Environment for `loadConfig` (e.g. `CHAT_TOKEN_SECRET`, `ALLOWED_ORIGINS`); default none. */
  env?: NodeJS.ProcessEnv;
  /** Dev org tuning (e.g. a short `advisedTimeoutMs`, so faults show fast). */
  devOrg?: DevModeOptions['devOrg'];
  /** Default silent. */
  logger?: Logger;
  /**
   * The store every bridge started here runs on (a restarted bridge finds what the last one
   * committed, as with a database that outlives the process); the caller closes it. Default: an
   * in-memory PGlite opened here and closed by {@link LocalBridge.close}.
   */
  store?: EventStore;
  /** Subscriber tuning (back-off, watchdog margin). */
  subscriber?: BridgeDeps['subscriber'];
  /** Mounts the local preview at `/` and announces the bridge to the dev org, as `npm start` does. */
  preview?: boolean;
  /** The preview's paths (an empty cache forces a cold build); default the checkout's. */
  previewPaths?: DevModeOptions['previewPaths'];
}

/** A running dev org with a listening bridge logged in to it. */
export interface LocalBridge {
  devOrg: DevOrg;
  /** The dev mode that started the dev org (its preview is mounted only with `preview: true`). */
  devMode: DevMode;
  /** The bridge's configuration (a JWT bearer login to the dev org, a token secret). */
  config: BridgeConfig;
  /** The bridge now listening; replaced by {@link LocalBridge.restartBridge}. */
  bridge: Bridge;
  /** `http://127.0.0.1:PORT` of the bridge. */
  url: string;
  /** The store the bridges run on. */
  store: EventStore;
  /** After `bridge.close()`: starts a new bridge on the same port, on the same store (a restart). */
  restartBridge(): Promise<void>;
  /** A browser token for `subject` (org: the dev org's unless given), signed as the dev org signs them. */
  tokenFor(subject: Omit<TokenSubject, 'orgId'> & { orgId?: string }): Promise<string>;
  /** Closes the bridge (if still open), the store if it opened it, and the dev org. */
  close(): Promise<void>;
}

/**
 * Starts a dev org and a bridge logged in to it, listening on 127.0.0.1 port 0.
 * @throws Error when the configuration (`env`) or the dev org options are invalid.
 */
export async function startLocalBridge(options: LocalBridgeOptions = {}): Promise<LocalBridge> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const devMode = await startDevMode(loadConfig(options.env ?? {}), logger, { devOrg: options.devOrg, sessionFile: false, previewPaths: options.previewPaths });
  const { config, devOrg } = devMode;
  const target = { login: config.salesforce!, loginUrl: config.loginUrl, apiVersion: config.apiVersion };
  const store = options.store ?? (await openMemoryStore(logger));

  const start = async (port: number) => {
    const bridge = createBridge(config, {
      logger,
      login: () => login(target),
      store,
      subscriber: options.subscriber,
      routes: options.preview ? devMode.routes : undefined,
    });
    const url = `http://127.0.0.1:${await bridge.listen(port, '127.0.0.1')}`;
    if (options.preview) await devMode.announce(url);
    return { bridge, url };
  };

  const local: LocalBridge = {
    devOrg,
    devMode,
    config,
    store,
    ...(await start(0)),
    async restartBridge() {
      Object.assign(local, await start(Number(new URL(local.url).port)));
    },
    tokenFor: (subject) =>
      signBridgeToken({ ...subject, orgId: subject.orgId ?? devOrg.orgId }, { secret: config.token.secret!, audience: config.token.audience }),
    async close() {
      await local.bridge.close().catch(() => undefined); // already closed by a restart test
      if (!options.store) await store.close();
      await devMode.close();
    },
  };
  return local;
}

/**
 * Connects a socket.io client to `url` with `token` (websocket only, no automatic reconnection).
 * @param options.origin - `Origin` header to send (the bridge checks it against ALLOWED_ORIGINS).
 * @param options.onCreate - called before connecting, to attach listeners that must not miss the
 *   first events (the bridge sends `bridge:status` right after the handshake).
 * @throws the `connect_error` (e.g. a refused token) when the bridge refuses the handshake.
 */
export async function connectSocket(
  url: string,
  token: string,
  options: { origin?: string; onCreate?: (socket: ChatSocket) => void } = {},
): Promise<ChatSocket> {
  const socket: ChatSocket = io(url, {
    auth: { token },
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: options.origin ? { origin: options.origin } : undefined,
  });
  options.onCreate?.(socket);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  } catch (err) {
    socket.close();
    throw err;
  }
  return socket;
}
