/**
 * Writes to the dev org's records — insert, update, delete and undelete of `Chat_Message__c`, insert and
 * update of `User` — in Salesforce's order of execution: field checks, before-trigger, reference checks, save,
 * after-triggers (which publish `Chat_Event__e`). Every write of the dev org comes through here: REST
 * (an integration or Data Loader), the ChatController endpoints (the component) and the programmatic
 * API, so all of them reach open chats the same way.
 *
 * Each call is all-or-nothing, like a DML statement without `allOrNone=false`: when any row fails,
 * nothing is saved, no trigger runs and nothing is published; the first failure is thrown as a
 * {@link DmlError} carrying the REST status and error body a real org answers. Record-level access
 * (sharing, permissions) is not modelled: every user may write every row.
 */
import type { ApexRequest } from './apex-request.js';
import { canonicalRecordId } from './ids.js';
import { defaultAuthor, type ChatTriggers } from './chat-triggers.js';
import { auditTimestamp, type ChatMessageRecord, type OrgRecords, type SampleUser } from './records.js';
import {
  CHAT_MESSAGE_DESCRIBE,
  CHAT_MESSAGE_FIELDS,
  checkFieldValues,
  USER_DESCRIBE,
  USER_FIELDS,
  type FieldValue,
  type SObjectDescribe,
} from './sobjects.js';
import { ENTITY_IS_DELETED, NOT_FOUND, requiredFieldsMissing, type SObjectError } from './sobject-errors.js';

/** A refused write: nothing was saved or published. */
export class DmlError extends Error {
  /** What REST answers: 400 for refused values, 404 for a missing or deleted record. */
  readonly status: 400 | 404;
  /** The REST error body. `errors[0].message` is what Apex's `getDmlMessage(0)` gives. */
  readonly errors: SObjectError[];

  constructor(status: 400 | 404, errors: SObjectError[]) {
    super(`DML refused: ${errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ')}`);
    this.name = 'DmlError';
    this.status = status;
    this.errors = errors;
  }
}

/** One row of an update: the record id (15 or 18 characters) and the REST body of field values. */
export interface UpdateRow {
  id: string;
  fields: unknown;
}

/**
 * The write operations of one dev org. `request` is the request the write runs in (apex-request.ts):
 * its user is whose session writes (CreatedById, LastModifiedById, the events' CreatedById), its
 * quiddity and request id go on the events the triggers publish.
 */
export interface Dml {
  /** Inserts messages (REST bodies); `User__c` defaults to the request's user. @returns the saved rows. */
  insertMessages(rows: readonly unknown[], request: ApexRequest): ChatMessageRecord[];
  /**
   * Updates messages (even without a changed value: the update trigger runs, and publishes only for
   * rows whose chat fields changed). @returns the saved rows.
   */
  updateMessages(rows: readonly UpdateRow[], request: ApexRequest): ChatMessageRecord[];
  /** Moves messages to the recycle bin. */
  deleteMessages(ids: readonly string[], request: ApexRequest): void;
  /** Restores messages from the recycle bin. @throws DmlError `UNDELETE_FAILED` for one that is not there. */
  undeleteMessages(ids: readonly string[], request: ApexRequest): void;
  /**
   * Inserts users given as complete rows, as an admin or Apex creates them (the dev org serves no
   * REST insert of User), then runs the after-insert trigger: users created with `Chat_Active__c`
   * enter the chat.
   */
  insertUsers(users: readonly SampleUser[], request: ApexRequest): void;
  /** Updates users (`FirstName`, `LastName`, `IsActive`, `Chat_Active__c`). @returns the saved rows. */
  updateUsers(rows: readonly UpdateRow[], request: ApexRequest): SampleUser[];
}

/** Creates the DML layer over one org's tables and triggers. */
export function createDml(records: OrgRecords, triggers: ChatTriggers): Dml {
  function checked(describe: SObjectDescribe, body: unknown, operation: 'create' | 'update'): Map<string, FieldValue> {
    const check = checkFieldValues(describe, body, operation);
    if (!check.ok) throw new DmlError(400, check.errors);
    return check.values;
  }

  /** The author must be an existing user (stored in 18-character form). */
  function author(userId: string | null): string | null {
    if (userId === null) return null;
    const user = records.user(userId);
    if (!user) {
      throw new DmlError(400, [
        { errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [CHAT_MESSAGE_FIELDS.user] },
      ]);
    }
    return user.Id;
  }

  function liveMessage(id: string): ChatMessageRecord {
    const message = canonicalRecordId(id) === undefined ? undefined : records.message(id);
    if (!message) throw new DmlError(404, NOT_FOUND);
    if (message.IsDeleted) throw new DmlError(404, ENTITY_IS_DELETED);
    return message;
  }

  const text = (value: FieldValue | undefined, fallback: string | null): string | null =>
    value === undefined ? fallback : (value as string | null);

  return {
    insertMessages(rows, request) {
      const asUserId = request.userId;
      const drafts = rows.map((body) => {
        const values = checked(CHAT_MESSAGE_DESCRIBE, body, 'create');
        const draft = defaultAuthor(
          {
            Content__c: text(values.get(CHAT_MESSAGE_FIELDS.content), null),
            User__c: text(values.get(CHAT_MESSAGE_FIELDS.user), null),
          },
          asUserId,
        );
        return { ...draft, User__c: author(draft.User__c) };
      });
      const now = auditTimestamp();
      const saved = drafts.map((draft) => ({
        ...records.newMessageKeys(),
        ...draft,
        CreatedById: asUserId,
        CreatedDate: now,
        LastModifiedById: asUserId,
        LastModifiedDate: now,
        IsDeleted: false,
      }));
      for (const message of saved) records.putMessage(message);
      triggers.afterMessages('afterInsert', saved, request);
      return saved;
    },

    updateMessages(rows, request) {
      const now = auditTimestamp();
      const oldById = new Map<string, ChatMessageRecord>();
      const saved = rows.map(({ id, fields }) => {
        const old = liveMessage(id);
        oldById.set(old.Id, old);
        const values = checked(CHAT_MESSAGE_DESCRIBE, fields, 'update');
        return {
          ...old,
          Content__c: text(values.get(CHAT_MESSAGE_FIELDS.content), old.Content__c),
          User__c: author(text(values.get(CHAT_MESSAGE_FIELDS.user), old.User__c)),
          LastModifiedById: request.userId,
          LastModifiedDate: now,
        };
      });
      for (const message of saved) records.putMessage(message);
      triggers.afterMessages('afterUpdate', saved, request, oldById);
      return saved;
    },

    deleteMessages(ids, request) {
      const old = ids.map(liveMessage);
      for (const message of old) records.putMessage({ ...message, IsDeleted: true });
      triggers.afterMessages('afterDelete', old, request);
    },

    undeleteMessages(ids, request) {
      const restored = ids.map((id) => {
        const message = canonicalRecordId(id) === undefined ? undefined : records.message(id);
        if (!message) throw new DmlError(404, NOT_FOUND);
        if (!message.IsDeleted) {
          throw new DmlError(400, [{ errorCode: 'UNDELETE_FAILED', message: 'Entity is not in the recycle bin', fields: [] }]);
        }
        return { ...message, IsDeleted: false };
      });
      for (const message of restored) records.putMessage(message);
      triggers.afterMessages('afterUndelete', restored, request);
    },

    insertUsers(users, request) {
      for (const user of users) records.putUser(user);
      triggers.afterUsers(users, null, request);
    },

    updateUsers(rows, request) {
      const oldById = new Map<string, SampleUser>();
      const saved = rows.map(({ id, fields }) => {
        const old = records.user(id);
        if (!old) throw new DmlError(404, NOT_FOUND);
        const values = checked(USER_DESCRIBE, fields, 'update');
        const firstName = text(values.get('FirstName'), old.FirstName);
        const lastName = text(values.get('LastName'), old.LastName);
        if (lastName === null) throw new DmlError(400, [requiredFieldsMissing(['LastName'])]);
        oldById.set(old.Id, old);
        return {
          ...old,
          FirstName: firstName,
          LastName: lastName,
          Name: firstName ? `${firstName} ${lastName}` : lastName,
          IsActive: (values.get('IsActive') as boolean | undefined) ?? old.IsActive,
          Chat_Active__c: (values.get(USER_FIELDS.chatActive) as boolean | undefined) ?? old.Chat_Active__c,
        };
      });
      for (const user of saved) records.putUser(user);
      triggers.afterUsers(saved, oldById, request);
      return saved;
    },
  };
}
