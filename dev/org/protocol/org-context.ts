/**
 * What every HTTP route of a dev org needs to know about it: where it listens (its URL is both the
 * login URL and the instance URL), the API version it advertises, who exists in it and which
 * sessions are valid. One value per dev org, handed to each router.
 */
import type { OrgIdentity } from '../data/identity.js';
import type { SessionStore } from './sessions.js';

/** The dev org as its routes see it. */
export interface OrgContext {
  /** e.g. `http://127.0.0.1:41234`: login URL and instance URL. */
  readonly url: string;
  /** Newest API version served, e.g. `62.0`. */
  readonly apiVersion: string;
  readonly identity: OrgIdentity;
  readonly sessions: SessionStore;
}

/** The identity URL of a user (`<url>/id/<orgId>/<userId>`), as OAuth answers return it in `id`. */
export function identityUrl(org: OrgContext, userId: string = org.identity.user.id): string {
  return `${org.url}/id/${org.identity.orgId}/${userId}`;
}
