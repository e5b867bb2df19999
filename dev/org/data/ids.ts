/**
 * Identifiers shaped like Salesforce's: record ids (3-character key prefix, 15 case-sensitive
 * characters plus the 3-character case-insensitive checksum suffix) and session ids
 * (`<15-char org id>!<opaque>`). Code under test may check lengths and prefixes, so the dev org
 * never hands out anything a real org could not.
 */
import { randomInt } from 'node:crypto';

/** Key prefixes of the records the dev org creates. */
export const KEY_PREFIX = {
  organization: '00D',
  user: '005',
  /** What REST answers as the id of a published platform event. */
  platformEvent: 'e00',
  /** `Chat_Message__c` (custom objects get an `a0…` prefix per org; the dev org uses `a01`). */
  chatMessage: 'a01',
  /** `Chat_Room__c` (the dev org's choice, as `a01` is). */
  chatRoom: 'a02',
  /** `Chat_Room_Member__c`. */
  chatRoomMember: 'a03',
  /** `Account`: the sample records that record rooms are about. */
  account: '001',
} as const;

/**
 * The emulator's own reading of Salesforce's id checksum ("What Is the Difference Between the 15 and
 * 18 Character Record ID", Salesforce Help), written apart from the bridge's client code on purpose:
 * if both shared one implementation, a wrong checksum would agree with itself and no test would see
 * it. For each 5-character chunk of the 15-character id, character i adds 2^i when it is an
 * upper-case letter; the sum (0–31) picks a character of `A–Z0–5`.
 */
const CHECKSUM_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const WELL_FORMED_ID = /^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$/;

function checksum(id15: string): string {
  return [0, 5, 10]
    .map((start) => [...id15.slice(start, start + 5)].reduce((sum, ch, i) => (ch >= 'A' && ch <= 'Z' ? sum + 2 ** i : sum), 0))
    .map((value) => CHECKSUM_CHARACTERS.charAt(value))
    .join('');
}

/** `id15` with its checksum suffix: the 18-character form. */
export function with18CharChecksum(id15: string): string {
  return id15 + checksum(id15);
}

/**
 * Whether a real org would take `id` as an id: 15 alphanumerics, or 18 whose suffix is the checksum
 * of the first 15 (any case: the suffix is case-insensitive).
 */
export function isWellFormedId(id: unknown): id is string {
  if (typeof id !== 'string' || !WELL_FORMED_ID.test(id)) return false;
  return id.length === 15 || id.slice(15).toUpperCase() === checksum(id.slice(0, 15));
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomBase62(length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += BASE62[randomInt(BASE62.length)];
  return text;
}

/**
 * A new random 18-character id with the given key prefix
 * (`<prefix><2-char instance>0<9-char record number><checksum>`).
 */
export function newRecordId(prefix: string): string {
  return with18CharChecksum(`${prefix}Dv0${randomBase62(9)}`);
}

/**
 * A source of increasing 18-character ids with one key prefix, as a real org hands out: each id sorts
 * after the previous one (so `ORDER BY Id` follows creation order), and each sequence starts at a
 * random point, so two dev orgs do not share ids.
 */
export function createIdSequence(prefix: string): () => string {
  // Below 62^9 with room to spare, and an exact integer in a double.
  let next = randomInt(2 ** 40) * 1_000;
  return () => {
    let digits = '';
    for (let n = next; digits.length < 9; n = Math.floor(n / 62)) digits = BASE62.charAt(n % 62) + digits;
    next += 1;
    return with18CharChecksum(`${prefix}Dv0${digits}`);
  };
}

/**
 * The 18-character form of a well-formed 15- or 18-character id (the dev org's record key), or
 * `undefined` for anything else.
 */
export function canonicalRecordId(id: unknown): string | undefined {
  return isWellFormedId(id) ? with18CharChecksum(id.slice(0, 15)) : undefined;
}

/** A new session id (access token) for the org: `<15-char org id>!<88 opaque characters>`. */
export function newSessionId(orgId: string): string {
  return `${orgId.slice(0, 15)}!${randomBase62(88)}`;
}

/** A random secret of `length` base62 characters (client secrets, passwords). */
export function newSecret(length: number): string {
  return randomBase62(length);
}
