/**
 * Publishing `Chat_Event__e`: the one path REST publish and `DevOrg.publishEvent` share, so
 * both check fields the same way, stamp the same standard fields (CreatedDate, CreatedById,
 * EventUuid, replay id) and deliver the same way — retained for replay, then to live subscribers.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { CHAT_EVENT_API_NAME } from '../../../bridge/events/contract.js';
import { checkChatEventFields, type SObjectError, type StoredChatEvent } from './chat-event.js';
import { KEY_PREFIX, newRecordId } from './ids.js';

/** What a successful publish answers. */
export interface PublishResult {
  /** `e00…`: what REST answers as the event's id. */
  id: string;
  replayId: number;
  eventUuid: string;
}

/** The fields were refused; `errors` is what REST answers with 400. */
export class PublishRejectedError extends Error {
  readonly errors: SObjectError[];

  constructor(errors: SObjectError[]) {
    super(`${CHAT_EVENT_API_NAME} not published: ${errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ')}`);
    this.name = 'PublishRejectedError';
    this.errors = errors;
  }
}

/** Options of {@link createEventBus}. */
export interface EventBusOptions {
  /** Where published events are retained (the Streaming API's event log): stamps the replay id. */
  log: { append(make: (replayId: number) => StoredChatEvent): StoredChatEvent };
  /** Hands a stored event to live subscribers. */
  deliver: (event: StoredChatEvent) => void;
  logger: Logger;
}

/** Publishes events of one dev org. */
export interface EventBus {
  /**
   * Checks and publishes one event.
   * @param fields - the JSON body of a REST publish (custom fields by API name).
   * @param createdById - the publishing user (`CreatedById`).
   * @throws PublishRejectedError when a field is unknown, read-only, not text, too long, or `Type__c` is missing.
   */
  publish(fields: unknown, createdById: string): PublishResult;
}

/** Creates the publishing path over a log and a delivery function. */
export function createEventBus(options: EventBusOptions): EventBus {
  const logger = options.logger.child({ module: 'event-bus' });
  return {
    publish(fields, createdById) {
      const check = checkChatEventFields(fields);
      if (!check.ok) throw new PublishRejectedError(check.errors);
      const event = options.log.append((replayId) => ({
        replayId,
        eventUuid: randomUUID(),
        createdDate: new Date().toISOString(),
        createdById,
        values: check.values,
      }));
      options.deliver(event);
      logger.debug({ replayId: event.replayId, eventUuid: event.eventUuid }, 'event published');
      return { id: newRecordId(KEY_PREFIX.platformEvent), replayId: event.replayId, eventUuid: event.eventUuid };
    },
  };
}
