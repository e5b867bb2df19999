/**
 * Dev mode: with no Salesforce credentials outside production, the bridge runs on the embedded dev
 * org (dev/org), logging in to it over HTTP with the OAuth JWT bearer flow exactly as it would
 * to a real org. The dev org's coordinates are written to a small file so the command-line tools
 * (publish-event, watch) in another terminal can reach the same org and mint browser tokens.
 *
 * Dev mode also serves the local preview (dev/preview) at `/`: the real websocketChat LWC talking
 * to the dev org for Apex and to this bridge for the socket. The preview is imported dynamically, so
 * the production path (credentials set) never loads it or its dev-only build toolchain.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { BridgeConfig } from '../bridge/config.js';
import type { DevModeModule, RunningDevMode } from '../bridge/dev-mode-port.js';
import { startDevOrg, type DevOrg, type DevOrgOptions } from './org/index.js';
import type { Preview } from './preview/index.js';
import type { PreviewPaths } from './preview/paths.js';

/** Where dev mode writes its coordinates (git-ignored). */
export const DEV_SESSION_FILE = '.data/dev-session.json';

/** What the command-line tools need to reach a running dev-mode bridge and its dev org. */
export interface DevSession {
  /** Bridge URL, e.g. http://localhost:3000. */
  bridgeUrl: string;
  /** Dev org URL (login and instance URL). */
  devOrgUrl: string;
  orgId: string;
  apiVersion: string;
  /** Connected app of the dev org (client credentials flow for the CLI). */
  clientId: string;
  clientSecret: string;
  /** HS256 secret browser tokens are signed with. */
  tokenSecret: string;
  audience: string;
  /** Process that wrote the file; only it replaces or removes the file while it runs. */
  pid: number;
}

/** A started dev org and the configuration that points the bridge at it. */
export interface DevMode extends RunningDevMode {
  devOrg: DevOrg;
  /** The input configuration with a JWT bearer login to the dev org and a token secret. */
  config: BridgeConfig;
  /** The local preview's routes: pass as `createBridge(config, { routes })`. */
  routes: (app: Express) => void;
  /** The local preview (tests await `preview.ready()`). */
  preview: Preview;
  /**
   * Once the bridge listens: tells the dev org where the bridge is and how to sign its tokens
   * (`getBridgeConnection`), starts the preview build if the cache lacks it, and writes
   * {@link DEV_SESSION_FILE}. Call again after a restart of the bridge.
   */
  announce(bridgeUrl: string): Promise<DevSession>;
  close(): Promise<void>;
}

/** Test seams of {@link startDevMode}; `npm start` uses the defaults. */
export interface DevModeOptions {
  /** Dev org tuning (short CometD timeouts in tests). */
  devOrg?: Omit<DevOrgOptions, 'apiVersion' | 'logger'>;
  /** Where to write the {@link DevSession}; `false` writes none. Default {@link DEV_SESSION_FILE}. */
  sessionFile?: string | false;
  /** Preview paths (tests keep the default cache, so one bundle serves every run). */
  previewPaths?: PreviewPaths;
}

/**
 * Starts the embedded dev org and derives the bridge configuration for it.
 * Generates a random `CHAT_TOKEN_SECRET` when none is set.
 */
export async function startDevMode(config: BridgeConfig, logger: Logger, options: DevModeOptions = {}): Promise<DevMode> {
  const devOrg = await startDevOrg({
    ...options.devOrg,
    apiVersion: config.apiVersion,
    logger: logger.child({ part: 'dev-org' }),
  });
  const sessionFile = options.sessionFile ?? DEV_SESSION_FILE;
  const tokenSecret = config.token.secret ?? randomBytes(32).toString('base64url');
  const { clientId, username, privateKeyPem } = devOrg.credentials;
  const devConfig: BridgeConfig = {
    ...config,
    loginUrl: devOrg.url,
    salesforce: { flow: 'jwt-bearer', clientId, username, privateKeyPem },
    token: { ...config.token, secret: tokenSecret },
  };
  const { createPreview } = await import('./preview/index.js');
  const preview = createPreview({ devOrgUrl: devOrg.url, logger, paths: options.previewPaths });
  return {
    devOrg,
    config: devConfig,
    routes: preview.routes,
    preview,
    async announce(bridgeUrl) {
      devOrg.setBridge({ url: bridgeUrl, tokenSecret, audience: config.token.audience });
      preview.start(bridgeUrl);
      const session: DevSession = {
        bridgeUrl,
        devOrgUrl: devOrg.url,
        orgId: devOrg.orgId,
        apiVersion: devOrg.apiVersion,
        clientId,
        clientSecret: devOrg.credentials.clientSecret,
        tokenSecret,
        audience: config.token.audience,
        pid: process.pid,
      };
      if (sessionFile) {
        const owner = await liveOwner(sessionFile);
        if (owner === undefined || owner === process.pid) {
          await mkdir(dirname(sessionFile), { recursive: true });
          await writeFile(sessionFile, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
        } else {
          logger.warn({ sessionFile, owner }, 'dev mode: another dev-mode bridge owns the session file; the CLI tools talk to that one');
        }
      }
      return session;
    },
    banner: (bridgeUrl) => devBanner(bridgeUrl, devOrg, devConfig.channel),
    async close() {
      if (sessionFile && (await liveOwner(sessionFile)) === process.pid) await rm(sessionFile, { force: true });
      await devOrg.close();
    },
  };
}

/** What `npm start` prints once the bridge listens on the dev org. */
function devBanner(bridgeUrl: string, devOrg: DevOrg, channel: string): string {
  const line = '─'.repeat(72);
  return [
    line,
    ' sf-chat-bridge is running on the EMBEDDED DEV ORG (no Salesforce credentials set)',
    ` bridge          ${bridgeUrl}`,
    ` dev org         ${devOrg.url}  (org ${devOrg.orgId})`,
    ` local preview   ${bridgeUrl}/  (the websocketChat LWC; open two tabs as two users)`,
    ` channel         ${channel}`,
    ' watch events    npm run watch',
    ' publish event   npm run publish-event -- --type MESSAGE_CREATED',
    ' real org        set SF_* variables (see README "Point it at a real org")',
    line,
    '',
  ].join('\n');
}

/** The pid in a session file if that process is still running, else undefined. */
async function liveOwner(file: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = (JSON.parse(await readFile(file, 'utf8')) as Partial<DevSession>).pid ?? NaN;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid)) return undefined;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * Reads the coordinates of the running dev-mode bridge.
 * @throws Error telling the user to run `npm start` when no dev-mode bridge is running.
 */
export async function readDevSession(): Promise<DevSession> {
  try {
    return JSON.parse(await readFile(DEV_SESSION_FILE, 'utf8')) as DevSession;
  } catch (err) {
    throw new Error(`No dev-mode bridge found (${DEV_SESSION_FILE}): start one with \`npm start\` first`, {
      cause: err,
    });
  }
}

// Compile-time check that this module is what the production entry loads (dynamically).
void ({ startDevMode } satisfies DevModeModule);
