import { describe, expect, it } from 'vitest';
import { CHAT_EVENT_TYPES } from '../../../bridge/events/contract.js';
import { eventIdentity, publishedFieldProblems, toChatEvent } from '../../../bridge/events/mapping.js';

const USER = '005000000000001AAA';
const message = (payload: Record<string, unknown>, event: unknown = { replayId: 17, EventUuid: 'u-1' }) => ({
  schema: 'abc',
  payload: {
    CreatedDate: '2026-11-29T10:00:00.000Z',
    CreatedById: USER,
    Type__c: 'MESSAGE_CREATED',
    Record_Id__c: 'a00000000000001AAA',
    User_Id__c: USER,
    ...payload,
  },
  event,
});

describe('toChatEvent', () => {
  it('maps every contract type', () => {
    for (const type of CHAT_EVENT_TYPES) {
      expect(toChatEvent(message({ Type__c: type }))).toEqual({
        ok: true,
        event: {
          type,
          recordId: 'a00000000000001AAA',
          userId: USER,
          createdById: USER,
          createdDate: '2026-11-29T10:00:00.000Z',
          replayId: 17,
          eventUuid: 'u-1',
          roomId: null,
        },
        provenance: { source: null, requestId: null, changedFields: [] },
      });
    }
  });

  it('reads the provenance of contract 2.2.0: Source__c, Request_Id__c, Changed_Fields__c split on commas', () => {
    const mapped = toChatEvent(message({ Type__c: 'MESSAGE_UPDATED', Source__c: 'BULK_API', Request_Id__c: 'TID-1', Changed_Fields__c: 'Content__c,User__c' }));
    expect(mapped).toMatchObject({ ok: true, provenance: { source: 'BULK_API', requestId: 'TID-1', changedFields: ['Content__c', 'User__c'] } });
    expect(toChatEvent(message({ Source__c: 42 }))).toMatchObject({ ok: false, reason: 'malformed', detail: expect.stringContaining('Source__c') });
  });

  it('reads Room_Id__c (contract 2.3.0) as sent; blank is room-less; anything but an id is malformed', () => {
    expect(toChatEvent(message({ Room_Id__c: 'a0B000000000001EAA' }))).toMatchObject({ ok: true, event: { roomId: 'a0B000000000001EAA' } });
    expect(toChatEvent(message({ Room_Id__c: 'a0B000000000001' }))).toMatchObject({ ok: true, event: { roomId: 'a0B000000000001' } });
    expect(toChatEvent(message({ Room_Id__c: null }))).toMatchObject({ ok: true, event: { roomId: null } });
    for (const bad of ['room-a', '', 42, ['a0B000000000001'], 'a0B000000000001EAA '] as const) {
      expect(toChatEvent(message({ Room_Id__c: bad })), JSON.stringify(bad)).toMatchObject({ ok: false, reason: 'malformed', detail: expect.stringContaining('Room_Id__c') });
    }
  });

  it('rejects an unknown Type__c, null and missing fields, and junk', () => {
    expect(toChatEvent(message({ Type__c: 'MESSAGE_EXPLODED' }))).toMatchObject({ ok: false, reason: 'unknown-type' });
    expect(toChatEvent(message({ Record_Id__c: null }))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(toChatEvent(message({ User_Id__c: undefined }))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(toChatEvent(message({ User_Id__c: 'not-an-id' }))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(toChatEvent(message({}, { replayId: 'x' }))).toMatchObject({ ok: false, reason: 'malformed' });
    for (const junk of [null, 42, 'text', [], { payload: 'x' }]) {
      expect(toChatEvent(junk)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('reads identity only from data.event', () => {
    expect(eventIdentity(message({}))).toEqual({ replayId: 17, eventUuid: 'u-1' });
    expect(eventIdentity({ replayId: 17, EventUuid: 'u-1' })).toBeUndefined();
  });
});

describe('publishedFieldProblems', () => {
  it('rejects exactly the published values toChatEvent rejects, and checks only the fields given', () => {
    const bad = { Record_Id__c: '001xx', User_Id__c: 'bob' };
    expect(toChatEvent(message(bad))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(publishedFieldProblems(bad)).toEqual([
      { field: 'Record_Id__c', message: 'not a Salesforce id' },
      { field: 'User_Id__c', message: 'not a Salesforce id' },
    ]);
    expect(publishedFieldProblems({ Record_Id__c: 'a00000000000001', User_Id__c: undefined })).toEqual([]);
    expect(publishedFieldProblems({})).toEqual([]);
  });
});
