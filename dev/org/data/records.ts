/**
 * The records of one dev org, in memory: its `User` rows, its `Chat_Message__c` rows (deleted ones
 * stay, flagged `IsDeleted`, as in the recycle bin) and its `PermissionSetAssignment`s (which user
 * holds which permission set, by the set's API name). A plain table: no checks and no triggers — every
 * write that a user or an integration makes goes through the DML layer (dml.ts), which checks, stores
 * here, then runs the triggers. Rows are frozen and replaced on change, so what a reader got never
 * changes under it.
 *
 * Audit timestamps are kept to the second, as Salesforce keeps CreatedDate and LastModifiedDate, so
 * several messages can share a CreatedDate and `ORDER BY CreatedDate, Id` is what orders them.
 */
import { canonicalRecordId, createIdSequence, KEY_PREFIX } from './ids.js';

/** A `User` row. */
export interface SampleUser {
  /** 18-character `005…` id. */
  readonly Id: string;
  /** Full name, `FirstName LastName`. */
  readonly Name: string;
  readonly FirstName: string | null;
  readonly LastName: string;
  readonly Username: string;
  /** Absolute URL of the user's small photo (served by the dev org). */
  readonly SmallPhotoUrl: string;
  /** `Chat_Active__c`: in the chat room. */
  readonly Chat_Active__c: boolean;
  /** Standard `IsActive`: may log in (inactive users are not listed in the room). */
  readonly IsActive: boolean;
}

/** A `Chat_Message__c` row. Datetimes are ISO 8601 UTC with `.000Z` (whole seconds). */
export interface ChatMessageRecord {
  /** 18-character `a01…` id; ids increase in creation order. */
  readonly Id: string;
  /** Auto number, `MSG-0000001`. */
  readonly Name: string;
  /** `Content__c`; null when saved blank (only ChatController refuses blank text). */
  readonly Content__c: string | null;
  /** `User__c`: the author. */
  readonly User__c: string | null;
  /** `Room__c` (master-detail): the 18-character `Chat_Room__c` id; the before-insert trigger fills a blank one with the default room. */
  readonly Room__c: string;
  readonly CreatedById: string;
  readonly CreatedDate: string;
  readonly LastModifiedById: string;
  readonly LastModifiedDate: string;
  /** In the recycle bin. */
  readonly IsDeleted: boolean;
}

/** `Chat_Room__c.Type__c`: who may read the room. */
export type ChatRoomType = 'Public' | 'Private' | 'Record';

/** A `Chat_Room__c` row. */
export interface ChatRoomRecord {
  /** 18-character `a02…` id. */
  readonly Id: string;
  readonly Name: string;
  readonly Type__c: ChatRoomType;
  /** Record rooms: the 18-character id of the record (unique). */
  readonly Record_Id__c: string | null;
  /** The default public room. */
  readonly Is_Default__c: boolean;
  readonly OwnerId: string;
  readonly CreatedDate: string;
}

/** A `Chat_Room_Member__c` row. */
export interface ChatRoomMemberRecord {
  /** 18-character `a03…` id. */
  readonly Id: string;
  /** `Room__c` (master-detail). */
  readonly Room__c: string;
  readonly User__c: string;
  readonly Present__c: boolean;
  /** ISO 8601 UTC, or null when never read. */
  readonly Last_Read_At__c: string | null;
  /** Room id + user id (18 characters each), unique. */
  readonly Member_Key__c: string;
}

/** A sample record a record room can be about (an `Account`), with who may read it: what `UserRecordAccess.HasReadAccess` reports. */
export interface SampleRecord {
  readonly Id: string;
  readonly Name: string;
  /** Users (18-character ids) for whom `HasReadAccess` is true. */
  readonly readers: readonly string[];
}

/** Now, to the second, as Salesforce stamps audit fields (ISO 8601, `.000Z`). */
export function auditTimestamp(at: number = Date.now()): string {
  return new Date(Math.floor(at / 1000) * 1000).toISOString();
}

/** `ORDER BY CreatedDate ASC, Id ASC` (ids of one object sort as their sequence, see ids.ts). */
export function oldestFirst(a: ChatMessageRecord, b: ChatMessageRecord): number {
  if (a.CreatedDate !== b.CreatedDate) return a.CreatedDate < b.CreatedDate ? -1 : 1;
  return a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0;
}

/** The tables of one org. Ids may be given in 15- or 18-character form. */
export class OrgRecords {
  readonly #users = new Map<string, SampleUser>();
  readonly #messages = new Map<string, ChatMessageRecord>();
  readonly #permissionSets = new Map<string, Set<string>>();
  readonly #modifyAllData = new Set<string>();
  readonly #nextMessageId = createIdSequence(KEY_PREFIX.chatMessage);
  readonly #rooms = new Map<string, ChatRoomRecord>();
  readonly #members = new Map<string, ChatRoomMemberRecord>();
  readonly #sampleRecords = new Map<string, SampleRecord>();
  readonly #nextRoomId = createIdSequence(KEY_PREFIX.chatRoom);
  readonly #nextMemberId = createIdSequence(KEY_PREFIX.chatRoomMember);
  #messageNumber = 0;

  /** The user with this id, or `undefined`. */
  user(id: string): SampleUser | undefined {
    const key = canonicalRecordId(id);
    return key === undefined ? undefined : this.#users.get(key);
  }

  /** Every user, in the order they were added. */
  users(): SampleUser[] {
    return [...this.#users.values()];
  }

  /** The message with this id (deleted or not), or `undefined`. */
  message(id: string): ChatMessageRecord | undefined {
    const key = canonicalRecordId(id);
    return key === undefined ? undefined : this.#messages.get(key);
  }

  /** Messages oldest first ({@link oldestFirst}); those in the recycle bin only with `includeDeleted`. */
  messages(options: { includeDeleted?: boolean } = {}): ChatMessageRecord[] {
    return [...this.#messages.values()].filter((m) => options.includeDeleted || !m.IsDeleted).sort(oldestFirst);
  }

  /** Adds or replaces a user row. */
  putUser(user: SampleUser): void {
    this.#users.set(user.Id, Object.freeze({ ...user }));
  }

  /** Adds a `PermissionSetAssignment`: `userId` holds the permission set named `permissionSet` (API name). */
  assignPermissionSet(userId: string, permissionSet: string): void {
    const key = canonicalRecordId(userId) ?? userId;
    const held = this.#permissionSets.get(key) ?? new Set<string>();
    held.add(permissionSet);
    this.#permissionSets.set(key, held);
  }

  /** The API names of the permission sets a user holds, in assignment order. */
  permissionSetsOf(userId: string): string[] {
    const key = canonicalRecordId(userId);
    return key === undefined ? [] : [...(this.#permissionSets.get(key) ?? [])];
  }

  /**
   * Grants the system permission "Modify All Data" (with it, "View All Data"): sharing does not limit
   * the user. The dev org's integration user holds it, as the admin an integration or Data Loader logs in as.
   */
  grantModifyAllData(userId: string): void {
    this.#modifyAllData.add(canonicalRecordId(userId) ?? userId);
  }

  /** Whether the user holds "Modify All Data" ({@link grantModifyAllData}). */
  hasModifyAllData(userId: string): boolean {
    const key = canonicalRecordId(userId);
    return key !== undefined && this.#modifyAllData.has(key);
  }

  /** Adds or replaces a message row. */
  putMessage(message: ChatMessageRecord): void {
    this.#messages.set(message.Id, Object.freeze({ ...message }));
  }

  /** The id and auto number the next new message gets. */
  newMessageKeys(): { Id: string; Name: string } {
    this.#messageNumber += 1;
    return { Id: this.#nextMessageId(), Name: `MSG-${String(this.#messageNumber).padStart(7, '0')}` };
  }

  /** The room with this id, or `undefined`. */
  room(id: string): ChatRoomRecord | undefined {
    const key = canonicalRecordId(id);
    return key === undefined ? undefined : this.#rooms.get(key);
  }

  /** Every room, in creation order. */
  rooms(): ChatRoomRecord[] {
    return [...this.#rooms.values()];
  }

  /** Adds or replaces a room row. */
  putRoom(room: ChatRoomRecord): void {
    this.#rooms.set(room.Id, Object.freeze({ ...room }));
  }

  /** The id the next new room gets. */
  newRoomId(): string {
    return this.#nextRoomId();
  }

  /** Every membership, in creation order. */
  members(): ChatRoomMemberRecord[] {
    return [...this.#members.values()];
  }

  /** Adds or replaces a membership row. */
  putMember(member: ChatRoomMemberRecord): void {
    this.#members.set(member.Id, Object.freeze({ ...member }));
  }

  /** Removes a membership row. */
  removeMember(id: string): void {
    this.#members.delete(id);
  }

  /** The id the next new membership gets. */
  newMemberId(): string {
    return this.#nextMemberId();
  }

  /** The sample record with this id, or `undefined`. */
  sampleRecord(id: string): SampleRecord | undefined {
    const key = canonicalRecordId(id);
    return key === undefined ? undefined : this.#sampleRecords.get(key);
  }

  /** Every sample record. */
  sampleRecords(): SampleRecord[] {
    return [...this.#sampleRecords.values()];
  }

  /** Adds or replaces a sample record. */
  putSampleRecord(record: SampleRecord): void {
    this.#sampleRecords.set(record.Id, Object.freeze({ ...record, readers: Object.freeze([...record.readers]) }));
  }
}
