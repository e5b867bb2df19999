/**
 * Dev mode: with no Salesforce credentials outside production, the bridge runs on the embedded dev
 * org (dev/org), logging in to it over HTTP with the OAuth JWT bearer flow exactly as it would
 * to a real org. The dev org's coordinates are written to this process's entry in
 * {@link DEV_SESSIONS_DIR} so the command-line tools (publish-event, watch) in another terminal can
 * reach the same org and mint browser tokens.
 *
 * The dev org is new at every start, with an org id of its own, and the bridge's store keys the
 * replay position by org id and channel: so dev mode runs on the same store as production (the
 * embedded database in `.data/pglite`) and each run starts from -1 by itself, never from a position
 * an earlier dev org or a real org left there.
 *
 * Dev mode also serves the local preview (dev/preview) at `/`: the real websocketChat LWC talking
 * to the dev org for Apex and to this bridge for the socket. The preview is imported dynamically, so
 * the production path (credentials set) never loads it or its dev-only build toolchain.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { BridgeConfig } from '../bridge/config.js';
import type { DevModeModule, RunningDevMode } from '../bridge/dev-mode-port.js';
import { DEV_SESSIONS_DIR, devSessionFile, writeDevSession, type DevSession } from './dev-sessions.js';
import { startDevOrg, type DevOrg, type DevOrgOptions } from './org/index.js';
import type { Preview } from './preview/index.js';
import type { PreviewPaths } from './preview/paths.js';

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
   * (`getBridgeConnection`), starts the preview build if the cache lacks it, and writes this
   * process's {@link DevSession} entry. Call again after a restart of the bridge.
   */
  announce(bridgeUrl: string): Promise<DevSession>;
  close(): Promise<void>;
}

/** Test seams of {@link startDevMode}; `npm start` uses the defaults. */
export interface DevModeOptions {
  /** Dev org tuning (short CometD timeouts in tests). */
  devOrg?: Omit<DevOrgOptions, 'apiVersion' | 'logger'>;
  /** Where to write the {@link DevSession}; `false` writes none. Default this process's entry in {@link DEV_SESSIONS_DIR}. */
  sessionFile?: string | false;
  /** Preview paths (tests keep the default cache, so one bundle serves every run). */
  previewPaths?: PreviewPaths;
}

/**
 * Starts the embedded dev org and derives the bridge configuration for it: a login to that org and
 * a random `CHAT_TOKEN_SECRET` when none is set.
 */
export async function startDevMode(config: BridgeConfig, logger: Logger, options: DevModeOptions = {}): Promise<DevMode> {
  const devOrg = await startDevOrg({
    ...options.devOrg,
    apiVersion: config.apiVersion,
    logger: logger.child({ part: 'dev-org' }),
  });
  const sessionFile = options.sessionFile ?? devSessionFile(process.pid);
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
      if (sessionFile) await writeDevSession(sessionFile, session);
      return session;
    },
    banner: (bridgeUrl) => devBanner(bridgeUrl, devOrg, devConfig.channel),
    async close() {
      if (sessionFile) await rm(sessionFile, { force: true });
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

// Compile-time check that this module is what the production entry loads (dynamically).
void ({ startDevMode } satisfies DevModeModule);
