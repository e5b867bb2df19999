/**
 * Browser tokens as the dev org issues them: what `ChatController.getBridgeConnection()` does in Apex
 * (Auth.JWT + Auth.JWS, RS256 with an org certificate), done here with HS256 and the dev secret.
 * Same claims, same audience, same lifetime rule as the contract the bridge verifies.
 */
import { SignJWT } from 'jose';
import type { BridgeTokenClaims } from '../../../bridge/events/contract.js';

/** Who the token is for. */
export interface TokenSubject {
  /** Salesforce user id (`sub`). */
  userId: string;
  /** Display name (`name`). */
  name: string;
  /** Org id (`org`). */
  orgId: string;
}

/**
 * Signs a browser token (HS256).
 * @param lifetimeMs - time until `exp`, ms; default 10 min (the bridge refuses more than 1 h).
 * @param scope - the `scope` claim of an admin token (`ChatBridgeTokenService.issueToken(scope)`);
 *   a chat token has none.
 * @returns the compact JWT.
 */
export async function signBridgeToken(
  subject: TokenSubject,
  options: { secret: string; audience: string; lifetimeMs?: number; scope?: string },
): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  const claims: Omit<BridgeTokenClaims, 'sub' | 'aud' | 'exp' | 'iat'> & { scope?: string } = { name: subject.name, org: subject.orgId };
  if (options.scope) claims.scope = options.scope;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject.userId)
    .setAudience(options.audience)
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + Math.floor((options.lifetimeMs ?? 10 * 60_000) / 1000))
    .sign(new TextEncoder().encode(options.secret));
}
