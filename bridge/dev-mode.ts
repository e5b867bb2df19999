/**
 * Dev mode: with no Salesforce credentials outside production, the bridge runs on the embedded dev
 * org (bridge/dev-org), logging in to it over HTTP with the OAuth JWT bearer flow exactly as it would
 * to a real org. The dev org's coordinates are written to a small file so the command-line tools
 * (publish-event, watch) in another terminal can reach the same org and mint browser tokens.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { BridgeConfig } from './config.js';
import { startDevOrg, type DevOrg } from './dev-org/index.js';

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
}

/** A started dev org and the configuration that points the bridge at it. */
export interface DevMode {
  devOrg: DevOrg;
  /** The input configuration with a JWT bearer login to the dev org and a token secret. */
  config: BridgeConfig;
  /** Writes {@link DEV_SESSION_FILE} once the bridge listens. */
  announce(bridgeUrl: string): Promise<DevSession>;
  close(): Promise<void>;
}

/**
 * Starts the embedded dev org and derives the bridge configuration for it.
 * Generates a random `CHAT_TOKEN_SECRET` when none is set.
 */
export async function startDevMode(config: BridgeConfig, logger: Logger): Promise<DevMode> {
  const devOrg = await startDevOrg({ apiVersion: config.apiVersion, logger: logger.child({ part: 'dev-org' }) });
  const tokenSecret = config.token.secret ?? randomBytes(32).toString('base64url');
  const { clientId, username, privateKeyPem } = devOrg.credentials;
  const devConfig: BridgeConfig = {
    ...config,
    loginUrl: devOrg.url,
    salesforce: { flow: 'jwt-bearer', clientId, username, privateKeyPem },
    token: { ...config.token, secret: tokenSecret },
  };
  return {
    devOrg,
    config: devConfig,
    async announce(bridgeUrl) {
      const session: DevSession = {
        bridgeUrl,
        devOrgUrl: devOrg.url,
        orgId: devOrg.orgId,
        apiVersion: devOrg.apiVersion,
        clientId,
        clientSecret: devOrg.credentials.clientSecret,
        tokenSecret,
        audience: config.token.audience,
      };
      await mkdir(dirname(DEV_SESSION_FILE), { recursive: true });
      await writeFile(DEV_SESSION_FILE, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
      return session;
    },
    async close() {
      await rm(DEV_SESSION_FILE, { force: true });
      await devOrg.close();
    },
  };
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
