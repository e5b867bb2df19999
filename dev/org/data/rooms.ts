/**
 * Chat rooms in the dev org: force-app's `ChatRoomService` mirrored, so the rooms claim of the dev
 * org's browser tokens, its `ChatRoomController` and the parity scenarios decide room access by the
 * same rules as Apex:
 * - public rooms: every chat user;
 * - private rooms: their members;
 * - record rooms: members who can read the record. `UserRecordAccess.HasReadAccess` is emulated
 *   simply: each sample record lists its readers ({@link SampleRecord.readers}).
 * The claim lists the default room first, then member rooms by name, then other public rooms by
 * name, at most `ChatRoomService.MAX_TOKEN_ROOMS` (200). Membership writes go through the DML layer,
 * whose trigger publishes `USER_ENTERED` / `USER_LEFT` for the room. Sharing itself (the member
 * shares) has no dev org counterpart: reads of a room's messages check {@link RoomService.requireReadable},
 * and every read or write of a message on a user's behalf checks {@link messageReaderOf} (the same rule).
 */
import type { ApexRequest } from './apex-request.js';
import type { Dml } from './dml.js';
import { canonicalRecordId } from './ids.js';
import { auditTimestamp, type ChatMessageRecord, type ChatRoomMemberRecord, type ChatRoomRecord, type ChatRoomType, type OrgRecords } from './records.js';

/** `ChatRoomService.DEFAULT_ROOM_NAME`. */
export const DEFAULT_ROOM_NAME = 'General';
/** `ChatRoomService.MAX_TOKEN_ROOMS`: most ids in the token's `rooms` claim. */
export const MAX_ROOMS_IN_TOKEN = 200;
/** `ChatRoomService.MAX_NAME_LENGTH`. */
export const MAX_ROOM_NAME_LENGTH = 80;

/** Thrown with a message meant for the user (`ChatRoomService.ChatRoomException`). */
export class RoomError extends Error {}

/**
 * The default public room (`ChatRoomService.defaultRoomId`): the oldest public room flagged
 * `Is_Default__c`, created (owned by `ownerId`) when there is none.
 */
export function defaultRoomId(records: OrgRecords, ownerId: string): string {
  const existing = records.rooms().find((r) => r.Is_Default__c && r.Type__c === 'Public');
  if (existing) return existing.Id;
  const room: ChatRoomRecord = {
    Id: records.newRoomId(),
    Name: DEFAULT_ROOM_NAME,
    Type__c: 'Public',
    Record_Id__c: null,
    Is_Default__c: true,
    OwnerId: ownerId,
    CreatedDate: auditTimestamp(),
  };
  records.putRoom(room);
  return room.Id;
}

/** `ChatRoomService.memberKey`: 18-character room id + 18-character user id. */
export const memberKey = (roomId: string, userId: string): string => `${roomId}${userId}`;

const membershipsOf = (records: OrgRecords, userId: string) => records.members().filter((m) => m.User__c === userId);

/** `UserRecordAccess.HasReadAccess`, emulated: the sample record lists the user among its readers. */
const hasReadAccess = (records: OrgRecords, userId: string, recordId: string | null) =>
  recordId !== null && (records.sampleRecord(recordId)?.readers.includes(userId) ?? false);

const byName = (a: ChatRoomRecord, b: ChatRoomRecord) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : a.Id < b.Id ? -1 : 1);

/** Readable rooms in claim order (default, member rooms by name, other public rooms by name), at most {@link MAX_ROOMS_IN_TOKEN}. */
function readableRooms(records: OrgRecords, userId: string): ChatRoomRecord[] {
  const readable = new Map<string, ChatRoomRecord>();
  const general = records.room(defaultRoomId(records, userId))!;
  readable.set(general.Id, general);
  const memberRooms = membershipsOf(records, userId)
    .map((m) => records.room(m.Room__c))
    .filter((r): r is ChatRoomRecord => r !== undefined)
    .sort(byName);
  for (const room of memberRooms) {
    if (room.Type__c !== 'Record' || hasReadAccess(records, userId, room.Record_Id__c)) readable.set(room.Id, room);
  }
  for (const room of records.rooms().filter((r) => r.Type__c === 'Public').sort(byName)) readable.set(room.Id, room);
  return [...readable.values()].slice(0, MAX_ROOMS_IN_TOKEN);
}

/** `ChatRoomService.readableRoomIds()` for `userId`: the token's `rooms` claim (18-character ids). */
export function readableRoomIds(records: OrgRecords, userId: string): string[] {
  return readableRooms(records, userId).map((r) => r.Id);
}

/** Whether one user may read a message (a test built by {@link messageReaderOf}). */
export type MessageReader = (message: Pick<ChatMessageRecord, 'Room__c'>) => boolean;

/**
 * Chat_Message__c sharing: `Room__c` is master-detail, so a user reads a message exactly when they can
 * read its room (the rooms of {@link readableRoomIds}, the rule of {@link RoomService.requireReadable});
 * a user with "Modify All Data" (the integration user) reads every message. SOQL in user mode leaves
 * the others out and REST answers 404 `NOT_FOUND` for them.
 * @returns a test of one message, over the rooms readable now (computed once: call it per request).
 */
export function messageReaderOf(records: OrgRecords, userId: string): MessageReader {
  if (records.hasModifyAllData(userId)) return () => true;
  const rooms = new Set(readableRoomIds(records, userId));
  return (message) => rooms.has(message.Room__c);
}

/** `ChatRoomService.RoomView`, as `ChatRoomController.listRooms` returns it. */
export interface RoomView {
  id: string;
  name: string;
  type: ChatRoomType;
  recordId: string | null;
  isDefault: boolean;
  isMember: boolean;
  present: boolean;
  unreadCount: number;
}

/** The room operations of one user (the running user of an Apex call). */
export interface RoomService {
  /** The 18-character ids of the rooms the user may read, in claim order. */
  readableRoomIds(userId: string): string[];
  /** @throws RoomError "You cannot read this chat room." */
  requireReadable(userId: string, roomId: unknown): ChatRoomRecord;
  listRooms(userId: string): RoomView[];
  createRoom(request: ApexRequest, name: unknown, type: unknown, memberIds: unknown): string;
  addMembers(request: ApexRequest, roomId: unknown, userIds: unknown): number;
  joinRoom(request: ApexRequest, roomId: unknown): void;
  leaveRoom(request: ApexRequest, roomId: unknown): void;
  openRecordRoom(request: ApexRequest, recordId: unknown): string;
  markRead(request: ApexRequest, roomId: unknown): string;
}

/** Creates the room service over one org's tables and DML layer. */
export function createRoomService(records: OrgRecords, dml: Dml): RoomService {
  const membership = (userId: string, roomId: string) => membershipsOf(records, userId).find((m) => m.Room__c === roomId);
  const canReadRecord = (userId: string, recordId: string | null) => hasReadAccess(records, userId, recordId);

  const readable = (userId: string) => readableRooms(records, userId);

  function requireReadable(userId: string, roomId: unknown): ChatRoomRecord {
    const id = canonicalRecordId(roomId);
    const room = id === undefined ? undefined : readable(userId).find((r) => r.Id === id);
    if (!room) throw new RoomError('You cannot read this chat room.');
    return room;
  }

  function unreadCount(userId: string, member: ChatRoomMemberRecord | undefined): number {
    if (!member) return 0;
    return records
      .messages()
      .filter((m) => m.Room__c === member.Room__c && m.User__c !== userId && (member.Last_Read_At__c === null || m.CreatedDate > member.Last_Read_At__c)).length;
  }

  function setPresent(request: ApexRequest, roomId: string, present: boolean): void {
    const member = membership(request.userId, roomId);
    if (!member) dml.insertMembers([{ Room__c: roomId, User__c: request.userId, Present__c: present, Last_Read_At__c: null }], request);
    else if (member.Present__c !== present) dml.updateMembers([{ ...member, Present__c: present }], request);
  }

  function insertMembers(request: ApexRequest, room: ChatRoomRecord, userIds: readonly string[], creating: boolean): number {
    if (room.Type__c === 'Private' && !creating && !membership(request.userId, room.Id)) {
      throw new RoomError('Only members of a private room can add members to it.');
    }
    const existing = new Set(records.members().filter((m) => m.Room__c === room.Id).map((m) => m.User__c));
    const added = [...new Set(userIds)]
      .filter((id) => !existing.has(id))
      .map((id) => ({ Room__c: room.Id, User__c: id, Present__c: creating && id === request.userId, Last_Read_At__c: null }));
    dml.insertMembers(added, request);
    return added.length;
  }

  const userIdList = (value: unknown): string[] => {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw new RoomError('Tell whom to add.');
    return value.map((v) => {
      const id = canonicalRecordId(v);
      if (id === undefined || !records.user(id)) throw new RoomError(`No user ${String(v)}.`);
      return id;
    });
  };

  return {
    readableRoomIds: (userId) => readableRoomIds(records, userId),
    requireReadable,
    listRooms(userId) {
      return readable(userId).map((room) => {
        const member = membership(userId, room.Id);
        return {
          id: room.Id,
          name: room.Name,
          type: room.Type__c,
          recordId: room.Record_Id__c,
          isDefault: room.Is_Default__c,
          isMember: member !== undefined,
          present: member?.Present__c === true,
          unreadCount: unreadCount(userId, member),
        };
      });
    },
    createRoom(request, name, type, memberIds) {
      const trimmed = typeof name === 'string' ? name.trim() : '';
      if (trimmed === '' || trimmed.length > MAX_ROOM_NAME_LENGTH) throw new RoomError(`Give the room a name of 1 to ${MAX_ROOM_NAME_LENGTH} characters.`);
      if (type !== 'Public' && type !== 'Private') throw new RoomError(`A new room is Public or Private, not ${String(type)}.`);
      const room: ChatRoomRecord = {
        Id: records.newRoomId(),
        Name: trimmed,
        Type__c: type,
        Record_Id__c: null,
        Is_Default__c: false,
        OwnerId: request.userId,
        CreatedDate: auditTimestamp(),
      };
      records.putRoom(room);
      insertMembers(request, room, [...userIdList(memberIds), request.userId], true);
      return room.Id;
    },
    addMembers(request, roomId, userIds) {
      const room = requireReadable(request.userId, roomId);
      const ids = userIdList(userIds);
      if (ids.length === 0) throw new RoomError('Tell whom to add.');
      return insertMembers(request, room, ids, false);
    },
    joinRoom(request, roomId) {
      setPresent(request, requireReadable(request.userId, roomId).Id, true);
    },
    leaveRoom(request, roomId) {
      const id = canonicalRecordId(roomId);
      const member = id === undefined ? undefined : membership(request.userId, id);
      if (member) dml.deleteMembers([member.Id], request);
    },
    openRecordRoom(request, recordId) {
      const id = canonicalRecordId(recordId);
      const record = id === undefined ? undefined : records.sampleRecord(id);
      if (!record || !canReadRecord(request.userId, record.Id)) {
        throw new RoomError('You cannot read this record, so you cannot open its chat room.');
      }
      let room = records.rooms().find((r) => r.Record_Id__c === record.Id);
      if (!room) {
        room = {
          Id: records.newRoomId(),
          Name: `Account: ${record.Name}`.slice(0, MAX_ROOM_NAME_LENGTH),
          Type__c: 'Record',
          Record_Id__c: record.Id,
          Is_Default__c: false,
          OwnerId: request.userId,
          CreatedDate: auditTimestamp(),
        };
        records.putRoom(room);
      }
      setPresent(request, room.Id, true);
      return room.Id;
    },
    markRead(request, roomId) {
      const room = requireReadable(request.userId, roomId);
      // Messages are stamped to the second; reading "now" covers every message of this second too.
      const now = new Date().toISOString();
      const member = membership(request.userId, room.Id);
      if (!member) dml.insertMembers([{ Room__c: room.Id, User__c: request.userId, Present__c: false, Last_Read_At__c: now }], request);
      else dml.updateMembers([{ ...member, Last_Read_At__c: now }], request);
      return now;
    },
  };
}
