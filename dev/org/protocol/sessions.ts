/**
 * Access tokens (session ids) of a dev org: issued by every login flow, checked by REST, userinfo
 * and on every CometD message. Salesforce accepts the token as `Authorization: Bearer <token>` or
 * `Authorization: OAuth <token>` (jsforce's streaming client sends the latter); so does the dev org.
 */
import { newSessionId } from '../data/ids.js';

/** One issued access token. */
export interface Session {
  readonly accessToken: string;
  /** The user the token acts as (`005…`). */
  readonly userId: string;
  /** When it was issued, ms since the epoch. */
  readonly issuedAt: number;
}

/** Every valid access token of one org. */
export class SessionStore {
  readonly #orgId: string;
  readonly #sessions = new Map<string, Session>();

  constructor(orgId: string) {
    this.#orgId = orgId;
  }

  /** Issues a new access token for `userId`. */
  issue(userId: string): Session {
    const session: Session = { accessToken: newSessionId(this.#orgId), userId, issuedAt: Date.now() };
    this.#sessions.set(session.accessToken, session);
    return session;
  }

  /** The session of a token, or `undefined` when the token is unknown, revoked or expired. */
  resolve(accessToken: string | undefined): Session | undefined {
    return accessToken === undefined ? undefined : this.#sessions.get(accessToken);
  }

  /** Invalidates every token issued so far (an admin revoking sessions); later tokens are valid. */
  expireAll(): void {
    this.#sessions.clear();
  }
}

/**
 * The token of an `Authorization` header value: `Bearer <token>` or `OAuth <token>`
 * (scheme case-insensitive).
 * @returns `undefined` when the header is absent or uses another scheme.
 */
export function accessTokenFromHeader(authorization: string | undefined): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
