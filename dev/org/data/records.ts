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
  readonly CreatedById: string;
  readonly CreatedDate: string;
  readonly LastModifiedById: string;
  readonly LastModifiedDate: string;
  /** In the recycle bin. */
  readonly IsDeleted: boolean;
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
  readonly #nextMessageId = createIdSequence(KEY_PREFIX.chatMessage);
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

  /** Adds or replaces a message row. */
  putMessage(message: ChatMessageRecord): void {
    this.#messages.set(message.Id, Object.freeze({ ...message }));
  }

  /** The id and auto number the next new message gets. */
  newMessageKeys(): { Id: string; Name: string } {
    this.#messageNumber += 1;
    return { Id: this.#nextMessageId(), Name: `MSG-${String(this.#messageNumber).padStart(7, '0')}` };
  }
}
