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
} as const;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

function randomBase62(length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += BASE62[randomInt(BASE62.length)];
  return text;
}

/**
 * The 18-character form of a 15-character id: appends one checksum character per 5-character
 * chunk, encoding which of its characters are upper-case letters.
 * @throws Error when `id15` is not 15 characters long.
 */
export function to18CharId(id15: string): string {
  if (id15.length !== 15) throw new Error(`A 15-character id is needed, got ${id15.length} characters`);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let flags = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') flags |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET.charAt(flags);
  }
  return id15 + suffix;
}

/**
 * A new random 18-character id with the given key prefix
 * (`<prefix><2-char instance>0<9-char record number><checksum>`).
 */
export function newRecordId(prefix: string): string {
  return to18CharId(`${prefix}Dv0${randomBase62(9)}`);
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
    return to18CharId(`${prefix}Dv0${digits}`);
  };
}

/**
 * Whether `id` is a well-formed record id: 15 base62 characters, or 18 whose last three are the
 * checksum of the first 15 (any case, as Salesforce accepts).
 */
export function isRecordId(id: unknown): id is string {
  if (typeof id !== 'string' || !/^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$/.test(id)) return false;
  return id.length === 15 || to18CharId(id.slice(0, 15)).slice(15) === id.slice(15).toUpperCase();
}

/**
 * The 18-character form of a well-formed 15- or 18-character id (the dev org's record key), or
 * `undefined` for anything else.
 */
export function canonicalRecordId(id: unknown): string | undefined {
  return isRecordId(id) ? to18CharId(id.slice(0, 15)) : undefined;
}

/** A new session id (access token) for the org: `<15-char org id>!<88 opaque characters>`. */
export function newSessionId(orgId: string): string {
  return `${orgId.slice(0, 15)}!${randomBase62(88)}`;
}

/** A random secret of `length` base62 characters (client secrets, passwords). */
export function newSecret(length: number): string {
  return randomBase62(length);
}
