/**
 * The two sObjects the dev org stores, described as force-app defines them (field API names,
 * labels, types, lengths) plus the standard fields a real org adds, and how the JSON body of a REST
 * write is checked against such a description — the field-level half of Salesforce's save
 * ("Triggers and Order of Execution": system validation before the before-triggers). Whether a
 * referenced record exists is checked later, by the DML layer, which holds the data.
 *
 * Field-level rules only: force-app defines no validation rule on Chat_Message__c, so, as in a real
 * org with this package, a REST insert with blank `Content__c` is accepted (only ChatController
 * refuses blank messages).
 */
import { isWellFormedId, KEY_PREFIX } from './ids.js';
import {
  invalidField,
  jsonToken,
  readOnlyField,
  stringTooLong,
  wrongJsonType,
  type SObjectError,
} from './sobject-errors.js';

/** API name of the chat message object. */
export const CHAT_MESSAGE = 'Chat_Message__c';
/** API name of the standard User object. */
export const USER = 'User';

/** Custom fields of `Chat_Message__c` (force-app/main/default/objects/Chat_Message__c/fields). */
export const CHAT_MESSAGE_FIELDS = {
  /** LongTextArea(32768): the message text. */
  content: 'Content__c',
  /** Lookup(User): the author; the before-insert trigger fills it when blank. */
  user: 'User__c',
  /** MasterDetail(Chat_Room__c): the room; the before-insert trigger fills a blank one with the default room. */
  room: 'Room__c',
} as const;

/** API name of the chat room object. */
export const CHAT_ROOM = 'Chat_Room__c';
/** API name of the room membership object. */
export const CHAT_ROOM_MEMBER = 'Chat_Room_Member__c';

/** Custom fields of `User` (force-app/main/default/objects/User/fields). */
export const USER_FIELDS = {
  /** Checkbox, default false: the user is in the chat room. */
  chatActive: 'Chat_Active__c',
} as const;

/** Length of `Chat_Message__c.Content__c`, characters (its `<length>` in force-app). */
export const CONTENT_MAX_LENGTH = 32_768;

/** How a field's JSON value is read. */
export type FieldType = 'id' | 'text' | 'reference' | 'boolean' | 'datetime';

/** One field of an sObject describe. */
export interface FieldDescribe {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  /** Longest text, characters (text fields). */
  readonly length?: number;
  /** Key prefix of the object a reference points to. */
  readonly referenceTo?: { readonly sobject: string; readonly keyPrefix: string };
  /** May a REST insert set it? */
  readonly createable: boolean;
  /** May a REST update set it? */
  readonly updateable: boolean;
}

/** The describe of one sObject, as far as the dev org needs it. */
export interface SObjectDescribe {
  readonly name: string;
  readonly keyPrefix: string;
  /** Every field in the order a REST GET lists them. */
  readonly fields: readonly FieldDescribe[];
}

const readOnly = { createable: false, updateable: false } as const;
const writable = { createable: true, updateable: true } as const;
const userReference = { sobject: USER, keyPrefix: KEY_PREFIX.user } as const;
const roomReference = { sobject: CHAT_ROOM, keyPrefix: KEY_PREFIX.chatRoom } as const;

/** `Chat_Message__c`: standard fields, then the custom ones of force-app. */
export const CHAT_MESSAGE_DESCRIBE: SObjectDescribe = {
  name: CHAT_MESSAGE,
  keyPrefix: KEY_PREFIX.chatMessage,
  fields: [
    { name: 'Id', label: 'Record ID', type: 'id', ...readOnly },
    { name: 'IsDeleted', label: 'Deleted', type: 'boolean', ...readOnly },
    { name: 'Name', label: 'Message Number', type: 'text', length: 80, ...readOnly },
    { name: 'CreatedDate', label: 'Created Date', type: 'datetime', ...readOnly },
    { name: 'CreatedById', label: 'Created By ID', type: 'reference', referenceTo: userReference, ...readOnly },
    { name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime', ...readOnly },
    { name: 'LastModifiedById', label: 'Last Modified By ID', type: 'reference', referenceTo: userReference, ...readOnly },
    { name: CHAT_MESSAGE_FIELDS.content, label: 'Content', type: 'text', length: CONTENT_MAX_LENGTH, ...writable },
    { name: CHAT_MESSAGE_FIELDS.user, label: 'User', type: 'reference', referenceTo: userReference, ...writable },
    // Master-detail, not reparentable: set on insert only.
    { name: CHAT_MESSAGE_FIELDS.room, label: 'Room', type: 'reference', referenceTo: roomReference, createable: true, updateable: false },
  ],
};

/** `User`: the fields the chat reads, plus the names an admin edits. */
export const USER_DESCRIBE: SObjectDescribe = {
  name: USER,
  keyPrefix: KEY_PREFIX.user,
  fields: [
    { name: 'Id', label: 'User ID', type: 'id', ...readOnly },
    { name: 'Username', label: 'Username', type: 'text', length: 80, ...readOnly },
    { name: 'LastName', label: 'Last Name', type: 'text', length: 80, ...writable },
    { name: 'FirstName', label: 'First Name', type: 'text', length: 40, ...writable },
    { name: 'Name', label: 'Full Name', type: 'text', length: 121, ...readOnly },
    { name: 'IsActive', label: 'Active', type: 'boolean', ...writable },
    { name: 'SmallPhotoUrl', label: 'Small Photo URL', type: 'text', length: 1024, ...readOnly },
    { name: USER_FIELDS.chatActive, label: 'Chat Active', type: 'boolean', ...writable },
  ],
};

/** The describes the REST sObject routes serve. */
export const RECORD_DESCRIBES: readonly SObjectDescribe[] = [CHAT_MESSAGE_DESCRIBE, USER_DESCRIBE];

/** The describe of an sObject name as it appears in a URL (case-insensitive), or `undefined`. */
export function describeOf(name: string | undefined): SObjectDescribe | undefined {
  const wanted = (name ?? '').toLowerCase();
  return RECORD_DESCRIBES.find((d) => d.name.toLowerCase() === wanted);
}

/** A field of a describe by name (case-insensitive), or `undefined`. */
export function fieldOf(describe: SObjectDescribe, name: string): FieldDescribe | undefined {
  const wanted = name.toLowerCase();
  return describe.fields.find((f) => f.name.toLowerCase() === wanted);
}

/** A field value after the checks: text or null, boolean, or a well-formed id (15 or 18 characters) or null. */
export type FieldValue = string | boolean | null;

/** Result of {@link checkFieldValues}: values keyed by the field's exact API name, or the REST errors. */
export type FieldCheck = { ok: true; values: Map<string, FieldValue> } | { ok: false; errors: SObjectError[] };

/**
 * Checks the JSON body of a REST insert or update as Salesforce does: field names are
 * case-insensitive and `attributes` is ignored; an unknown field (`INVALID_FIELD`) or one the
 * operation may not set (`INVALID_FIELD_FOR_INSERT_UPDATE`) fails the whole request; objects and arrays
 * are not scalar values (`JSON_PARSER_ERROR`); `""` is stored as null; numbers and booleans become
 * text; a checkbox takes `true`/`false` (or those words), null meaning false; a reference takes a
 * well-formed id (`MALFORMED_ID`) of the right object (`FIELD_INTEGRITY_EXCEPTION`); text longer than
 * the field fails with `STRING_TOO_LONG`.
 */
export function checkFieldValues(describe: SObjectDescribe, body: unknown, operation: 'create' | 'update'): FieldCheck {
  if (body === undefined || body === null) return { ok: true, values: new Map() };
  if (typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: [wrongJsonType(describe.name, jsonToken(body))] };
  }
  const values = new Map<string, FieldValue>();
  for (const [key, raw] of Object.entries(body)) {
    if (key.toLowerCase() === 'attributes') continue;
    const field = fieldOf(describe, key);
    if (!field) return { ok: false, errors: [invalidField(key, describe.name)] };
    if (!(operation === 'create' ? field.createable : field.updateable)) return { ok: false, errors: [readOnlyField(field.name)] };
    const converted = convert(field, raw);
    if ('error' in converted) return { ok: false, errors: [converted.error] };
    values.set(field.name, converted.value);
  }
  return { ok: true, values };
}

function convert(field: FieldDescribe, raw: unknown): { value: FieldValue } | { error: SObjectError } {
  if (typeof raw === 'object' && raw !== null) {
    return { error: wrongJsonType(field.type === 'boolean' ? 'boolean' : 'string', jsonToken(raw)) };
  }
  switch (field.type) {
    case 'boolean': {
      if (raw === null || raw === undefined) return { value: false };
      if (typeof raw === 'boolean') return { value: raw };
      const word = String(raw).toLowerCase();
      if (word === 'true' || word === 'false') return { value: word === 'true' };
      return { error: wrongJsonType('boolean', jsonToken(raw)) };
    }
    case 'reference': {
      if (raw === null || raw === undefined || raw === '') return { value: null };
      const id = String(raw);
      if (!isWellFormedId(id)) {
        return { error: { errorCode: 'MALFORMED_ID', message: `${field.label}: id value of incorrect type: ${id}`, fields: [field.name] } };
      }
      if (field.referenceTo && id.slice(0, 3) !== field.referenceTo.keyPrefix) {
        return {
          error: { errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: `${field.label}: id value of incorrect type: ${id}`, fields: [field.name] },
        };
      }
      return { value: id };
    }
    default: {
      if (raw === null || raw === undefined || raw === '') return { value: null };
      const text = String(raw);
      if (field.length !== undefined && text.length > field.length) {
        return { error: stringTooLong({ name: field.name, label: field.label, length: field.length }, text) };
      }
      return { value: text };
    }
  }
}
