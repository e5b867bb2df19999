/**
 * Pure mapping from a CometD platform event message to the bridge's {@link ChatEvent}.
 *
 * Follows "Subscribe to Platform Event Notifications with CometD" (API 40.0+): the replay id and
 * EventUuid are read only from `data.event`, the fields from `data.payload`. Anything that does not
 * match the contract is rejected with a reason (logged and counted by the caller), never thrown.
 */
import { z } from 'zod';
import { isSalesforceId } from '../salesforce/salesforce-id.js';
import { CHANGED_FIELDS_SEPARATOR, CHAT_EVENT_FIELDS, isChatEventType, type ChatEvent, type EventProvenance } from './contract.js';

/** Identity of a delivered event, readable even when its payload is malformed. */
export interface EventIdentity {
  /** `data.event.replayId`. */
  replayId: number;
  /** `data.event.EventUuid`. */
  eventUuid: string;
}

/** Why a message was not forwarded: `malformed` (shape) or `unknown-type` (`Type__c` value). */
export type RejectReason = 'malformed' | 'unknown-type';

/** Outcome of {@link toChatEvent}. */
export type MappingResult =
  | { ok: true; event: ChatEvent; provenance: EventProvenance }
  | { ok: false; reason: RejectReason; detail: string };

// Salesforce ids: 15 characters, or 18 with a matching checksum.
const sfId = z.string().refine(isSalesforceId, 'not a Salesforce id');

const identitySchema = z.object({
  event: z.object({ replayId: z.number().finite(), EventUuid: z.string().min(1) }),
});

// Provenance (contract 2.2.0) is optional text: absent or null on events of other publishers.
const optionalText = z.string().nullish();

/** The fields a publisher sets; Salesforce adds the rest of the payload. */
const publishedFieldsSchema = z.object({
  [CHAT_EVENT_FIELDS.type]: z.string(),
  [CHAT_EVENT_FIELDS.recordId]: sfId,
  [CHAT_EVENT_FIELDS.userId]: sfId,
  [CHAT_EVENT_FIELDS.source]: optionalText,
  [CHAT_EVENT_FIELDS.requestId]: optionalText,
  [CHAT_EVENT_FIELDS.changedFields]: optionalText,
  // Contract 2.3.0: blank (absent or null) for org-wide presence and older publishers; else an id.
  [CHAT_EVENT_FIELDS.roomId]: sfId.nullish(),
});

const payloadSchema = publishedFieldsSchema.extend({
  CreatedById: sfId,
  CreatedDate: z.string().refine((d) => !Number.isNaN(Date.parse(d)), 'not a date'),
});

/** A field of `Chat_Event__e` that a publisher sets. */
export type PublishedField = (typeof CHAT_EVENT_FIELDS)[keyof typeof CHAT_EVENT_FIELDS];

/** One field value {@link toChatEvent} would reject. */
export interface FieldProblem {
  field: PublishedField;
  /** What is wrong, e.g. `not a Salesforce id`. */
  message: string;
}

/**
 * Reads replay id and EventUuid from a delivered message's `data`.
 * @param data - the `data` member of a CometD message on the event channel (any value).
 * @returns the identity, or undefined when the message has none (it cannot be tracked or replayed).
 */
export function eventIdentity(data: unknown): EventIdentity | undefined {
  const parsed = identitySchema.safeParse(data);
  if (!parsed.success) return undefined;
  return { replayId: parsed.data.event.replayId, eventUuid: parsed.data.event.EventUuid };
}

/**
 * Checks the values a publisher is about to give `Chat_Event__e` by the rule {@link toChatEvent}
 * applies on delivery, so a publisher can refuse what the bridge would drop as `malformed`. Only the
 * fields present (not `undefined`) are checked; `Type__c` is checked for being a string only
 * (whether the bridge knows the type is {@link isChatEventType}).
 * @returns the problems, one per rejected field; empty when every present value would pass.
 */
export function publishedFieldProblems(fields: Partial<Record<PublishedField, unknown>>): FieldProblem[] {
  const parsed = publishedFieldsSchema.partial().safeParse(fields);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ field: issue.path[0] as PublishedField, message: issue.message }));
}

/**
 * Maps a delivered message's `data` to a {@link ChatEvent}.
 * @param data - the `data` member of a CometD message (`{ schema, payload, event }`).
 * @param identity - its {@link eventIdentity}, when the caller has read it already.
 * @returns `{ ok: true, event, provenance }`, or `{ ok: false, reason, detail }` for anything
 *   off-contract: missing or null required fields (a Text field set to "" arrives as null), ids that
 *   are not Salesforce ids (a `Room_Id__c` that is present and not null included), provenance that is
 *   not text, or a `Type__c` outside {@link CHAT_EVENT_TYPES}.
 *   `provenance` is `null`/empty where the publisher set none.
 */
export function toChatEvent(data: unknown, identity = eventIdentity(data)): MappingResult {
  if (!identity) return { ok: false, reason: 'malformed', detail: 'no data.event.replayId/EventUuid' };
  const payload = payloadSchema.safeParse((data as { payload?: unknown }).payload);
  if (!payload.success) {
    const detail = payload.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    return { ok: false, reason: 'malformed', detail };
  }
  const p = payload.data as Record<string, string>;
  const provenance = payload.data as Record<string, string | null | undefined>;
  const type = p[CHAT_EVENT_FIELDS.type];
  if (!isChatEventType(type)) return { ok: false, reason: 'unknown-type', detail: `Type__c ${JSON.stringify(type)}` };
  return {
    ok: true,
    event: {
      type,
      recordId: p[CHAT_EVENT_FIELDS.recordId],
      userId: p[CHAT_EVENT_FIELDS.userId],
      createdById: p.CreatedById,
      createdDate: p.CreatedDate,
      replayId: identity.replayId,
      eventUuid: identity.eventUuid,
      roomId: provenance[CHAT_EVENT_FIELDS.roomId] ?? null,
    },
    provenance: {
      source: provenance[CHAT_EVENT_FIELDS.source] ?? null,
      requestId: provenance[CHAT_EVENT_FIELDS.requestId] ?? null,
      changedFields: splitChangedFields(provenance[CHAT_EVENT_FIELDS.changedFields]),
    },
  };
}

/** `Changed_Fields__c` as a list: comma-separated API names, blanks dropped. */
function splitChangedFields(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(CHANGED_FIELDS_SEPARATOR)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
