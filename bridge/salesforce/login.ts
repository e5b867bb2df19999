/**
 * Salesforce login: one private function per OAuth flow, all returning the same {@link SalesforceSession}
 * (a jsforce Connection plus the ids the bridge needs). The CometD subscriber calls {@link login}
 * again whenever the server says the session is no longer valid (`401::Authentication invalid`).
 *
 * Flows follow "OAuth Authorization Flows" in Salesforce Help: JWT bearer (recommended for
 * integrations), client credentials, username-password (OAuth, or SOAP `login()` without a client
 * id), and a session obtained elsewhere (e.g. `sf org display`).
 */
import { createPrivateKey } from 'node:crypto';
import jsforce from 'jsforce';
import { SignJWT } from 'jose';
import type { SalesforceLogin } from '../config.js';

type Connection = InstanceType<typeof jsforce.Connection>;

/** OAuth 2.0 JWT bearer grant type (RFC 7523), as Salesforce's token endpoint expects it. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A logged-in session. */
export interface SalesforceSession {
  /** jsforce connection, authenticated; its `streaming` API builds CometD clients. */
  connection: Connection;
  /** e.g. `https://acme.my.salesforce.com` (no trailing slash). */
  instanceUrl: string;
  /** The session id / OAuth access token (sent as `Authorization: OAuth …`). */
  accessToken: string;
  /** Org id as Salesforce returned it (18 characters). */
  orgId: string;
  /** The integration user's id. */
  userId: string;
}

/** Where and how to log in. */
export interface LoginTarget {
  login: SalesforceLogin;
  /** e.g. https://login.salesforce.com, or a My Domain URL (required for client credentials). */
  loginUrl: string;
  /** API version, e.g. `62.0`. */
  apiVersion: string;
}

/** Why a login failed, in one word (the `reason` label of `sfcb_upstream_login_failures_total`). */
export type LoginFailureReason =
  /** Nothing answered at the network level (refused connection, unknown host, reset). */
  | 'unreachable'
  /** Salesforce answered, with an error (wrong credentials, revoked token, unknown client id, …). */
  | 'refused';

/**
 * Login refused or impossible. The message names the flow only; the reason is `cause` (the Salesforce
 * or network error), which loggers and printers append (`…failed: INVALID_LOGIN: …`), so a message
 * that repeated it would print it twice.
 */
export class LoginError extends Error {
  readonly reason: LoginFailureReason;
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'LoginError';
    this.reason = isNetworkError(options.cause) ? 'unreachable' : 'refused';
  }
}

/**
 * Logs in with the configured flow.
 * @throws LoginError when Salesforce refuses the credentials or cannot be reached.
 */
export async function login(target: LoginTarget): Promise<SalesforceSession> {
  const { login: l } = target;
  try {
    switch (l.flow) {
      case 'access-token':
        return await withAccessToken(target, l.instanceUrl, l.accessToken);
      case 'jwt-bearer':
        return await jwtBearer(target, l.clientId, l.username, l.privateKeyPem);
      case 'client-credentials':
        return await clientCredentials(target, l.clientId, l.clientSecret);
      case 'password':
        return await usernamePassword(target, l);
    }
  } catch (err) {
    throw new LoginError(`Salesforce login (${l.flow}) failed`, { cause: err });
  }
}

async function withAccessToken(t: LoginTarget, instanceUrl: string, accessToken: string): Promise<SalesforceSession> {
  const connection = new jsforce.Connection({ instanceUrl, accessToken, version: t.apiVersion });
  // The userinfo endpoint names the org and user behind a bare session id.
  const info = await connection.request<{ organization_id: string; user_id: string }>('/services/oauth2/userinfo');
  return session(connection, info.organization_id, info.user_id);
}

async function jwtBearer(t: LoginTarget, clientId: string, username: string, privateKeyPem: string): Promise<SalesforceSession> {
  // createPrivateKey accepts PKCS#1 ("BEGIN RSA PRIVATE KEY", as openssl and the Salesforce docs make) and PKCS#8.
  const key = createPrivateKey(privateKeyPem);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(clientId)
    .setSubject(username)
    .setAudience(audienceFor(t.loginUrl))
    .setExpirationTime('3m')
    .sign(key);
  return authorize(t, { clientId }, { grant_type: JWT_BEARER_GRANT, assertion });
}

async function clientCredentials(t: LoginTarget, clientId: string, clientSecret: string): Promise<SalesforceSession> {
  return authorize(t, { clientId, clientSecret }, { grant_type: 'client_credentials' });
}

async function usernamePassword(
  t: LoginTarget,
  l: Extract<SalesforceLogin, { flow: 'password' }>,
): Promise<SalesforceSession> {
  // With a client id jsforce uses the OAuth password grant; without, SOAP login().
  const oauth2 = l.clientId ? { clientId: l.clientId, clientSecret: l.clientSecret, loginUrl: t.loginUrl } : undefined;
  const connection = new jsforce.Connection({ loginUrl: t.loginUrl, version: t.apiVersion, oauth2 });
  const user = await connection.login(l.username, l.password);
  return session(connection, user.organizationId, user.id);
}

async function authorize(
  t: LoginTarget,
  app: { clientId: string; clientSecret?: string },
  params: Record<string, string>,
): Promise<SalesforceSession> {
  const connection = new jsforce.Connection({
    version: t.apiVersion,
    oauth2: { ...app, loginUrl: t.loginUrl },
  });
  const user = await connection.authorize(params as never);
  return session(connection, user.organizationId, user.id);
}

function session(connection: Connection, orgId: string, userId: string): SalesforceSession {
  if (!connection.instanceUrl || !connection.accessToken) {
    throw new Error('Salesforce answered without an instance URL or access token');
  }
  return {
    connection,
    instanceUrl: connection.instanceUrl.replace(/\/+$/, ''),
    accessToken: connection.accessToken,
    orgId,
    userId,
  };
}

/** Node's system errors carry `syscall`; jsforce's fetch wraps them as `FetchError` with `type: 'system'`. */
function isNetworkError(err: unknown): boolean {
  const e = err as { type?: unknown; syscall?: unknown } | undefined;
  return e?.type === 'system' || typeof e?.syscall === 'string';
}

/** JWT bearer `aud`: the login host, which for production/sandbox is a fixed value (not My Domain). */
function audienceFor(loginUrl: string): string {
  if (/\.sandbox\.my\.salesforce\.com$|test\.salesforce\.com$/.test(new URL(loginUrl).hostname)) {
    return 'https://test.salesforce.com';
  }
  if (/\.my\.salesforce\.com$|login\.salesforce\.com$/.test(new URL(loginUrl).hostname)) {
    return 'https://login.salesforce.com';
  }
  return loginUrl;
}
