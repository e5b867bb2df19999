/**
 * Who may read the admin API: a caller with `Authorization: Bearer <JWT>`, verified exactly as the
 * browser token is (bridge/gateway/token.ts: the same keys, audience, org and lifetime rules), whose
 * `scope` claim also grants {@link AUDIT_SCOPE}. Salesforce issues such a token only to users with
 * the custom permission `Chat_Audit`; the bridge trusts the signature, as for chat tokens.
 *
 * No token or a refused one is 401, a valid token without the scope 403 (the caller is known, just
 * not allowed), each with a plain-words message; the token itself is never logged or echoed.
 */
import { AUDIT_SCOPE, type SocketData } from '../../events/contract.js';
import { TokenError, type VerifiedToken } from '../../gateway/token.js';

/** Why a request was not let in: the status and body the API answers with. */
export class AdminAuthError extends Error {
  override readonly name = 'AdminAuthError';
  /** 401: no or invalid token; 403: valid, without the scope; 503: the bridge cannot verify yet. */
  readonly status: 401 | 403 | 503;
  /** `error` of the JSON body. */
  readonly code: 'unauthorized' | 'forbidden' | 'unavailable';

  constructor(status: 401 | 403 | 503, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'unavailable';
  }
}

/**
 * Creates the check of one request's `Authorization` header.
 * @param verify - the token verifier ({@link createTokenClaimsVerifier}, waiting for the first
 *   login as the gateway's does): rejects with {@link TokenError} for a refused token, anything else
 *   when the bridge cannot verify now.
 * @returns `authorize(header)`: resolves to the admin's identity, rejects with {@link AdminAuthError}.
 */
export function createAdminAuthorizer(verify: (token: string) => Promise<VerifiedToken>): (authorization: string | undefined) => Promise<SocketData> {
  return async function authorize(authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) {
      throw new AdminAuthError(401, 'Send an admin token as "Authorization: Bearer <token>" (ChatAuditController issues it to users with Chat_Audit)');
    }
    let verified: VerifiedToken;
    try {
      verified = await verify(match[1]!);
    } catch (err) {
      if (err instanceof TokenError) throw new AdminAuthError(401, `The admin token was refused: ${err.message}`, { cause: err });
      throw new AdminAuthError(503, 'The bridge cannot verify tokens yet (not logged in to Salesforce); try again shortly', { cause: err });
    }
    if (!verified.scopes.includes(AUDIT_SCOPE)) {
      throw new AdminAuthError(403, `This token does not grant the admin audit (scope ${AUDIT_SCOPE}); ask for the Chat Auditor permission set`);
    }
    return verified.data;
  };
}
