/**
 * Logging in to the dev org with each flow the bridge supports, through jsforce exactly as the
 * bridge does, and the refusals a real org answers for bad credentials.
 */
import { createHmac } from 'node:crypto';
import { SignJWT, generateKeyPair, importPKCS8 } from 'jose';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevOrg, type DevOrg } from '../../../dev/org/index.js';
import { JWT_BEARER_GRANT } from '../../../bridge/salesforce/login.js';

let org: DevOrg;
let other: DevOrg;

beforeAll(async () => {
  [org, other] = await Promise.all([startDevOrg(), startDevOrg()]);
});

afterAll(async () => {
  await Promise.all([org.close(), other.close()]);
});

function connection(withApp: { clientSecret?: string; clientId?: string } | false = {}) {
  const oauth2 =
    withApp === false
      ? undefined
      : {
          loginUrl: org.url,
          clientId: withApp.clientId ?? org.credentials.clientId,
          clientSecret: withApp.clientSecret ?? org.credentials.clientSecret,
        };
  return new jsforce.Connection({ loginUrl: org.url, version: org.apiVersion, oauth2 });
}

/** Proves the connection's token works: publishes one event over REST. */
async function canPublish(conn: InstanceType<typeof jsforce.Connection>): Promise<boolean> {
  const result = await conn.sobject('Chat_Event__e').create({ Type__c: 'USER_ENTERED' });
  return result.success;
}

async function tokenRequest(params: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${org.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function assertion(claims: { iss?: string; sub?: string; aud?: string; exp?: number | string }, keyPem?: string) {
  const key = keyPem ? await importPKCS8(keyPem, 'RS256') : (await generateKeyPair('RS256')).privateKey;
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(claims.iss ?? org.credentials.clientId)
    .setSubject(claims.sub ?? org.credentials.username)
    .setAudience(claims.aud ?? org.url)
    .setExpirationTime(claims.exp ?? '3m')
    .sign(key);
}

describe('username-password (OAuth)', () => {
  it('logs in through jsforce and returns a working session', async () => {
    const conn = connection();

    const user = await conn.login(org.credentials.username, org.credentials.password);

    expect(user).toMatchObject({ id: org.credentials.userId, organizationId: org.orgId });
    expect(conn.instanceUrl).toBe(org.url);
    expect(await canPublish(conn)).toBe(true);
  });

  it('answers the token in Salesforce shape, signed with the consumer secret', async () => {
    const { status, body } = await tokenRequest({
      grant_type: 'password',
      client_id: org.credentials.clientId,
      client_secret: org.credentials.clientSecret,
      username: org.credentials.username,
      password: org.credentials.password,
    });

    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(new RegExp(`^${org.orgId.slice(0, 15)}!`)),
      instance_url: org.url,
      id: `${org.url}/id/${org.orgId}/${org.credentials.userId}`,
      token_type: 'Bearer',
      issued_at: expect.stringMatching(/^\d{13}$/),
      signature: createHmac('sha256', org.credentials.clientSecret).update(body.id! + body.issued_at!).digest('base64'),
      scope: 'api',
    });
  });

  it('refuses a wrong password, secret or client id like Salesforce', async () => {
    const { username, password } = org.credentials;

    await expect(connection().login(username, 'wrong')).rejects.toMatchObject({
      name: 'invalid_grant',
      message: 'authentication failure',
    });
    await expect(connection({ clientSecret: 'wrong' }).login(username, password)).rejects.toMatchObject({
      name: 'invalid_client',
      message: 'invalid client credentials',
    });
    await expect(connection({ clientId: '3MVG9unknown' }).login(username, password)).rejects.toMatchObject({
      name: 'invalid_client_id',
      message: 'client identifier invalid',
    });
  });

  it('refuses an unsupported grant type', async () => {
    const { status, body } = await tokenRequest({ grant_type: 'authorization_code', code: 'x' });

    expect(status).toBe(400);
    expect(body).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });
});

describe('SOAP login()', () => {
  it('logs in through jsforce without a client id', async () => {
    const conn = connection(false);

    const user = await conn.login(org.credentials.username, org.credentials.password);

    expect(user).toMatchObject({ id: org.credentials.userId, organizationId: org.orgId });
    expect(conn.instanceUrl).toBe(org.url);
    expect(await canPublish(conn)).toBe(true);
  });

  it('answers a wrong password with the INVALID_LOGIN fault', async () => {
    await expect(connection(false).login(org.credentials.username, 'wrong')).rejects.toThrow(
      'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
    );
  });

  it('reads XML-escaped credentials', async () => {
    const { username, password } = org.credentials;
    const escaped = `&#x${password.charCodeAt(0).toString(16)};${password.slice(1)}`;
    const body =
      '<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Body><login xmlns="urn:partner.soap.sforce.com">' +
      `<username>${username}</username><password>${escaped}</password></login></se:Body></se:Envelope>`;

    const response = await fetch(`${org.url}/services/Soap/u/62.0`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });

    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(new RegExp(`<sessionId>${org.orgId.slice(0, 15)}!`));
  });
});

describe('JWT bearer', () => {
  it('logs in with an assertion signed by the connected app key', async () => {
    const conn = connection({ clientSecret: '' });

    const user = await conn.authorize({
      grant_type: JWT_BEARER_GRANT,
      assertion: await assertion({}, org.credentials.privateKeyPem),
    });

    expect(user).toMatchObject({ id: org.credentials.userId, organizationId: org.orgId });
    expect(await canPublish(conn)).toBe(true);
  });

  it("accepts Salesforce's login audience", async () => {
    const { status } = await tokenRequest({
      grant_type: JWT_BEARER_GRANT,
      assertion: await assertion({ aud: 'https://login.salesforce.com' }, org.credentials.privateKeyPem),
    });

    expect(status).toBe(200);
  });

  it('refuses a bad signature, an expired assertion, a wrong audience, issuer or subject', async () => {
    const key = org.credentials.privateKeyPem;
    const cases = [
      [await assertion({}), 'invalid_grant', 'invalid assertion'],
      [await assertion({ exp: Math.floor(Date.now() / 1000) - 60 }, key), 'invalid_grant', 'invalid assertion'],
      [await assertion({ aud: 'https://example.com' }, key), 'invalid_grant', 'audience is invalid'],
      [await assertion({ iss: '3MVG9unknown' }, key), 'invalid_client_id', 'client identifier invalid'],
      [await assertion({ sub: 'nobody@example.com' }, key), 'invalid_grant', 'authentication failure'],
      ['not.a.jwt', 'invalid_grant', 'invalid assertion'],
    ] as const;

    for (const [jwt, error, description] of cases) {
      const { status, body } = await tokenRequest({ grant_type: JWT_BEARER_GRANT, assertion: jwt });
      expect({ status, body }).toEqual({ status: 400, body: { error, error_description: description } });
    }
  });
});

describe('client credentials', () => {
  it('logs in through jsforce with the client id and secret', async () => {
    const conn = connection();

    const user = await conn.authorize({ grant_type: 'client_credentials' });

    expect(user).toMatchObject({ id: org.credentials.userId, organizationId: org.orgId });
    expect(await canPublish(conn)).toBe(true);
  });

  it('accepts HTTP basic client authentication and refuses a wrong secret', async () => {
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`${org.credentials.clientId}:${secret}`).toString('base64')}`;

    const ok = await tokenRequest({ grant_type: 'client_credentials' }, { Authorization: basic(org.credentials.clientSecret) });
    const wrong = await tokenRequest({ grant_type: 'client_credentials' }, { Authorization: basic('wrong') });

    expect(ok.status).toBe(200);
    expect(wrong).toEqual({ status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } });
  });
});

describe('identity', () => {
  it('answers userinfo for Bearer and OAuth tokens, and refuses a bad one', async () => {
    const token = org.issueAccessToken();
    const get = (authorization: string) => fetch(`${org.url}/services/oauth2/userinfo`, { headers: { Authorization: authorization } });

    const bearer = await get(`Bearer ${token}`);
    const oauth = await get(`OAuth ${token}`);
    const bad = await get('Bearer nope');

    expect(await bearer.json()).toMatchObject({
      user_id: org.credentials.userId,
      organization_id: org.orgId,
      preferred_username: org.credentials.username,
      name: 'Integration User',
    });
    expect(oauth.status).toBe(200);
    expect(bad.status).toBe(403);
  });

  it('serves the identity URL as jsforce identity() reads it', async () => {
    const conn = new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueAccessToken(), version: org.apiVersion });

    const identity = await conn.identity();

    expect(identity).toMatchObject({ user_id: org.credentials.userId, organization_id: org.orgId, username: org.credentials.username });
  });

  it('accepts an access token from issueAccessToken like one from `sf org display`', async () => {
    const conn = new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueAccessToken(), version: org.apiVersion });

    const info = await conn.request<{ user_id: string; organization_id: string }>('/services/oauth2/userinfo');

    expect(info).toMatchObject({ user_id: org.credentials.userId, organization_id: org.orgId });
  });
});

describe('two dev orgs', () => {
  it('share no ids, credentials or sessions', async () => {
    const response = await fetch(`${other.url}/services/oauth2/userinfo`, {
      headers: { Authorization: `Bearer ${org.issueAccessToken()}` },
    });

    expect(other.orgId).not.toBe(org.orgId);
    expect(other.credentials.clientId).not.toBe(org.credentials.clientId);
    expect(other.credentials.privateKeyPem).not.toBe(org.credentials.privateKeyPem);
    expect(response.status).toBe(403);
  });
});
