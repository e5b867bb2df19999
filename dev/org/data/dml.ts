/**
 * Writes to the dev org's records — insert, update, delete and undelete of `Chat_Message__c`, insert and
 * update of `User` — in Salesforce's order of execution: field checks, before-trigger, reference checks, save,
 * after-triggers (which publish `Chat_Event__e`). Every write of the dev org comes through here: REST
 * (an integration or Data Loader), the ChatController endpoints (the component) and the programmatic
 * API, so all of them reach open chats the same way.
 *
 * Each call is all-or-nothing, like a DML statement without `allOrNone=false`: when any row fails,
 * nothing is saved, no trigger runs and nothing is published; the first failure is thrown as a
 * {@link DmlError} carrying the REST status and error body a real org answers. Record-level access of
 * messages is their room's (master-detail, rooms.ts {@link messageReaderOf}): a message of a room the
 * request's user cannot read is not found, and a new message needs Read on its room
 * (`writeRequiresMasterRead`); within readable rooms every user may write every message. Object and
 * field permissions are not modelled.
 */
import type { ApexRequest } from './apex-request.js';
import { canonicalRecordId } from './ids.js';
import { defaultAuthor, type ChatTriggers } from './chat-triggers.js';
import { defaultRoomId, memberKey, messageReaderOf, type MessageReader } from './rooms.js';
import { auditTimestamp, type ChatMessageRecord, type ChatRoomMemberRecord, type OrgRecords, type SampleUser } from './records.js';
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
  /**
   * Inserts room memberships (as `ChatRoomService` does, in system mode), setting `Member_Key__c`;
   * the after-insert trigger publishes `USER_ENTERED` for present members.
   * @throws DmlError `DUPLICATE_VALUE` when a user is a member of the room already.
   */
  insertMembers(rows: readonly Omit<ChatRoomMemberRecord, 'Id' | 'Member_Key__c'>[], request: ApexRequest): ChatRoomMemberRecord[];
  /** Updates memberships (`Present__c`, `Last_Read_At__c`); a flip of `Present__c` enters or leaves. */
  updateMembers(rows: readonly ChatRoomMemberRecord[], request: ApexRequest): void;
  /** Deletes memberships; present members leave. */
  deleteMembers(ids: readonly string[], request: ApexRequest): void;
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

  /**
   * Before insert: a blank room is the default public room; a given one must exist (18-character form)
   * and be readable by the user (master-detail: writing a detail requires Read on its master).
   */
  function room(roomId: string | null, asUserId: string, canRead: MessageReader): string {
    if (roomId === null) return defaultRoomId(records, asUserId);
    const found = records.room(roomId);
    if (!found) {
      throw new DmlError(400, [
        { errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [CHAT_MESSAGE_FIELDS.room] },
      ]);
    }
    if (!canRead({ Room__c: found.Id })) {
      throw new DmlError(400, [
        { errorCode: 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', message: 'insufficient access rights on cross-reference id', fields: [] },
      ]);
    }
    return found.Id;
  }

  /** The message with this id as the request's user may see it: one they cannot read is not found (404), as a missing id. */
  function visibleMessage(id: string, canRead: MessageReader): ChatMessageRecord {
    const message = canonicalRecordId(id) === undefined ? undefined : records.message(id);
    if (!message || !canRead(message)) throw new DmlError(404, NOT_FOUND);
    return message;
  }

  function liveMessage(id: string, canRead: MessageReader): ChatMessageRecord {
    const message = visibleMessage(id, canRead);
    if (message.IsDeleted) throw new DmlError(404, ENTITY_IS_DELETED);
    return message;
  }

  const text = (value: FieldValue | undefined, fallback: string | null): string | null =>
    value === undefined ? fallback : (value as string | null);

  return {
    insertMessages(rows, request) {
      const asUserId = request.userId;
      const canRead = messageReaderOf(records, asUserId); // the readable rooms, read once per statement
      const drafts = rows.map((body) => {
        const values = checked(CHAT_MESSAGE_DESCRIBE, body, 'create');
        const draft = defaultAuthor(
          {
            Content__c: text(values.get(CHAT_MESSAGE_FIELDS.content), null),
            User__c: text(values.get(CHAT_MESSAGE_FIELDS.user), null),
          },
          asUserId,
        );
        return { ...draft, User__c: author(draft.User__c), Room__c: room(text(values.get(CHAT_MESSAGE_FIELDS.room), null), asUserId, canRead) };
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
      const canRead = messageReaderOf(records, request.userId);
      const now = auditTimestamp();
      const oldById = new Map<string, ChatMessageRecord>();
      const saved = rows.map(({ id, fields }) => {
        const old = liveMessage(id, canRead);
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
      const canRead = messageReaderOf(records, request.userId);
      const old = ids.map((id) => liveMessage(id, canRead));
      for (const message of old) records.putMessage({ ...message, IsDeleted: true });
      triggers.afterMessages('afterDelete', old, request);
    },

    undeleteMessages(ids, request) {
      const canRead = messageReaderOf(records, request.userId);
      const restored = ids.map((id) => {
        const message = visibleMessage(id, canRead);
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

    insertMembers(rows, request) {
      const keys = new Set(records.members().map((m) => m.Member_Key__c));
      const saved = rows.map((row) => {
        const key = memberKey(row.Room__c, row.User__c);
        if (keys.has(key)) {
          throw new DmlError(400, [{ errorCode: 'DUPLICATE_VALUE', message: `duplicate value found: Member_Key__c duplicates value on record with id: ${key}`, fields: ['Member_Key__c'] }]);
        }
        keys.add(key);
        return { ...row, Id: records.newMemberId(), Member_Key__c: key };
      });
      for (const member of saved) records.putMember(member);
      triggers.afterMembers(saved, null, false, request);
      return saved;
    },

    updateMembers(rows, request) {
      const oldById = new Map(records.members().map((m) => [m.Id, m]));
      const saved = rows.map((row) => ({ ...row, Member_Key__c: memberKey(row.Room__c, row.User__c) }));
      for (const member of saved) records.putMember(member);
      triggers.afterMembers(saved, oldById, false, request);
    },

    deleteMembers(ids, request) {
      const old = records.members().filter((m) => ids.includes(m.Id));
      for (const member of old) records.removeMember(member.Id);
      triggers.afterMembers(old, null, true, request);
    },
  };
}
