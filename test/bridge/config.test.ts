import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bridge/config.js';

const SECRET = 'x'.repeat(32);
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';

function problems(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on the dev org with defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.salesforce).toBeUndefined();
    expect(c.port).toBe(3000);
    expect(c.channel).toBe('/event/Chat_Event__e');
    expect(c.apiVersion).toBe('62.0');
    expect(c.loginUrl).toBe('https://login.salesforce.com');
    expect(c.allowedOrigins).toEqual(['https://*.lightning.force.com']);
    expect(c.database).toEqual({ kind: 'embedded', dir: '.data/pglite', explicit: false });
    expect(c.eventLogRetentionHours).toBe(72);
    expect(c.legacyReplayFile).toBe('.data/replay.json');
    expect(c.token.audience).toBe('sf-chat-bridge');
  });

  it('picks each login flow from its complete set of variables', () => {
    expect(loadConfig({ SF_INSTANCE_URL: 'https://acme.my.salesforce.com/', SF_ACCESS_TOKEN: 't', CHAT_TOKEN_SECRET: SECRET }).salesforce)
      .toEqual({ flow: 'access-token', instanceUrl: 'https://acme.my.salesforce.com', accessToken: 't' });
    expect(loadConfig({ SF_CLIENT_ID: 'c', SF_USERNAME: 'u', SF_PRIVATE_KEY: KEY.replace(/\n/g, '\\n'), CHAT_TOKEN_SECRET: SECRET }).salesforce)
      .toEqual({ flow: 'jwt-bearer', clientId: 'c', username: 'u', privateKeyPem: KEY });
    expect(loadConfig({ SF_CLIENT_ID: 'c', SF_CLIENT_SECRET: 's', CHAT_TOKEN_SECRET: SECRET }).salesforce)
      .toEqual({ flow: 'client-credentials', clientId: 'c', clientSecret: 's' });
    expect(loadConfig({ SF_USERNAME: 'u', SF_PASSWORD: 'p', CHAT_TOKEN_SECRET: SECRET }).salesforce)
      .toEqual({ flow: 'password', username: 'u', password: 'p', clientId: undefined, clientSecret: undefined });
    expect(loadConfig({ SF_USERNAME: 'u', SF_PASSWORD: 'p', SF_CLIENT_ID: 'c', SF_CLIENT_SECRET: 's', CHAT_TOKEN_SECRET: SECRET }).salesforce)
      .toMatchObject({ flow: 'password', clientId: 'c', clientSecret: 's' });
  });

  it('reads the JWT key from SF_PRIVATE_KEY_FILE and names the variable when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'server.key'), KEY);
    const env = { SF_CLIENT_ID: 'c', SF_USERNAME: 'u', CHAT_TOKEN_SECRET: SECRET };
    expect(loadConfig({ ...env, SF_PRIVATE_KEY_FILE: join(dir, 'server.key') }).salesforce).toMatchObject({ privateKeyPem: KEY });
    expect(problems({ ...env, SF_PRIVATE_KEY_FILE: join(dir, 'missing.key') })).toMatch(/SF_PRIVATE_KEY_FILE: cannot read/);
  });

  it('names every bad variable in one message', () => {
    const message = problems({
      PORT: 'eighty',
      SF_API_VERSION: '40.0',
      CHAT_EVENT_CHANNEL: '/topic/x',
      CHAT_TOKEN_SECRET: 'short',
      SF_LOGIN_URL: 'login.salesforce.com',
    });
    for (const name of ['PORT', 'SF_API_VERSION', 'CHAT_EVENT_CHANNEL', 'CHAT_TOKEN_SECRET', 'SF_LOGIN_URL']) {
      expect(message).toContain(name);
    }
  });

  it('names field problems and problems across variables in the same message', () => {
    const message = problems({ NODE_ENV: 'production', PORT: 'abc', ALLOWED_ORIGINS: '*', LOG_LEVEL: 'nope' });
    for (const name of ['PORT', 'LOG_LEVEL', 'ALLOWED_ORIGINS', 'NODE_ENV=production needs Salesforce credentials', 'CHAT_TOKEN_SECRET or CHAT_TOKEN_PUBLIC_KEY']) {
      expect(message).toContain(name);
    }
  });

  it('reads PORT strictly: empty means the default, anything but digits is refused', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(problems({ PORT: '0x10' })).toMatch(/PORT must be a number from 0 to 65535/);
    expect(problems({ PORT: '70000' })).toMatch(/PORT must be a number from 0 to 65535/);
  });

  it('names what an incomplete login set lacks', () => {
    expect(problems({ SF_INSTANCE_URL: 'https://x.my.salesforce.com' })).toMatch(/SF_ACCESS_TOKEN is required/);
    expect(problems({ SF_USERNAME: 'u' })).toMatch(/SF_PASSWORD is required/);
    expect(problems({ SF_PRIVATE_KEY: KEY })).toMatch(/SF_CLIENT_ID and SF_USERNAME required/);
    expect(problems({ SF_CLIENT_SECRET: 's' })).toMatch(/SF_CLIENT_ID is required/);
  });

  it('needs a token key with real credentials, and credentials in production', () => {
    expect(problems({ SF_CLIENT_ID: 'c', SF_CLIENT_SECRET: 's' })).toMatch(/CHAT_TOKEN_SECRET or CHAT_TOKEN_PUBLIC_KEY/);
    expect(problems({ NODE_ENV: 'production' })).toMatch(/NODE_ENV=production needs Salesforce credentials/);
  });

  it('checks CHAT_TOKEN_PUBLIC_KEY with the token verifier\'s own rules', () => {
    expect(problems({ CHAT_TOKEN_PUBLIC_KEY: 'not a key' })).toMatch(/CHAT_TOKEN_PUBLIC_KEY is not a PEM public key or X.509 certificate/);
    expect(problems({ CHAT_TOKEN_PUBLIC_KEY: KEY })).toMatch(/CHAT_TOKEN_PUBLIC_KEY holds a private key/);
  });

  it('checks ALLOWED_ORIGINS entries', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://*.lightning.force.com, http://localhost:3000' }).allowedOrigins)
      .toEqual(['https://*.lightning.force.com', 'http://localhost:3000']);
    expect(problems({ ALLOWED_ORIGINS: 'https://ok.example.com,not an origin' })).toMatch(/ALLOWED_ORIGINS: origin pattern "not an origin"/);
    expect(problems({ ALLOWED_ORIGINS: 'https://*.com' })).toMatch(/ALLOWED_ORIGINS: .*too broad/);
  });

  it('picks the store: DATABASE_URL, else the embedded directory; production needs one that outlives the process', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db.example.com:5432/bridge' }).database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db.example.com:5432/bridge' });
    expect(loadConfig({ EMBEDDED_DATABASE_DIR: '/var/lib/bridge' }).database).toEqual({ kind: 'embedded', dir: '/var/lib/bridge', explicit: true });
    expect(problems({ DATABASE_URL: 'mysql://x' })).toMatch(/DATABASE_URL: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(problems({ EVENT_LOG_RETENTION_HOURS: '0' })).toMatch(/EVENT_LOG_RETENTION_HOURS: .*positive number of hours/);
    expect(problems({ EVENT_LOG_RETENTION_HOURS: 'soon' })).toMatch(/EVENT_LOG_RETENTION_HOURS: .*positive number of hours/);
    expect(loadConfig({ EVENT_LOG_RETENTION_HOURS: '1.5' }).eventLogRetentionHours).toBe(1.5);
    expect(problems({ EVENT_LOG_RETENTION_HOURS: '1e12' })).toMatch(/EVENT_LOG_RETENTION_HOURS: .*at most 87600/);
    const production = { NODE_ENV: 'production', SF_INSTANCE_URL: 'https://acme.my.salesforce.com', SF_ACCESS_TOKEN: 't', CHAT_TOKEN_SECRET: SECRET };
    expect(problems(production)).toMatch(/DATABASE_URL or EMBEDDED_DATABASE_DIR: NODE_ENV=production needs a store that outlives the process/);
    expect(loadConfig({ ...production, EMBEDDED_DATABASE_DIR: '/mnt/disk/bridge' }).database.kind).toBe('embedded');
    expect(loadConfig({ ...production, DATABASE_URL: 'postgres://db/bridge' }).database.kind).toBe('postgres');
  });

  it('sends the legacy event names only with LEGACY_EVENT_NAMES=true', () => {
    expect(loadConfig({}).legacyEventNames).toBe(false);
    expect(loadConfig({ LEGACY_EVENT_NAMES: '' }).legacyEventNames).toBe(false);
    expect(loadConfig({ LEGACY_EVENT_NAMES: 'false' }).legacyEventNames).toBe(false);
    expect(loadConfig({ LEGACY_EVENT_NAMES: ' true ' }).legacyEventNames).toBe(true);
    expect(problems({ LEGACY_EVENT_NAMES: 'yes' })).toMatch(/LEGACY_EVENT_NAMES: LEGACY_EVENT_NAMES must be true or false/);
  });

  it('runs as a cluster node only with REDIS_URL, which needs DATABASE_URL; CLUSTER_LEASE_MS is checked', () => {
    const db = { DATABASE_URL: 'postgres://db/bridge' };
    expect(loadConfig(db).cluster).toBeUndefined();
    expect(loadConfig({ ...db, REDIS_URL: '' }).cluster).toBeUndefined();
    expect(loadConfig({ ...db, REDIS_URL: 'redis://127.0.0.1:6379' }).cluster).toEqual({ redisUrl: 'redis://127.0.0.1:6379', leaseMs: 10_000 });
    expect(loadConfig({ ...db, REDIS_URL: 'rediss://:p@kv.example.com:6380', CLUSTER_LEASE_MS: '4000' }).cluster).toEqual({ redisUrl: 'rediss://:p@kv.example.com:6380', leaseMs: 4_000 });
    expect(problems({ REDIS_URL: 'redis://127.0.0.1:6379' })).toMatch(/REDIS_URL needs DATABASE_URL/);
    expect(problems({ ...db, REDIS_URL: 'http://x' })).toMatch(/REDIS_URL: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    for (const bad of ['500', '1.5e3x', '2500.5', '9999999']) {
      expect(problems({ ...db, REDIS_URL: 'redis://r', CLUSTER_LEASE_MS: bad }), bad).toMatch(/CLUSTER_LEASE_MS: CLUSTER_LEASE_MS must be a whole number of milliseconds from 1000 to 600000/);
    }
  });
});
