/**
 * force-app's `ChatAuditController` (the Apex API of the chatAudit component), mirrored: the same
 * method, the same `AuditConnection` fields (`bridgeUrl`, `token`, `expiresAt`) and the same
 * refusal. `FeatureManagement.checkPermission('Chat_Audit')` is answered from the running user's
 * permission set assignments (permissions.ts); the token is the browser token of
 * `ChatBridgeTokenService` with the claim `scope` = `chat:audit`, signed like the chat's (HS256
 * with the dev secret, where Apex signs RS256 with an org certificate).
 * test/dev/org/audit-controller.test.ts compares the constants with ChatAuditController.cls.
 */
import type { Logger } from 'pino';
import { AuraHandledError, issueToken, type ApexMethod, type BridgeSettings } from './chat-controller.js';
import { checkPermission } from './permissions.js';
import type { OrgRecords } from './records.js';

/** `ChatAuditController.AUDIT_PERMISSION`: the custom permission that lets a user read the audit. */
export const AUDIT_PERMISSION = 'Chat_Audit';
/** `ChatBridgeTokenService.AUDIT_SCOPE`: the `scope` claim of an admin token. */
export const AUDIT_SCOPE = 'chat:audit';
/** `ChatAuditController.AUDIT_REFUSED`, word for word. */
export const AUDIT_REFUSED = 'You cannot open the chat audit. Ask your admin for the Chat Auditor permission set.';

/** `ChatAuditController.AuditConnection`. */
export interface AuditConnection {
  bridgeUrl: string;
  token: string;
  /** The token's expiry (Aura serializes a Datetime as ISO 8601). */
  expiresAt: Date;
}

/** What the controller works on. */
export interface ChatAuditControllerDeps {
  records: OrgRecords;
  orgId: string;
  /** The bridge settings now (set once the bridge listens), or `undefined`. */
  bridge: () => BridgeSettings | undefined;
  logger: Logger;
}

/** Creates the `@AuraEnabled` methods of `ChatAuditController`, keyed by their Apex names. */
export function createChatAuditController(deps: ChatAuditControllerDeps): Readonly<Record<string, ApexMethod>> {
  const log = deps.logger.child({ module: 'chat-audit-controller' });
  return {
    getAuditConnection: {
      params: {},
      async invoke(_args, request): Promise<AuditConnection> {
        const user = deps.records.user(request.userId);
        if (!user) throw new Error(`The session's user ${request.userId} does not exist`);
        if (!checkPermission(deps.records, user.Id, AUDIT_PERMISSION)) {
          log.info({ userId: user.Id }, 'getAuditConnection refused: no Chat_Audit');
          throw new AuraHandledError(AUDIT_REFUSED);
        }
        const { url, token, expiresAt } = await issueToken({ settings: deps.bridge(), user, orgId: deps.orgId, scope: AUDIT_SCOPE, log });
        return { bridgeUrl: url, token, expiresAt };
      },
    },
  };
}
