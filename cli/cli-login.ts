/**
 * How the command-line tools log in: with the configured SF_* flow when there is one, else to the
 * dev org of the running dev-mode bridge (client credentials of its connected app).
 */
import type { BridgeConfig } from '../bridge/config.js';
import { readDevSession } from '../dev/dev-sessions.js';
import { login, type SalesforceSession } from '../bridge/salesforce/login.js';

/**
 * @param devBridgeUrl which dev-mode bridge's org to log in to when several run (a `--url` flag);
 *   unused when SF_* credentials are configured.
 * @throws Error when neither credentials nor a running dev-mode bridge are available (see
 *   {@link readDevSession}), or login fails.
 */
export async function cliLogin(config: BridgeConfig, devBridgeUrl?: string): Promise<SalesforceSession> {
  if (config.salesforce) {
    return login({ login: config.salesforce, loginUrl: config.loginUrl, apiVersion: config.apiVersion });
  }
  const dev = await readDevSession({ bridgeUrl: devBridgeUrl });
  return login({
    login: { flow: 'client-credentials', clientId: dev.clientId, clientSecret: dev.clientSecret },
    loginUrl: dev.devOrgUrl,
    apiVersion: dev.apiVersion,
  });
}
