// 15- and 18-character Salesforce ids: the forms a token's org/user id may take.
import { describe, expect, it } from 'vitest';
import { canonicalSalesforceId, isSalesforceId, sameSalesforceId, to18CharId } from '../../../bridge/salesforce/salesforce-id.js';

// Worked examples (checksum computed by hand: one bit per upper-case letter in each 5-char chunk).
const ACCOUNT_15 = '001A0000006Vm9r';
const ACCOUNT_18 = '001A0000006Vm9rIAC';
const ORG_15 = '00D5e0000000XyZ';
const ORG_18 = '00D5e0000000XyZEAU';

describe('salesforce ids', () => {
  it('computes the 18-character form of a 15-character id', () => {
    expect(to18CharId(ACCOUNT_15)).toBe(ACCOUNT_18);
    expect(to18CharId(ORG_15)).toBe(ORG_18);
    expect(() => to18CharId('short')).toThrow(/15-character id/);
  });

  it('accepts 15-character ids and 18-character ids with the right checksum, in either case', () => {
    expect(isSalesforceId(ACCOUNT_15), '15 chars').toBe(true);
    expect(isSalesforceId(ACCOUNT_18), '18 chars').toBe(true);
    expect(isSalesforceId(ORG_18), 'org 18 chars').toBe(true);
    expect(isSalesforceId('001A0000006Vm9riac'), 'checksum in lower case').toBe(true);
  });

  it('refuses wrong checksums, wrong lengths, symbols and non-strings', () => {
    expect(isSalesforceId('001A0000006Vm9rIAD'), 'wrong checksum').toBe(false);
    expect(isSalesforceId('001A0000006Vm9'), '14 chars').toBe(false);
    expect(isSalesforceId('001A0000006Vm9rIA'), '17 chars').toBe(false);
    expect(isSalesforceId('001A0000006Vm9-'), 'symbol').toBe(false);
    expect(isSalesforceId(42), 'number').toBe(false);
  });

  it('treats the 15- and 18-character forms of one id as the same, and case as significant', () => {
    expect(sameSalesforceId(ORG_15, ORG_18)).toBe(true);
    expect(sameSalesforceId(ORG_18, ORG_15)).toBe(true);
    expect(sameSalesforceId(ORG_15, ORG_15.toLowerCase()), 'case differs in the first 15').toBe(false);
    expect(sameSalesforceId(ORG_15, '00D5e0000000XyZEAA'), 'other id with a bad checksum').toBe(false);
    expect(sameSalesforceId('abc', 'abc'), 'malformed ids never match').toBe(false);
  });

  it('reads an 18-character id in any casing as the record its checksum names', () => {
    expect(isSalesforceId(ACCOUNT_18.toLowerCase()), 'lower-cased 18').toBe(true);
    expect(isSalesforceId(ACCOUNT_18.toUpperCase()), 'upper-cased 18').toBe(true);
    expect(canonicalSalesforceId(ACCOUNT_18.toLowerCase())).toBe(ACCOUNT_15);
    expect(sameSalesforceId(ORG_15, ORG_18.toLowerCase()), 'lower-cased 18 is the same org').toBe(true);
    expect(sameSalesforceId(ORG_15.toLowerCase(), ORG_18.toLowerCase()), 'lower-cased 15 is another id').toBe(false);
    expect(isSalesforceId('001A0000006Vm9rIAD'), 'a checksum marking a digit as upper case').toBe(false);
  });

  it('canonicalises well-formed ids to their first 15 characters and leaves others alone', () => {
    expect(canonicalSalesforceId(ACCOUNT_18)).toBe(ACCOUNT_15);
    expect(canonicalSalesforceId(ACCOUNT_15)).toBe(ACCOUNT_15);
    expect(canonicalSalesforceId('user-1')).toBe('user-1');
  });
});
