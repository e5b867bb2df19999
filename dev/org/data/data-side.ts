/**
 * The Salesforce data side of a dev org, wired: its records (seeded), the chat triggers over the
 * event bus, the DML layer, `ChatController` and `ChatAuditController`, and the bridge settings
 * `getBridgeConnection` / `getAuditConnection` answer with. It knows nothing of HTTP: the protocol side (../protocol/http-app.ts) serves routes over it.
 * index.ts creates one per dev org and exposes {@link DataSide.api} as `DevOrg.data`.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { newApexRequest, QUIDDITY } from './apex-request.js';
import { createChatAuditController } from './chat-audit-controller.js';
import { createChatController, type ApexMethod, type BridgeSettings } from './chat-controller.js';
import { createChatRoomController } from './chat-room-controller.js';
import { createChatTriggers } from './chat-triggers.js';
import { createDml, type Dml } from './dml.js';
import type { EventBus } from './event-bus.js';
import type { OrgIdentity } from './identity.js';
import { OrgRecords, type ChatMessageRecord, type SampleUser } from './records.js';
import { defaultRoomId } from './rooms.js';
import { seedRecords } from './seed.js';

/** The records of a dev org, for the lead's and the preview's code and for tests. */
export interface DevOrgData {
  /** Every user: the sample users Ana, Ben, Chen, Dana, Maya (in that order), then the integration user. */
  users(): readonly SampleUser[];
  /** Messages oldest first (CreatedDate, then Id); those in the recycle bin only with `includeDeleted`. */
  messages(options?: { includeDeleted?: boolean }): readonly ChatMessageRecord[];
  /**
   * The 18-character id of the default public room (`ChatRoomService.defaultRoomId`): where a message
   * posted without a room goes, the room its events carry in `Room_Id__c`, and the first id of every
   * browser token's `rooms` claim.
   */
  defaultRoomId(): string;
  /**
   * A new session id (access token) for a user of the org, valid for REST, CometD and the Apex routes.
   * @throws Error when the org has no such user.
   */
  sessionFor(userId: string): string;
  /**
   * Restores a message from the recycle bin, as Apex `undelete` would (MESSAGE_UNDELETED is published).
   * @param asUserId - who restores it (the event's CreatedById); default the integration user.
   * @throws DmlError when the message does not exist or is not in the recycle bin.
   */
  undeleteMessage(id: string, asUserId?: string): void;
}

/** Settings of {@link DataSide.setBridge}: what `getBridgeConnection` answers and signs with. */
export type { BridgeSettings } from './chat-controller.js';

const bridgeSettingsSchema = z.object({
  url: z.string().url(),
  tokenSecret: z.string().min(1),
  audience: z.string().min(1),
  tokenLifetimeSeconds: z.number().int().positive().optional(),
});

/** One dev org's data side. */
export interface DataSide {
  readonly api: DevOrgData;
  /** Sets the bridge URL and token settings. @throws Error naming every invalid setting. */
  setBridge(settings: BridgeSettings): void;
  readonly records: OrgRecords;
  readonly dml: Dml;
  /** `ChatController`'s @AuraEnabled methods by name. */
  readonly controller: Readonly<Record<string, ApexMethod>>;
  /** Every Apex class the Apex routes serve (`ChatController`, `ChatRoomController`, `ChatAuditController`), by class name. */
  readonly apexClasses: Readonly<Record<string, Readonly<Record<string, ApexMethod>>>>;
  /** The sample users (every user but the integration user). */
  sampleUsers(): readonly SampleUser[];
}

/** What the data side needs of its org. */
export interface DataSideOrg {
  /** The org's URL (photo URLs of the seeded users point there). */
  readonly url: string;
  readonly identity: OrgIdentity;
  /** A new session id for a user (what a login would give). */
  issueSession(userId: string): string;
}

/** Creates and seeds the data side of a listening dev org. */
export function createDataSide(org: DataSideOrg, bus: EventBus, logger: Logger): DataSide {
  const records = new OrgRecords();
  const integrationUser = org.identity.user;
  seedRecords(records, org.url, integrationUser);
  const dml = createDml(records, createChatTriggers(bus, logger));
  let bridge: BridgeSettings | undefined;
  const controller = createChatController({ records, dml, orgId: org.identity.orgId, bridge: () => bridge, logger });
  const roomController = createChatRoomController({ records, dml });
  const auditController = createChatAuditController({ records, orgId: org.identity.orgId, bridge: () => bridge, logger });
  const sampleUsers = () => records.users().filter((u) => u.Id !== integrationUser.id);

  const api: DevOrgData = {
    users: () => records.users(),
    messages: (options) => records.messages(options),
    defaultRoomId: () => defaultRoomId(records, integrationUser.id),
    sessionFor(userId) {
      const user = records.user(userId);
      if (!user) throw new Error(`No user ${userId} in this dev org`);
      return org.issueSession(user.Id);
    },
    undeleteMessage(id, asUserId = integrationUser.id) {
      dml.undeleteMessages([id], newApexRequest(asUserId, QUIDDITY.anonymous));
    },
  };

  return {
    api,
    setBridge(settings) {
      const parsed = bridgeSettingsSchema.safeParse(settings);
      if (!parsed.success) throw new Error(`Invalid bridge settings: ${z.prettifyError(parsed.error)}`);
      bridge = parsed.data;
      logger.child({ module: 'dev-org' }).info({ url: bridge.url, audience: bridge.audience }, 'bridge settings set');
    },
    records,
    dml,
    controller,
    apexClasses: { ChatController: controller, ChatRoomController: roomController, ChatAuditController: auditController },
    sampleUsers,
  };
}
