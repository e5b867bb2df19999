/**
 * The request a dev org write runs in, as Apex sees it through `Request.getCurrent()`: who runs it,
 * its `System.Quiddity` (the execution context) and its request id. The dev org's chat triggers
 * stamp the last two on every `Chat_Event__e` (`Source__c`, `Request_Id__c`), as force-app's
 * `ChatEventPublisher` does, so the admin audit can tell a component's save from an integration's.
 *
 * Which quiddity a path gets (Apex Reference, "Quiddity Enum"): the ChatController routes are an
 * Aura component's server calls (`AURA`); REST record writes are `REST`; the dev org's own routes
 * and its programmatic API stand in for anonymous Apex (`ANONYMOUS`).
 */
import { randomBytes } from 'node:crypto';

/** The `System.Quiddity` names the dev org's paths run as. */
export const QUIDDITY = {
  /** The Lightning component's `@AuraEnabled` calls (the `/dev/apex/ChatController/*` routes). */
  aura: 'AURA',
  /** REST API record writes (`/services/data/vXX.X/sobjects/...`). */
  rest: 'REST',
  /** Dev routes and `DevOrg` calls: what an admin would run as anonymous Apex. */
  anonymous: 'ANONYMOUS',
} as const;

/** A `System.Quiddity` name (`Request.getCurrent().getQuiddity().name()`). */
export type Quiddity = string;

/** One request of the dev org: what `Request.getCurrent()` would answer, and the running user. */
export interface ApexRequest {
  /** The user whose session runs it (`UserInfo.getUserId()`, the events' `CreatedById`). */
  readonly userId: string;
  /** `getQuiddity().name()`, e.g. `AURA`. */
  readonly quiddity: Quiddity;
  /** `getRequestId()`: 22 URL-safe characters, new for every request (the shape of Salesforce's). */
  readonly requestId: string;
}

/** A new request of `userId` in the execution context `quiddity`, with a request id of its own. */
export function newApexRequest(userId: string, quiddity: Quiddity): ApexRequest {
  return { userId, quiddity, requestId: randomBytes(16).toString('base64url') };
}
