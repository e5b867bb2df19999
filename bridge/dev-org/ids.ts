/**
 * Identifiers shaped like Salesforce's: record ids (3-character key prefix, 15 case-sensitive
 * characters plus the 3-character case-insensitive checksum suffix) and session ids
 * (`<15-char org id>!<opaque>`). Code under test may check lengths and prefixes, so the dev org
 * never hands out anything a real org could not.
 */
import { randomInt } from 'node:crypto';
import { isSalesforceId, to18CharId } from '../salesforce/salesforce-id.js';

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
 * The 18-character form of a well-formed 15- or 18-character id (the dev org's record key), or
 * `undefined` for anything else.
 */
export function canonicalRecordId(id: unknown): string | undefined {
  return isSalesforceId(id) ? to18CharId(id.slice(0, 15)) : undefined;
}

/** A new session id (access token) for the org: `<15-char org id>!<88 opaque characters>`. */
export function newSessionId(orgId: string): string {
  return `${orgId.slice(0, 15)}!${randomBase62(88)}`;
}

/** A random secret of `length` base62 characters (client secrets, passwords). */
export function newSecret(length: number): string {
  return randomBase62(length);
}
