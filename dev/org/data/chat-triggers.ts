/**
 * The chat triggers of force-app, mirrored: what `ChatMessageTriggerHandler`,
 * `ChatUserTriggerHandler` and `ChatEventService` do around a committed write.
 *
 * - before insert of `Chat_Message__c`: a blank `User__c` becomes the inserting user;
 * - after insert / update / delete / undelete of `Chat_Message__c`: one `Chat_Event__e` per record,
 *   `MESSAGE_CREATED` / `_UPDATED` / `_DELETED` / `_UNDELETED`, `Record_Id__c` = the message id,
 *   `User_Id__c` = `User__c`, or `CreatedById` when `User__c` is blank; an update only for records
 *   whose chat fields ({@link MESSAGE_CHAT_FIELDS}) changed, naming them in `Changed_Fields__c`;
 * - after insert / update of `User`: `USER_ENTERED` / `USER_LEFT` only for users whose
 *   `Chat_Active__c` changed (a new user counts only when created active), `Record_Id__c` =
 *   `User_Id__c` = the user id.
 *
 * Every event carries the write's request (apex-request.ts) as `Source__c` (its quiddity) and
 * `Request_Id__c`, as `ChatEventPublisher` reads `Request.getCurrent()`. Events go through the dev
 * org's event bus (the path REST publish takes) with `CreatedById` = the user whose session made
 * the write. Like `ChatEventPublisher`, a publish failure is logged, never
 * thrown: the write has committed. The Apex "bypass" switches (Chat_Bypass_Events, handler bypass)
 * have no dev org counterpart. The scenarios of force-app's chatScenarios static resource
 * run against this module (test/dev/org/scenarios.test.ts) and against the Apex (ChatScenarios_Tests).
 */
import type { Logger } from 'pino';
import { CHANGED_FIELDS_SEPARATOR, CHAT_EVENT_FIELDS, type ChatEventType } from '../../../bridge/events/contract.js';
import type { ApexRequest } from './apex-request.js';
import type { EventBus } from './event-bus.js';
import type { ChatMessageRecord, SampleUser } from './records.js';
import { CHAT_MESSAGE_FIELDS } from './sobjects.js';

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

/**
 * `ChatEventService.CHAT_FIELDS`: the chat fields of `Chat_Message__c`, in the order
 * `Changed_Fields__c` names them. An update that changes none of them publishes nothing.
 */
export const MESSAGE_CHAT_FIELDS = [CHAT_MESSAGE_FIELDS.content, CHAT_MESSAGE_FIELDS.user] as const;

/** The custom field values of one event to publish (`Type__c`, `Record_Id__c`, `User_Id__c`, provenance). */
export type ChatEventFieldValues = Readonly<Record<string, string>>;

function eventFields(type: ChatEventType, recordId: string, userId: string, request: ApexRequest, changedFields: readonly string[] = []): ChatEventFieldValues {
  return {
    [CHAT_EVENT_FIELDS.type]: type,
    [CHAT_EVENT_FIELDS.recordId]: recordId,
    [CHAT_EVENT_FIELDS.userId]: userId,
    [CHAT_EVENT_FIELDS.source]: request.quiddity,
    [CHAT_EVENT_FIELDS.requestId]: request.requestId,
    ...(changedFields.length > 0 ? { [CHAT_EVENT_FIELDS.changedFields]: changedFields.join(CHANGED_FIELDS_SEPARATOR) } : {}),
  };
}

/**
 * `ChatEventService.changedChatFields`: the chat fields whose values differ (text compared exactly,
 * case included), in {@link MESSAGE_CHAT_FIELDS} order.
 */
export function changedChatFields(current: Pick<ChatMessageRecord, 'Content__c' | 'User__c'>, previous: Pick<ChatMessageRecord, 'Content__c' | 'User__c'>): string[] {
  return MESSAGE_CHAT_FIELDS.filter((field) => current[field] !== previous[field]);
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
 * (`ChatEventService.publishMessageEvents`); for `afterUpdate` one per record whose chat fields
 * changed against `oldById` (`publishMessageUpdates`). For `afterDelete` pass the records as they were.
 */
export function messageEvents(
  context: MessageTriggerContext,
  messages: readonly Pick<ChatMessageRecord, 'Id' | 'User__c' | 'CreatedById' | 'Content__c'>[],
  request: ApexRequest,
  oldById?: ReadonlyMap<string, Pick<ChatMessageRecord, 'Content__c' | 'User__c'>>,
): ChatEventFieldValues[] {
  const type = MESSAGE_EVENT_TYPE[context];
  if (context !== 'afterUpdate') return messages.map((m) => eventFields(type, m.Id, m.User__c ?? m.CreatedById, request));
  return messages.flatMap((m) => {
    const old = oldById?.get(m.Id);
    const changed = old === undefined ? [...MESSAGE_CHAT_FIELDS] : changedChatFields(m, old);
    return changed.length === 0 ? [] : [eventFields(type, m.Id, m.User__c ?? m.CreatedById, request, changed)];
  });
}

/**
 * The events of one `User` after-trigger (`ChatEventService.publishPresenceEvents`).
 * @param oldById - the rows before the write (Trigger.oldMap), or `null` after insert.
 */
export function presenceEvents(
  users: readonly Pick<SampleUser, 'Id' | 'Chat_Active__c'>[],
  oldById: ReadonlyMap<string, Pick<SampleUser, 'Chat_Active__c'>> | null,
  request: ApexRequest,
): ChatEventFieldValues[] {
  const events: ChatEventFieldValues[] = [];
  for (const user of users) {
    const isActive = user.Chat_Active__c === true;
    const wasActive = oldById?.get(user.Id)?.Chat_Active__c === true;
    if (isActive && !wasActive) events.push(eventFields(PRESENCE_EVENT_TYPE.entered, user.Id, user.Id, request));
    else if (!isActive && wasActive) events.push(eventFields(PRESENCE_EVENT_TYPE.left, user.Id, user.Id, request));
  }
  return events;
}

/** The after-triggers, publishing through the event bus. */
export interface ChatTriggers {
  /**
   * Publishes the events of a committed `Chat_Message__c` write made in `request`.
   * @param oldById - `afterUpdate`: the rows before the write (Trigger.oldMap).
   */
  afterMessages(context: MessageTriggerContext, messages: readonly ChatMessageRecord[], request: ApexRequest, oldById?: ReadonlyMap<string, ChatMessageRecord>): void;
  /** Publishes the events of a committed `User` update made in `request`. */
  afterUsers(users: readonly SampleUser[], oldById: ReadonlyMap<string, SampleUser> | null, request: ApexRequest): void;
}

/** Creates the after-triggers of one dev org over its event bus. */
export function createChatTriggers(bus: EventBus, logger: Logger): ChatTriggers {
  const log = logger.child({ module: 'chat-triggers' });
  const publishAll = (events: readonly ChatEventFieldValues[], request: ApexRequest) => {
    for (const fields of events) {
      try {
        bus.publish(fields, request.userId);
      } catch (err) {
        // ChatEventPublisher.reportFailures: the save stands, the failure is logged.
        log.error({ err, type: fields[CHAT_EVENT_FIELDS.type], recordId: fields[CHAT_EVENT_FIELDS.recordId] }, 'trigger publish failed');
      }
    }
  };
  return {
    afterMessages(context, messages, request, oldById) {
      publishAll(messageEvents(context, messages, request, oldById), request);
    },
    afterUsers(users, oldById, request) {
      publishAll(presenceEvents(users, oldById, request), request);
    },
  };
}
