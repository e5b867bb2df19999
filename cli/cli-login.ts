/**
 * How the command-line tools log in: with the configured SF_* flow when there is one, else to the
 * dev org of the running dev-mode bridge (client credentials of its connected app).
 */
import type { BridgeConfig } from '../bridge/config.js';
import { readDevSession } from '../dev/dev-mode.js';
import { login, type SalesforceSession } from '../bridge/salesforce/login.js';

/**
 * @throws Error when neither credentials nor a running dev-mode bridge are available, or login fails.
 */
export async function cliLogin(config: BridgeConfig): Promise<SalesforceSession> {
  if (config.salesforce) {
    return login({ login: config.salesforce, loginUrl: config.loginUrl, apiVersion: config.apiVersion });
  }
  const dev = await readDevSession();
  return login({
    login: { flow: 'client-credentials', clientId: dev.clientId, clientSecret: dev.clientSecret },
    loginUrl: dev.devOrgUrl,
    apiVersion: dev.apiVersion,
  });
}
