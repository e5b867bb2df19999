/**
 * The `Chat_Event__e` platform event as the dev org defines it: its fields (names from
 * bridge/events/contract.ts, lengths and required flags as in force-app), how a publish request's
 * field values are checked and stored, and the `data` object a CometD subscriber receives
 * ("Subscribe to Platform Event Notifications with CometD": `{ schema, payload, event }`).
 */
import { createHash } from 'node:crypto';
import { CHAT_EVENT_API_NAME, CHAT_EVENT_FIELDS } from '../../../bridge/events/contract.js';
import {
  invalidField,
  jsonToken,
  readOnlyField,
  requiredFieldsMissing,
  stringTooLong,
  wrongJsonType,
  type SObjectError,
} from './sobject-errors.js';

export type { SObjectError } from './sobject-errors.js';

interface TextField {
  readonly name: string;
  readonly label: string;
  readonly length: number;
  readonly required: boolean;
}

/** Custom fields of `Chat_Event__e`, in definition order (all Text). */
const CUSTOM_FIELDS: readonly TextField[] = [
  { name: CHAT_EVENT_FIELDS.type, label: 'Type', length: 40, required: true },
  { name: CHAT_EVENT_FIELDS.recordId, label: 'Record Id', length: 18, required: false },
  { name: CHAT_EVENT_FIELDS.userId, label: 'User Id', length: 18, required: false },
  { name: CHAT_EVENT_FIELDS.source, label: 'Source', length: 40, required: false },
  { name: CHAT_EVENT_FIELDS.requestId, label: 'Request Id', length: 64, required: false },
  { name: CHAT_EVENT_FIELDS.changedFields, label: 'Changed Fields', length: 255, required: false },
];

/** Standard fields the platform sets; a publish request may not. */
const SYSTEM_FIELDS = ['CreatedDate', 'CreatedById', 'EventUuid', 'ReplayId'] as const;

/** Custom field values as stored: every custom field present, `null` when not set. */
export type ChatEventValues = Readonly<Record<string, string | null>>;

/** The result of checking a publish request body. */
export type ChatEventCheck = { ok: true; values: ChatEventValues } | { ok: false; errors: SObjectError[] };

/**
 * Checks the JSON body of a publish request the way Salesforce REST does: field names are
 * case-insensitive, `attributes` is ignored, an unknown field fails the whole request
 * (`INVALID_FIELD`), standard fields cannot be set (`INVALID_FIELD_FOR_INSERT_UPDATE`), objects and
 * arrays are not text (`JSON_PARSER_ERROR`), numbers and booleans become text, `""` becomes `null`
 * (as for a Text field set to "" in Apex), `Type__c` is required (`REQUIRED_FIELD_MISSING`) and
 * lengths are enforced (`STRING_TOO_LONG`).
 */
export function checkChatEventFields(body: unknown): ChatEventCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const token = Array.isArray(body) ? 'START_ARRAY' : 'VALUE_STRING';
    return fail(wrongJsonType(CHAT_EVENT_API_NAME, token));
  }
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'attributes') continue;
    const system = SYSTEM_FIELDS.find((f) => f.toLowerCase() === key.toLowerCase());
    if (system) return fail(readOnlyField(system));
    const field = CUSTOM_FIELDS.find((f) => f.name.toLowerCase() === key.toLowerCase());
    if (!field) return fail(invalidField(key, CHAT_EVENT_API_NAME));
    if (typeof value === 'object' && value !== null) return fail(wrongJsonType('string', jsonToken(value)));
    given.set(field.name, value);
  }

  const values: Record<string, string | null> = {};
  const errors: SObjectError[] = [];
  const missing: string[] = [];
  for (const field of CUSTOM_FIELDS) {
    const value = textValue(given.get(field.name));
    values[field.name] = value;
    if (value === null && field.required) missing.push(field.name);
    if (value !== null && value.length > field.length) errors.push(stringTooLong(field, value));
  }
  if (missing.length > 0) errors.unshift(requiredFieldsMissing(missing));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}

function textValue(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return String(value);
}

function fail(error: SObjectError): ChatEventCheck {
  return { ok: false, errors: [error] };
}

/**
 * Schema id of the event, as delivered in `data.schema`: opaque, stable while the fields do not
 * change (Salesforce derives it from the field definitions, too).
 */
export const CHAT_EVENT_SCHEMA_ID = createHash('sha256')
  .update(JSON.stringify([CHAT_EVENT_API_NAME, ...SYSTEM_FIELDS, ...CUSTOM_FIELDS.map((f) => f.name)]))
  .digest('base64url')
  .slice(0, 22);

/** A published event, as the event log keeps it. */
export interface StoredChatEvent {
  readonly replayId: number;
  readonly eventUuid: string;
  /** Standard `CreatedDate`, ISO 8601 UTC. */
  readonly createdDate: string;
  /** Standard `CreatedById`: the publishing user. */
  readonly createdById: string;
  readonly values: ChatEventValues;
}

/** The `data` of a delivered platform event message (API 40.0 and later). */
export interface ChatEventData {
  schema: string;
  payload: Record<string, string | null>;
  event: { EventUuid: string; replayId: number };
}

/** Builds the `data` a subscriber receives for a stored event. */
export function toEventData(event: StoredChatEvent): ChatEventData {
  return {
    schema: CHAT_EVENT_SCHEMA_ID,
    payload: { CreatedDate: event.createdDate, CreatedById: event.createdById, ...event.values },
    event: { EventUuid: event.eventUuid, replayId: event.replayId },
  };
}
