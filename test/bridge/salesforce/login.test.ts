// Every login flow the configuration offers, against the dev org over HTTP: each yields a session
// whose token the CometD endpoint and REST API accept.
import { stdSerializers } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceLogin } from '../../../bridge/config.js';
import { startDevOrg, type DevOrg } from '../../../dev/org/index.js';
import { INVALID_LOGIN_FAULT } from '../../../dev/org/protocol/soap.js';
import { login, LoginError } from '../../../bridge/salesforce/login.js';

let org: DevOrg;
beforeAll(async () => {
  org = await startDevOrg();
});
afterAll(() => org.close());

const target = (l: SalesforceLogin) => ({ login: l, loginUrl: org.url, apiVersion: '62.0' });

describe('login', () => {
  const flows: Array<[string, () => SalesforceLogin]> = [
    ['access token', () => ({ flow: 'access-token', instanceUrl: org.url, accessToken: org.issueAccessToken() })],
    ['JWT bearer', () => ({ flow: 'jwt-bearer', clientId: org.credentials.clientId, username: org.credentials.username, privateKeyPem: org.credentials.privateKeyPem })],
    ['client credentials', () => ({ flow: 'client-credentials', clientId: org.credentials.clientId, clientSecret: org.credentials.clientSecret })],
    ['OAuth password', () => ({ flow: 'password', username: org.credentials.username, password: org.credentials.password, clientId: org.credentials.clientId, clientSecret: org.credentials.clientSecret })],
    ['SOAP login', () => ({ flow: 'password', username: org.credentials.username, password: org.credentials.password })],
  ];
  for (const [name, make] of flows) {
    it(`${name} → a session the org accepts`, async () => {
      const session = await login(target(make()));
      expect(session.orgId).toBe(org.orgId);
      expect(session.userId).toBe(org.credentials.userId);
      expect(session.instanceUrl).toBe(org.url);
      const result = await session.connection.sobject('Chat_Event__e').create({
        Type__c: 'USER_ENTERED',
        Record_Id__c: session.userId,
        User_Id__c: session.userId,
      });
      expect(result).toMatchObject({ success: true });
    });
  }

  it('wraps a refusal in LoginError naming the flow', async () => {
    const refused = login(target({ flow: 'password', username: org.credentials.username, password: 'wrong' }));
    await expect(refused).rejects.toBeInstanceOf(LoginError);
    await expect(refused).rejects.toThrow(/Salesforce login \(password\) failed/);
    await expect(login(target({ flow: 'client-credentials', clientId: 'nope', clientSecret: 'x' }))).rejects.toThrow(/client-credentials/);
  });

  it('names the reason once in what the logs and the CLI print, and classifies it', async () => {
    const refused = await login(target({ flow: 'password', username: org.credentials.username, password: 'wrong' })).catch((e: LoginError) => e);
    // pino's `err` serializer is how the bridge logs it and how the CLI prints it: message, then causes
    const printed = stdSerializers.err(refused as Error).message;
    expect(printed).toBe(`Salesforce login (password) failed: ${INVALID_LOGIN_FAULT}`);
    expect(printed.split(INVALID_LOGIN_FAULT).length - 1).toBe(1);
    expect((refused as LoginError).reason).toBe('refused');

    // a POST (jsforce retries a refused GET for ~15 s): the OAuth token endpoint on a closed port
    const closedPort = { login: { flow: 'client-credentials', clientId: 'x', clientSecret: 'y' }, loginUrl: 'http://127.0.0.1:1', apiVersion: '62.0' } as const;
    await expect(login(closedPort)).rejects.toMatchObject({ reason: 'unreachable' });
  });
});
