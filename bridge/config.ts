/**
 * Bridge configuration: every environment variable is read here, in one place, and checked in one
 * pass, so a misconfigured process names every bad variable at once and exits before doing anything.
 *
 * The Salesforce login is picked from whichever complete set of variables is present (see
 * {@link SalesforceLogin}); with none and `NODE_ENV` ≠ `production`, the bridge runs on the embedded
 * dev org instead.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_CHAT_EVENT_CHANNEL, DEFAULT_TOKEN_AUDIENCE } from './events/contract.js';
import { createOriginMatcher } from './gateway/origins.js';
import { checkPublicKeyPem } from './gateway/token.js';

/** Oldest API version the bridge accepts; platform events over CometD need ≥ 37.0, replay ids ≥ 40.0. */
export const MIN_API_VERSION = 59;

/** How the bridge logs in to Salesforce. One variant per OAuth flow; every flow yields a session. */
export type SalesforceLogin =
  /** `SF_INSTANCE_URL` + `SF_ACCESS_TOKEN`: a session obtained elsewhere (e.g. `sf org display`). */
  | { flow: 'access-token'; instanceUrl: string; accessToken: string }
  /** `SF_CLIENT_ID` + `SF_USERNAME` + `SF_PRIVATE_KEY`/`SF_PRIVATE_KEY_FILE`: OAuth 2.0 JWT bearer. */
  | { flow: 'jwt-bearer'; clientId: string; username: string; privateKeyPem: string }
  /** `SF_CLIENT_ID` + `SF_CLIENT_SECRET`: OAuth 2.0 client credentials (run-as user of the app). */
  | { flow: 'client-credentials'; clientId: string; clientSecret: string }
  /** `SF_USERNAME` + `SF_PASSWORD` (+ client id/secret → OAuth password grant, else SOAP login()). */
  | { flow: 'password'; username: string; password: string; clientId?: string; clientSecret?: string };

/** The whole, validated configuration of one bridge process. */
export interface BridgeConfig {
  /** HTTP port (`PORT`, default 3000; 0 = any free port). */
  port: number;
  /** `NODE_ENV === 'production'`. */
  production: boolean;
  /** `LOG_LEVEL` (pino level), default `info`. */
  logLevel: string;
  /** Salesforce login; `undefined` means: run on the embedded dev org. */
  salesforce: SalesforceLogin | undefined;
  /** `SF_LOGIN_URL`, default https://login.salesforce.com (no trailing slash). */
  loginUrl: string;
  /** `SF_API_VERSION`, e.g. `62.0`. */
  apiVersion: string;
  /** `CHAT_EVENT_CHANNEL`, default `/event/Chat_Event__e`. */
  channel: string;
  /** How browser tokens are verified. At least one of secret/publicKeyPem is set. */
  token: { secret?: string; publicKeyPem?: string; audience: string };
  /** `ALLOWED_ORIGINS`: origins allowed to open sockets (`*` inside the host allowed). */
  allowedOrigins: string[];
  /** Where the bridge's store lives (`DATABASE_URL`, `EMBEDDED_DATABASE_DIR`). */
  database: DatabaseChoice;
  /** `EVENT_LOG_RETENTION_HOURS`, default 72 (Salesforce's own retention of platform events), hours. */
  eventLogRetentionHours: number;
  /**
   * `REPLAY_STORE` (default `.data/replay.json`): the replay position file of bridges before the
   * store, read once at start and imported (see bridge/store/legacy-replay-file.ts).
   */
  legacyReplayFile: string;
  /**
   * `LEGACY_EVENT_NAMES=true`: also send each chat event under the name the original component
   * listened to (`chatupdated` / `refreshChatUsers`), a second frame per event per socket. Default off.
   */
  legacyEventNames: boolean;
  /**
   * `REDIS_URL` set: this process is one node of a cluster (bridge/cluster/): a leader lease in
   * Redis, broadcasts through socket.io's Redis Streams adapter. Undefined: one process, no Redis.
   */
  cluster: ClusterConfig | undefined;
}

/** How a cluster node reaches the others (`REDIS_URL`, `CLUSTER_LEASE_MS`). */
export interface ClusterConfig {
  /** `REDIS_URL`: `redis://` or `rediss://` (TLS, as Heroku Key-Value Store gives). */
  redisUrl: string;
  /** `CLUSTER_LEASE_MS`, default {@link DEFAULT_CLUSTER_LEASE_MS}: how long the leader lease lasts unrefreshed, ms. */
  leaseMs: number;
}

/** Default `CLUSTER_LEASE_MS`: a dead leader is replaced within this plus a retry, ms. */
export const DEFAULT_CLUSTER_LEASE_MS = 10_000;

/** Where the store lives. */
export type DatabaseChoice =
  /** `DATABASE_URL`: a PostgreSQL server. */
  | { kind: 'postgres'; url: string }
  /**
   * Embedded PostgreSQL (PGlite) in `dir`: `EMBEDDED_DATABASE_DIR`, or `.data/pglite` when unset
   * (`explicit: false`; refused in production, where `.data/` may not outlive the process).
   */
  | { kind: 'embedded'; dir: string; explicit: boolean };

/** The embedded database's directory when `EMBEDDED_DATABASE_DIR` is unset. */
export const DEFAULT_EMBEDDED_DATABASE_DIR = '.data/pglite';

/** Thrown when the environment is invalid; `message` names every offending variable. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'ConfigError';
  }
}

const DEFAULT_ALLOWED_ORIGINS = 'https://*.lightning.force.com';

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s === '' ? undefined : s));

/**
 * `schema` for a variable where blank means unset (so its default applies), read trimmed: .env files
 * and dashboards leave `NAME=` and stray spaces behind.
 */
const blankAsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v), schema);

const url = (name: string) =>
  z
    .string()
    .trim()
    .refine((s) => /^https?:\/\/[^\s/]+/.test(s), `${name} must be an http(s) URL`)
    .transform((s) => s.replace(/\/+$/, ''));

/** PEM text given in one line (Heroku config vars, .env files) carries literal `\n`. */
const pem = (s: string | undefined) => s?.replace(/\\n/g, '\n');

const envSchema = z.object({
  PORT: blankAsUnset(
    z
      .string()
      .trim()
      .regex(/^\d{1,5}$/, 'PORT must be a number from 0 to 65535')
      .transform(Number)
      .refine((n) => n <= 65535, 'PORT must be a number from 0 to 65535')
      .default(3000),
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // The login variables are read as a set by pickLogin; only the URL's form is checked here.
  SF_INSTANCE_URL: url('SF_INSTANCE_URL').optional(),
  SF_LOGIN_URL: url('SF_LOGIN_URL').default('https://login.salesforce.com'),
  SF_API_VERSION: z
    .string()
    .trim()
    .regex(/^\d{2,3}\.0$/, 'SF_API_VERSION must look like 62.0')
    .refine((v) => Number(v) >= MIN_API_VERSION, `SF_API_VERSION must be at least ${MIN_API_VERSION}.0`)
    .default('62.0'),
  CHAT_EVENT_CHANNEL: z
    .string()
    .trim()
    .regex(/^\/event\/\w+__e$/, 'CHAT_EVENT_CHANNEL must be a platform event channel like /event/Chat_Event__e')
    .default(DEFAULT_CHAT_EVENT_CHANNEL),
  CHAT_TOKEN_SECRET: optionalText.refine(
    (s) => s === undefined || s.length >= 32,
    'CHAT_TOKEN_SECRET must be at least 32 characters',
  ),
  CHAT_TOKEN_PUBLIC_KEY: optionalText.superRefine((value, ctx) => {
    if (value === undefined) return;
    try {
      checkPublicKeyPem(pem(value)!); // the verifier's own check: one rule for both
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^publicKeyPem/, 'CHAT_TOKEN_PUBLIC_KEY') });
    }
  }),
  CHAT_TOKEN_AUDIENCE: z.string().trim().min(1).default(DEFAULT_TOKEN_AUDIENCE),
  ALLOWED_ORIGINS: z
    .string()
    .default(DEFAULT_ALLOWED_ORIGINS)
    .transform((list, ctx) => {
      const origins = list.split(',').map((o) => o.trim()).filter(Boolean);
      for (const origin of origins) {
        try {
          createOriginMatcher([origin]); // the gateway's own parser: one rule for both
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }
      return origins;
    }),
  DATABASE_URL: optionalText.refine(
    (s) => s === undefined || /^postgres(ql)?:\/\/\S+$/.test(s),
    'DATABASE_URL must be a postgres:// or postgresql:// URL',
  ),
  EMBEDDED_DATABASE_DIR: optionalText,
  EVENT_LOG_RETENTION_HOURS: blankAsUnset(
    z.coerce
      .number({ error: 'EVENT_LOG_RETENTION_HOURS must be a positive number of hours' })
      .positive('EVENT_LOG_RETENTION_HOURS must be a positive number of hours')
      // A bound a date can be computed from (ten years); beyond it pruning could not name a cut-off.
      .max(87_600, 'EVENT_LOG_RETENTION_HOURS must be at most 87600 (ten years)')
      .default(72),
  ),
  REDIS_URL: optionalText.refine(
    (s) => s === undefined || /^rediss?:\/\/\S+$/.test(s),
    'REDIS_URL must be a redis:// or rediss:// URL',
  ),
  CLUSTER_LEASE_MS: blankAsUnset(
    z.coerce
      .number({ error: 'CLUSTER_LEASE_MS must be a whole number of milliseconds from 1000 to 600000' })
      .int('CLUSTER_LEASE_MS must be a whole number of milliseconds from 1000 to 600000')
      .min(1_000, 'CLUSTER_LEASE_MS must be a whole number of milliseconds from 1000 to 600000')
      .max(600_000, 'CLUSTER_LEASE_MS must be a whole number of milliseconds from 1000 to 600000')
      .default(DEFAULT_CLUSTER_LEASE_MS),
  ),
  REPLAY_STORE: optionalText.transform((s) => s ?? '.data/replay.json'),
  LEGACY_EVENT_NAMES: blankAsUnset(
    z.enum(['true', 'false'], { error: 'LEGACY_EVENT_NAMES must be true or false' }).default('false'),
  ),
});

/** The variables that choose and carry the Salesforce login, trimmed, empty meaning unset. */
const LOGIN_VARIABLES = [
  'SF_INSTANCE_URL',
  'SF_ACCESS_TOKEN',
  'SF_CLIENT_ID',
  'SF_CLIENT_SECRET',
  'SF_USERNAME',
  'SF_PASSWORD',
  'SF_PRIVATE_KEY',
  'SF_PRIVATE_KEY_FILE',
] as const;
type LoginVariables = Partial<Record<(typeof LOGIN_VARIABLES)[number], string>>;

/**
 * Reads and validates the configuration. Field checks and the checks across variables (login sets,
 * token keys, production) all run, so one message names every problem.
 * @param env - the environment, `process.env` by default (tests pass their own).
 * @returns the configuration; `salesforce` is undefined when the dev org should be used.
 * @throws ConfigError naming every missing or invalid variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);

  const vars: LoginVariables = {};
  for (const name of LOGIN_VARIABLES) {
    const value = env[name]?.trim();
    if (value) vars[name] = value;
  }
  const production = env.NODE_ENV?.trim() === 'production';
  const loginProblems: string[] = [];
  const salesforce = pickLogin(vars, loginProblems);
  problems.push(...loginProblems);
  if (!salesforce && production && loginProblems.length === 0) {
    problems.push(
      'NODE_ENV=production needs Salesforce credentials: set SF_INSTANCE_URL+SF_ACCESS_TOKEN, ' +
        'SF_CLIENT_ID+SF_USERNAME+SF_PRIVATE_KEY, SF_CLIENT_ID+SF_CLIENT_SECRET, or SF_USERNAME+SF_PASSWORD',
    );
  }
  // On the dev org the bridge generates its own secret and shares it with the dev org's token issuer.
  if ((salesforce || production) && !env.CHAT_TOKEN_SECRET?.trim() && !env.CHAT_TOKEN_PUBLIC_KEY?.trim()) {
    problems.push('CHAT_TOKEN_SECRET or CHAT_TOKEN_PUBLIC_KEY: one is required to verify browser tokens');
  }
  const databaseUrl = env.DATABASE_URL?.trim();
  const embeddedDir = env.EMBEDDED_DATABASE_DIR?.trim();
  if (production && !databaseUrl && !embeddedDir) {
    problems.push(
      'DATABASE_URL or EMBEDDED_DATABASE_DIR: NODE_ENV=production needs a store that outlives the process: ' +
        'set DATABASE_URL (Heroku Postgres sets it) or EMBEDDED_DATABASE_DIR to a directory on persistent disk',
    );
  }

  // Every node of a cluster must share one log: an embedded database is one process's own.
  if (env.REDIS_URL?.trim() && !databaseUrl) {
    problems.push('REDIS_URL needs DATABASE_URL: the nodes of a cluster share one PostgreSQL server (the embedded store is one process\'s own)');
  }

  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    production,
    logLevel: e.LOG_LEVEL,
    salesforce,
    loginUrl: e.SF_LOGIN_URL,
    apiVersion: e.SF_API_VERSION,
    channel: e.CHAT_EVENT_CHANNEL,
    token: {
      secret: e.CHAT_TOKEN_SECRET,
      publicKeyPem: e.CHAT_TOKEN_PUBLIC_KEY, // the verifier reads literal `\n` itself
      audience: e.CHAT_TOKEN_AUDIENCE,
    },
    allowedOrigins: e.ALLOWED_ORIGINS,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'embedded', dir: e.EMBEDDED_DATABASE_DIR ?? DEFAULT_EMBEDDED_DATABASE_DIR, explicit: e.EMBEDDED_DATABASE_DIR !== undefined },
    eventLogRetentionHours: e.EVENT_LOG_RETENTION_HOURS,
    legacyReplayFile: e.REPLAY_STORE,
    legacyEventNames: e.LEGACY_EVENT_NAMES === 'true',
    cluster: e.REDIS_URL ? { redisUrl: e.REDIS_URL, leaseMs: e.CLUSTER_LEASE_MS } : undefined,
  };
}

/** Picks the first complete login set; records a problem for a set that was started but not finished. */
function pickLogin(e: LoginVariables, problems: string[]): SalesforceLogin | undefined {
  if (e.SF_INSTANCE_URL || e.SF_ACCESS_TOKEN) {
    if (e.SF_INSTANCE_URL && e.SF_ACCESS_TOKEN) {
      return { flow: 'access-token', instanceUrl: e.SF_INSTANCE_URL.replace(/\/+$/, ''), accessToken: e.SF_ACCESS_TOKEN };
    }
    problems.push(
      e.SF_INSTANCE_URL
        ? 'SF_ACCESS_TOKEN is required with SF_INSTANCE_URL'
        : 'SF_INSTANCE_URL is required with SF_ACCESS_TOKEN',
    );
    return undefined;
  }
  if (e.SF_PRIVATE_KEY || e.SF_PRIVATE_KEY_FILE) {
    const missing = [!e.SF_CLIENT_ID && 'SF_CLIENT_ID', !e.SF_USERNAME && 'SF_USERNAME'].filter(Boolean);
    if (missing.length) {
      problems.push(`${missing.join(' and ')} required with SF_PRIVATE_KEY/SF_PRIVATE_KEY_FILE (JWT bearer flow)`);
      return undefined;
    }
    const privateKeyPem = readPrivateKey(e, problems);
    if (!privateKeyPem) return undefined;
    return { flow: 'jwt-bearer', clientId: e.SF_CLIENT_ID!, username: e.SF_USERNAME!, privateKeyPem };
  }
  if (e.SF_USERNAME || e.SF_PASSWORD) {
    if (!e.SF_USERNAME || !e.SF_PASSWORD) {
      problems.push(e.SF_USERNAME ? 'SF_PASSWORD is required with SF_USERNAME' : 'SF_USERNAME is required with SF_PASSWORD');
      return undefined;
    }
    if (Boolean(e.SF_CLIENT_ID) !== Boolean(e.SF_CLIENT_SECRET)) {
      problems.push('SF_CLIENT_ID and SF_CLIENT_SECRET go together for the OAuth password grant (or omit both for SOAP login)');
      return undefined;
    }
    return {
      flow: 'password',
      username: e.SF_USERNAME,
      password: e.SF_PASSWORD,
      clientId: e.SF_CLIENT_ID,
      clientSecret: e.SF_CLIENT_SECRET,
    };
  }
  if (e.SF_CLIENT_ID || e.SF_CLIENT_SECRET) {
    if (e.SF_CLIENT_ID && e.SF_CLIENT_SECRET) {
      return { flow: 'client-credentials', clientId: e.SF_CLIENT_ID, clientSecret: e.SF_CLIENT_SECRET };
    }
    problems.push(
      e.SF_CLIENT_ID
        ? 'SF_CLIENT_SECRET (client credentials), SF_USERNAME+SF_PRIVATE_KEY (JWT bearer) or SF_USERNAME+SF_PASSWORD is required with SF_CLIENT_ID'
        : 'SF_CLIENT_ID is required with SF_CLIENT_SECRET',
    );
  }
  return undefined;
}

function readPrivateKey(e: LoginVariables, problems: string[]): string | undefined {
  let text = pem(e.SF_PRIVATE_KEY);
  if (!text && e.SF_PRIVATE_KEY_FILE) {
    try {
      text = readFileSync(e.SF_PRIVATE_KEY_FILE, 'utf8');
    } catch (err) {
      problems.push(`SF_PRIVATE_KEY_FILE: cannot read ${e.SF_PRIVATE_KEY_FILE} (${(err as NodeJS.ErrnoException).code})`);
      return undefined;
    }
  }
  if (!text || !/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
    problems.push(`${e.SF_PRIVATE_KEY ? 'SF_PRIVATE_KEY' : 'SF_PRIVATE_KEY_FILE'}: not a PEM private key`);
    return undefined;
  }
  return text;
}
