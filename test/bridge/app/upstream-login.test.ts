// A Salesforce login that fails is visible to an operator: counted by reason in /metrics, the upstream
// state gauge leaves `connected`, and the log line names the reason once. When the login works again,
// the bridge subscribes and the gauge says `connected`. A login that never answers is bounded.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridge, type Bridge } from '../../../bridge/app.js';
import { loadConfig } from '../../../bridge/config.js';
import { login, type SalesforceSession } from '../../../bridge/salesforce/login.js';
import { startDevOrg, type DevOrg } from '../../../dev/org/index.js';
import { TOKEN_SECRET } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait-for.js';
import { sharedMemoryStore } from '../../helpers/stores.js';

let devOrg: DevOrg | undefined;
let bridge: Bridge;
afterEach(async () => {
  await bridge.close();
  await devOrg?.close();
  devOrg = undefined;
});

/** A logger whose JSON lines the test reads back. */
function recordingLogger() {
  const lines: Array<{ msg: string; err?: { message: string } }> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** Logs in to the dev org as SF_INSTANCE_URL + SF_ACCESS_TOKEN = `token()` would. */
const accessTokenLogin = (org: DevOrg, token: () => string) => () =>
  login({ login: { flow: 'access-token', instanceUrl: org.url, accessToken: token() }, loginUrl: org.url, apiVersion: '62.0' });

/** Starts a bridge with the given login and short back-off; returns its probes. */
async function startBridge(
  loginOnce: () => Promise<SalesforceSession>,
  options: { logger?: pino.Logger; loginDeadlineMs?: number } = {},
) {
  bridge = createBridge(loadConfig({ CHAT_TOKEN_SECRET: TOKEN_SECRET }), {
    logger: options.logger ?? pino({ level: 'silent' }),
    login: loginOnce,
    store: await sharedMemoryStore(),
    subscriber: { backoff: { initialMs: 50, maxMs: 200 }, loginDeadlineMs: options.loginDeadlineMs },
  });
  const url = `http://127.0.0.1:${await bridge.listen(0, '127.0.0.1')}`;
  return { metrics: async () => (await fetch(`${url}/metrics`)).text(), readyz: async () => (await fetch(`${url}/readyz`)).status };
}

describe('upstream login failures', () => {
  it('a refused access token → counted, state degraded, reason logged once; a valid one → connected', async () => {
    const org = (devOrg = await startDevOrg());
    let accessToken = 'not-a-session-id';
    const { logger, lines } = recordingLogger();
    const { metrics, readyz } = await startBridge(accessTokenLogin(org, () => accessToken), { logger });

    await waitFor(async () => /sfcb_upstream_login_failures_total\{reason="refused"\} [1-9]/.test(await metrics()), 'a refused login in /metrics');
    const failing = await metrics();
    expect(failing).toMatch(/sfcb_upstream_state\{state="(degraded|reconnecting)"\} 1/);
    expect(failing).toContain('sfcb_upstream_state{state="connected"} 0');
    expect(await readyz()).toBe(503);
    const logged = lines.find((l) => l.msg === 'upstream: login failed')?.err?.message ?? '';
    expect(logged).toMatch(/^Salesforce login \(access-token\) failed: /);
    expect(logged.split('Bad_OAuth_Token').length - 1).toBe(1); // the dev org's 403 text, as Salesforce's

    accessToken = org.issueAccessToken();
    await waitFor(async () => (await metrics()).includes('sfcb_upstream_state{state="connected"} 1'), 'connected in /metrics');
    const healed = await metrics();
    expect(healed).toContain('sfcb_upstream_state{state="degraded"} 0');
    expect(healed).toContain('sfcb_upstream_state{state="reconnecting"} 0');
    expect(await readyz()).toBe(200);
  });

  it('a login that never answers → counted as a timeout at the deadline, and tried again', async () => {
    let attempts = 0;
    const { metrics } = await startBridge(() => {
      attempts += 1;
      return new Promise<never>(() => undefined); // a black-holed token endpoint
    }, { loginDeadlineMs: 200 });

    await waitFor(async () => /sfcb_upstream_login_failures_total\{reason="timeout"\} [1-9]/.test(await metrics()), 'a timed-out login in /metrics');
    await waitFor(() => attempts >= 2, 'a second login attempt');
    expect(await metrics()).toMatch(/sfcb_upstream_state\{state="degraded"\} 1/);
  });
});
