/**
 * The dev org's OAuth endpoints ("OAuth Authorization Flows" in Salesforce Help):
 * `POST /services/oauth2/token` for the username-password, JWT bearer and client credentials
 * grants, and the identity endpoints `GET /services/oauth2/userinfo` and `GET /id/<org>/<user>`.
 * Answers and errors have Salesforce's shapes (`{ access_token, instance_url, id, … }`,
 * `{ error, error_description }` with status 400).
 */
import express, { type Request, type Response, type Router } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import type { Logger } from 'pino';
import { MAX_BODY_BYTES } from './http-gate.js';
import { identityUrl, type OrgContext } from './org-context.js';
import { accessTokenFromHeader, type Session } from './sessions.js';

/** `grant_type` of the OAuth 2.0 JWT bearer flow (RFC 7523 §2.1; "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"). */
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** JWT `aud` values the dev org accepts besides its own URL. */
const SALESFORCE_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

/** A refused token request: status 400 with `{ error, error_description }`. */
class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

const ERRORS = {
  unknownClient: () => new OAuthError('invalid_client_id', 'client identifier invalid'),
  badClientSecret: () => new OAuthError('invalid_client', 'invalid client credentials'),
  badUserCredentials: () => new OAuthError('invalid_grant', 'authentication failure'),
  badAssertion: () => new OAuthError('invalid_grant', 'invalid assertion'),
  badAudience: () => new OAuthError('invalid_grant', 'audience is invalid'),
  unsupportedGrant: () => new OAuthError('unsupported_grant_type', 'grant type not supported'),
};

/** Routes of the token and identity endpoints. */
export function oauthRoutes(org: OrgContext, logger: Logger): Router {
  const log = logger.child({ module: 'oauth' });
  const router = express.Router();
  const { app, user } = org.identity;

  router.post('/services/oauth2/token', express.urlencoded({ extended: false, limit: MAX_BODY_BYTES }), async (req, res) => {
    const params = (req.body ?? {}) as Record<string, string | undefined>;
    const grant = params.grant_type;
    try {
      const session = await grantFor(grant, params, req);
      log.info({ grant }, 'token issued');
      res.json(tokenAnswer(session));
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      log.info({ grant, error: err.error }, 'token refused');
      res.status(400).json({ error: err.error, error_description: err.description });
    }
  });

  async function grantFor(grant: string | undefined, params: Record<string, string | undefined>, req: Request): Promise<Session> {
    switch (grant) {
      case 'password':
        checkClient(params.client_id, params.client_secret);
        if (params.username !== user.username || params.password !== user.password) throw ERRORS.badUserCredentials();
        return org.sessions.issue(user.id);
      case 'client_credentials': {
        const basic = basicCredentials(req.headers.authorization);
        checkClient(params.client_id ?? basic?.id, params.client_secret ?? basic?.secret);
        return org.sessions.issue(user.id);
      }
      case JWT_BEARER_GRANT:
        await checkAssertion(params.assertion);
        return org.sessions.issue(user.id);
      default:
        throw ERRORS.unsupportedGrant();
    }
  }

  function checkClient(clientId: string | undefined, clientSecret: string | undefined): void {
    if (clientId !== app.clientId) throw ERRORS.unknownClient();
    if (!sameSecret(clientSecret, app.clientSecret)) throw ERRORS.badClientSecret();
  }

  /** RS256, `iss` = client id, `sub` = username, `aud` = this login URL (or Salesforce's), `exp` in the future. */
  async function checkAssertion(assertion: string | undefined): Promise<void> {
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(assertion ?? '');
    } catch {
      throw ERRORS.badAssertion();
    }
    if (claims.iss !== app.clientId) throw ERRORS.unknownClient();
    try {
      await jwtVerify(assertion ?? '', app.publicKey, {
        algorithms: ['RS256'],
        audience: [org.url, `${org.url}/`, ...SALESFORCE_AUDIENCES],
        requiredClaims: ['exp', 'sub'],
      });
    } catch (err) {
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud') throw ERRORS.badAudience();
      throw ERRORS.badAssertion();
    }
    if (claims.sub !== user.username) throw ERRORS.badUserCredentials();
  }

  function tokenAnswer(session: Session) {
    const id = identityUrl(org, session.userId);
    const issuedAt = String(session.issuedAt);
    return {
      access_token: session.accessToken,
      instance_url: org.url,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
      // Salesforce signs id + issued_at with the consumer secret (HMAC-SHA256, base64).
      signature: createHmac('sha256', app.clientSecret).update(id + issuedAt).digest('base64'),
      scope: 'api',
    };
  }

  const userinfo = (req: Request, res: Response) => {
    const session = sessionOf(req);
    if (!session) return refuseToken(req, res);
    res.json(identityAnswer(session.userId));
  };
  router.get('/services/oauth2/userinfo', userinfo);
  router.post('/services/oauth2/userinfo', userinfo);

  router.get('/id/:orgId/:userId', (req, res) => {
    const session = sessionOf(req);
    if (!session) return refuseToken(req, res);
    if (req.params.orgId !== org.identity.orgId || req.params.userId !== user.id) {
      res.status(404).type('text/plain').send('Bad_Id');
      return;
    }
    res.json(identityAnswer(req.params.userId));
  });

  /** Token from `Authorization` (Bearer or OAuth), or the `oauth_token` query parameter jsforce's identity() adds. */
  function sessionOf(req: Request): Session | undefined {
    const query = typeof req.query.oauth_token === 'string' ? req.query.oauth_token : undefined;
    return org.sessions.resolve(accessTokenFromHeader(req.headers.authorization) ?? query);
  }

  function refuseToken(req: Request, res: Response): void {
    const sent = req.headers.authorization !== undefined || req.query.oauth_token !== undefined;
    res.status(403).type('text/plain').send(sent ? 'Bad_OAuth_Token' : 'Missing_OAuth_Token');
  }

  /** The fields of userinfo and of the identity URL answer that clients read. */
  function identityAnswer(userId: string) {
    const id = identityUrl(org, userId);
    return {
      sub: id,
      id,
      user_id: userId,
      organization_id: org.identity.orgId,
      preferred_username: user.username,
      username: user.username,
      name: user.name,
      display_name: user.name,
      nickname: user.username.split('@')[0],
      email: user.email,
      email_verified: true,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      urls: {
        rest: `${org.url}/services/data/v{version}/`,
        sobjects: `${org.url}/services/data/v{version}/sobjects/`,
        partner: `${org.url}/services/Soap/u/{version}/${org.identity.orgId}`,
        userinfo: `${org.url}/services/oauth2/userinfo`,
      },
    };
  }

  return router;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Basic base64(client_id:client_secret)`, as the client credentials flow allows. */
function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}
