/**
 * The chat triggers of force-app, mirrored: what `ChatMessageTriggerHandler`,
 * `ChatUserTriggerHandler` and `ChatEventService` do around a committed write.
 *
 * - before insert of `Chat_Message__c`: a blank `User__c` becomes the inserting user;
 * - after insert / update / delete / undelete of `Chat_Message__c`: one `Chat_Event__e` per record,
 *   `MESSAGE_CREATED` / `_UPDATED` / `_DELETED` / `_UNDELETED`, `Record_Id__c` = the message id,
 *   `User_Id__c` = `User__c`, or `CreatedById` when `User__c` is blank;
 * - after insert / update of `User`: `USER_ENTERED` / `USER_LEFT` only for users whose
 *   `Chat_Active__c` changed (a new user counts only when created active), `Record_Id__c` =
 *   `User_Id__c` = the user id.
 *
 * Events go through the dev org's event bus (the path REST publish takes) with `CreatedById` = the
 * user whose session made the write. Like `ChatEventPublisher`, a publish failure is logged, never
 * thrown: the write has committed. The Apex "bypass" switches (Chat_Bypass_Events, handler bypass)
 * have no dev org counterpart. The scenarios of force-app's chatScenarios static resource
 * run against this module (test/dev/org/scenarios.test.ts) and against the Apex (ChatScenarios_Tests).
 */
import type { Logger } from 'pino';
import { CHAT_EVENT_FIELDS, type ChatEventType } from '../../../bridge/events/contract.js';
import type { EventBus } from './event-bus.js';
import type { ChatMessageRecord, SampleUser } from './records.js';

/** The after-trigger contexts of `Chat_Message__c` (named as the Apex handler's methods). */
export type MessageTriggerContext = 'afterInsert' | 'afterUpdate' | 'afterDelete' | 'afterUndelete';

/** The `Type__c` each `Chat_Message__c` after-trigger context publishes. */
export const MESSAGE_EVENT_TYPE = {
  afterInsert: 'MESSAGE_CREATED',
  afterUpdate: 'MESSAGE_UPDATED',
  afterDelete: 'MESSAGE_DELETED',
  afterUndelete: 'MESSAGE_UNDELETED',
} as const satisfies Readonly<Record<MessageTriggerContext, ChatEventType>>;

/** The `Type__c` of a user whose `Chat_Active__c` became true, and became false. */
export const PRESENCE_EVENT_TYPE = {
  entered: 'USER_ENTERED',
  left: 'USER_LEFT',
} as const satisfies Readonly<Record<string, ChatEventType>>;

/** The custom field values of one event to publish (`Type__c`, `Record_Id__c`, `User_Id__c`). */
export type ChatEventFieldValues = Readonly<Record<string, string>>;

function eventFields(type: ChatEventType, recordId: string, userId: string): ChatEventFieldValues {
  return { [CHAT_EVENT_FIELDS.type]: type, [CHAT_EVENT_FIELDS.recordId]: recordId, [CHAT_EVENT_FIELDS.userId]: userId };
}

/**
 * Before insert: the message with a blank `User__c` authored by `runningUserId` (others unchanged).
 * `ChatMessageTriggerHandler.beforeInsert`.
 */
export function defaultAuthor<T extends Pick<ChatMessageRecord, 'User__c'>>(message: T, runningUserId: string): T {
  return message.User__c ? message : { ...message, User__c: runningUserId };
}

/**
 * The events of one `Chat_Message__c` after-trigger: one per record, in record order
 * (`ChatEventService.publishMessageEvents`). For `afterDelete` pass the records as they were.
 */
export function messageEvents(
  context: MessageTriggerContext,
  messages: readonly Pick<ChatMessageRecord, 'Id' | 'User__c' | 'CreatedById'>[],
): ChatEventFieldValues[] {
  return messages.map((m) => eventFields(MESSAGE_EVENT_TYPE[context], m.Id, m.User__c ?? m.CreatedById));
}

/**
 * The events of one `User` after-trigger (`ChatEventService.publishPresenceEvents`).
 * @param oldById - the rows before the write (Trigger.oldMap), or `null` after insert.
 */
export function presenceEvents(
  users: readonly Pick<SampleUser, 'Id' | 'Chat_Active__c'>[],
  oldById: ReadonlyMap<string, Pick<SampleUser, 'Chat_Active__c'>> | null,
): ChatEventFieldValues[] {
  const events: ChatEventFieldValues[] = [];
  for (const user of users) {
    const isActive = user.Chat_Active__c === true;
    const wasActive = oldById?.get(user.Id)?.Chat_Active__c === true;
    if (isActive && !wasActive) events.push(eventFields(PRESENCE_EVENT_TYPE.entered, user.Id, user.Id));
    else if (!isActive && wasActive) events.push(eventFields(PRESENCE_EVENT_TYPE.left, user.Id, user.Id));
  }
  return events;
}

/** The after-triggers, publishing through the event bus. */
export interface ChatTriggers {
  /** Publishes the events of a committed `Chat_Message__c` write made by `runningUserId`. */
  afterMessages(context: MessageTriggerContext, messages: readonly ChatMessageRecord[], runningUserId: string): void;
  /** Publishes the events of a committed `User` update made by `runningUserId`. */
  afterUsers(users: readonly SampleUser[], oldById: ReadonlyMap<string, SampleUser> | null, runningUserId: string): void;
}

/** Creates the after-triggers of one dev org over its event bus. */
export function createChatTriggers(bus: EventBus, logger: Logger): ChatTriggers {
  const log = logger.child({ module: 'chat-triggers' });
  const publishAll = (events: readonly ChatEventFieldValues[], runningUserId: string) => {
    for (const fields of events) {
      try {
        bus.publish(fields, runningUserId);
      } catch (err) {
        // ChatEventPublisher.reportFailures: the save stands, the failure is logged.
        log.error({ err, type: fields[CHAT_EVENT_FIELDS.type], recordId: fields[CHAT_EVENT_FIELDS.recordId] }, 'trigger publish failed');
      }
    }
  };
  return {
    afterMessages(context, messages, runningUserId) {
      publishAll(messageEvents(context, messages), runningUserId);
    },
    afterUsers(users, oldById, runningUserId) {
      publishAll(presenceEvents(users, oldById), runningUserId);
    },
  };
}
