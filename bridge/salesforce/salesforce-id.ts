/**
 * Salesforce record ids as the bridge (and the dev org that issues them) understands them.
 *
 * Why this exists: a browser token may carry an org or user id in its 15-character (case-sensitive)
 * form or its 18-character (case-insensitive-safe) form, and the bridge may know the other form. Both
 * name the same record: the 18-character form is the 15-character id plus a 3-character checksum of
 * the case of its letters ("What Is the Difference Between the 15 and 18 Character Record ID",
 * Salesforce Help). Comparing ids as plain strings would refuse legitimate users, so every comparison
 * goes through {@link sameSalesforceId}.
 */

const ID_15 = /^[a-zA-Z0-9]{15}$/;
const ID_18 = /^[a-zA-Z0-9]{18}$/;
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * The 18-character form of a 15-character id: Salesforce appends, for each 5-character chunk, a bit
 * per upper-case letter (first character = lowest bit), looked up in `A–Z0–5`.
 * @param id15 a 15-character id
 * @throws Error when `id15` is not 15 characters long.
 */
export function to18CharId(id15: string): string {
  if (id15.length !== 15) throw new Error(`A 15-character id is needed, got ${id15.length} characters`);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const ch = id15.charCodeAt(chunk * 5 + i);
      if (ch >= 65 && ch <= 90) bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET[bits];
  }
  return id15 + suffix;
}

/** The value (0–31) of a checksum character in any casing (`A–Z` / `a–z` 0–25, `0–5` 26–31), or -1. */
function checksumValue(code: number): number {
  const letter = code | 0x20; // ASCII lower case of a letter
  if (letter >= 0x61 && letter <= 0x7a) return letter - 0x61;
  if (code >= 0x30 && code <= 0x35) return code - 0x30 + 26;
  return -1;
}

/** Scratch buffer of {@link restoredId15}'s character codes (one id at a time: no await in between). */
const id15Codes = new Array<number>(15);

/**
 * The case-sensitive 15-character id an 18-character id names, in whatever casing the 18 characters
 * came: the checksum gives the case of every letter of the first 15 (one bit per character, set for
 * upper case), so the 18-character form is case-insensitive, as the Salesforce API treats it.
 * Character codes, not per-character strings and regular expressions: every handshake reads several
 * ids (user, org, rooms), and this ran at a few µs per id in a connect storm's profile.
 * @param id18 - 18 alphanumerics.
 * @returns the 15 characters with their case restored, or undefined when the checksum is not
 *   `A–Z0–5` or marks a digit as upper case (no id has that checksum).
 */
function restoredId15(id18: string): string | undefined {
  for (let chunk = 0; chunk < 3; chunk += 1) {
    const bits = checksumValue(id18.charCodeAt(15 + chunk));
    if (bits === -1) return undefined;
    for (let i = 0; i < 5; i += 1) {
      const code = id18.charCodeAt(chunk * 5 + i);
      const letter = code | 0x20;
      const isLetter = letter >= 0x61 && letter <= 0x7a;
      if ((bits & (1 << i)) === 0) id15Codes[chunk * 5 + i] = isLetter ? letter : code;
      else if (isLetter) id15Codes[chunk * 5 + i] = letter & ~0x20;
      else return undefined;
    }
  }
  return String.fromCharCode(...id15Codes);
}

/**
 * The canonical key ({@link canonicalSalesforceId}) of a well-formed Salesforce id, or undefined
 * when `id` is not one ({@link isSalesforceId}): both answers at the cost of one reading.
 */
export function salesforceIdKey(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  // The length first: each handshake reads several ids, and a regular expression per form showed in its profile.
  if (id.length === 15) return ID_15.test(id) ? id : undefined;
  return id.length === 18 && ID_18.test(id) ? restoredId15(id) : undefined;
}

/**
 * Whether `id` is a well-formed Salesforce id: 15 alphanumerics, or 18 whose last 3 characters are
 * a checksum some 15-character id has, in any casing of the 18 (the checksum says the case of the
 * first 15, see {@link canonicalSalesforceId}).
 */
export function isSalesforceId(id: unknown): id is string {
  return salesforceIdKey(id) !== undefined;
}

/**
 * The case-sensitive 15-character form of a well-formed id (the key to compare and group by): a
 * 15-character id as it is, an 18-character one in any casing as its checksum says (so
 * `001A0000006Vm9rIAC` and `001a0000006vm9riac` are one record, and `001a0000006Vm9r` another);
 * anything else is returned unchanged, so unusual test ids still group consistently.
 */
export function canonicalSalesforceId(id: string): string {
  return salesforceIdKey(id) ?? id;
}

/**
 * Whether two ids name the same record: both well-formed ({@link isSalesforceId}) and equal in their
 * {@link canonicalSalesforceId} form. A malformed id never matches anything.
 */
export function sameSalesforceId(a: string, b: string): boolean {
  const key = salesforceIdKey(a);
  return key !== undefined && key === salesforceIdKey(b);
}
