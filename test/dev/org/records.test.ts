/**
 * The dev org's records written as an integration or Data Loader writes them — the REST sObject API
 * through jsforce — and what every open chat hears about it: exactly one Chat_Event__e per record
 * with the Type__c, Record_Id__c, User_Id__c and CreatedById the Apex triggers give, and nothing at all
 * (no event, no change) when a real org would refuse the write.
 */
import jsforce from 'jsforce';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_EVENT_FIELDS } from '../../../bridge/events/contract.js';
import { createChatTriggers } from '../../../dev/org/data/chat-triggers.js';
import { createDml, DmlError } from '../../../dev/org/data/dml.js';
import { newApexRequest, QUIDDITY } from '../../../dev/org/data/apex-request.js';
import type { EventBus } from '../../../dev/org/data/event-bus.js';
import type { DevOrg, SampleUser } from '../../../dev/org/index.js';
import { OrgRecords } from '../../../dev/org/data/records.js';
import { eventsDuring, startTestOrg, subscribeWithJsforce, type RecordingSubscriber } from './helpers.js';

let org: DevOrg;
let subscriber: RecordingSubscriber;
let ana: SampleUser;
let ben: SampleUser;
let chen: SampleUser;

const ID_18 = /^a01[0-9A-Za-z]{15}$/;
const REST_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/;

beforeAll(async () => {
  org = await startTestOrg();
  subscriber = subscribeWithJsforce(org, -1);
  await subscriber.subscribed;
  const byName = (first: string) => org.data.users().find((u) => u.FirstName === first)!;
  [ana, ben, chen] = [byName('Ana'), byName('Ben'), byName('Chen')];
});

afterAll(async () => {
  subscriber.disconnect();
  await org.close();
});

/** A jsforce connection acting as `userId` (default: the integration user). */
function connectionAs(userId?: string) {
  const accessToken = userId === undefined ? org.issueAccessToken() : org.data.sessionFor(userId);
  return new jsforce.Connection({ instanceUrl: org.url, accessToken, version: org.apiVersion });
}

/** A raw REST call as the integration user (or with `token`). */
async function rest(method: string, path: string, body?: unknown, token = org.issueAccessToken()) {
  const response = await fetch(`${org.url}/services/data/v${org.apiVersion}/sobjects/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const event = (type: string, recordId: string, userId: string, createdById: string) => ({
  [CHAT_EVENT_FIELDS.type]: type,
  [CHAT_EVENT_FIELDS.recordId]: recordId,
  [CHAT_EVENT_FIELDS.userId]: userId,
  CreatedById: createdById,
});

const published = (payloads: Array<Record<string, unknown>>) =>
  payloads.map((p) => ({
    [CHAT_EVENT_FIELDS.type]: p[CHAT_EVENT_FIELDS.type],
    [CHAT_EVENT_FIELDS.recordId]: p[CHAT_EVENT_FIELDS.recordId],
    [CHAT_EVENT_FIELDS.userId]: p[CHAT_EVENT_FIELDS.userId],
    CreatedById: p.CreatedById,
  }));

/** Source__c, Request_Id__c, Changed_Fields__c of each delivered payload. */
const provenance = (payloads: Array<Record<string, unknown>>) =>
  payloads.map((p) => ({ source: p[CHAT_EVENT_FIELDS.source], requestId: p[CHAT_EVENT_FIELDS.requestId], changedFields: p[CHAT_EVENT_FIELDS.changedFields] }));

describe('Chat_Message__c over REST (jsforce)', () => {
  it('an update that changes no chat field publishes nothing; each REST call is a request of its own', async () => {
    const conn = connectionAs(ana.Id);
    const { id } = await conn.sobject('Chat_Message__c').create({ Content__c: 'same' });

    const unchanged = await eventsDuring(org, subscriber, () => conn.sobject('Chat_Message__c').update({ Id: id!, Content__c: 'same' }));
    const edits = await eventsDuring(org, subscriber, async () => {
      await conn.sobject('Chat_Message__c').update({ Id: id!, Content__c: 'Same' });
      await conn.sobject('Chat_Message__c').update({ Id: id!, Content__c: 'Same', User__c: ben.Id });
    });

    expect(unchanged.payloads).toEqual([]);
    const [first, second] = provenance(edits.payloads);
    expect([first?.changedFields, second?.changedFields]).toEqual(['Content__c', 'User__c']);
    expect([first?.source, second?.source]).toEqual(['REST', 'REST']);
    expect(first?.requestId).not.toBe(second?.requestId);
  });

  it('create publishes one MESSAGE_CREATED; the author defaults to the session user', async () => {
    const conn = connectionAs(ben.Id);
    let id = '';

    const { payloads } = await eventsDuring(org, subscriber, async () => {
      const result = await conn.sobject('Chat_Message__c').create({ Content__c: 'From Data Loader' });
      expect(result).toEqual({ id: expect.stringMatching(ID_18), success: true, errors: [] });
      id = result.id!;
    });

    expect(published(payloads)).toEqual([event('MESSAGE_CREATED', id, ben.Id, ben.Id)]);
    expect(org.data.messages().at(-1)).toMatchObject({ Id: id, Content__c: 'From Data Loader', User__c: ben.Id, CreatedById: ben.Id, IsDeleted: false });
  });

  it('an integration that names the author publishes User_Id__c = the author, CreatedById = the integration', async () => {
    const conn = connectionAs();
    let id = '';

    const { payloads } = await eventsDuring(org, subscriber, async () => {
      id = (await conn.sobject('Chat_Message__c').create({ Content__c: 'Imported', User__c: ana.Id.slice(0, 15) })).id!;
    });

    expect(published(payloads)).toEqual([event('MESSAGE_CREATED', id, ana.Id, org.credentials.userId)]);
    expect(org.data.messages().find((m) => m.Id === id)?.User__c).toBe(ana.Id);
  });

  it('retrieve answers the record with REST datetimes; update publishes MESSAGE_UPDATED and changes it', async () => {
    const conn = connectionAs(ana.Id);
    const { id } = await conn.sobject('Chat_Message__c').create({ Content__c: 'typo' });

    const { payloads } = await eventsDuring(org, subscriber, () => conn.sobject('Chat_Message__c').update({ Id: id!, Content__c: 'fixed' }));
    const record = await conn.sobject('Chat_Message__c').retrieve(id!);

    expect(published(payloads)).toEqual([event('MESSAGE_UPDATED', id!, ana.Id, ana.Id)]);
    expect(provenance(payloads)).toEqual([{ source: 'REST', requestId: expect.stringMatching(/^[\w-]{22}$/), changedFields: 'Content__c' }]);
    expect(record).toEqual({
      attributes: { type: 'Chat_Message__c', url: `/services/data/v${org.apiVersion}/sobjects/Chat_Message__c/${id}` },
      Id: id,
      IsDeleted: false,
      Name: expect.stringMatching(/^MSG-\d{7}$/),
      CreatedDate: expect.stringMatching(REST_DATETIME),
      CreatedById: ana.Id,
      LastModifiedDate: expect.stringMatching(REST_DATETIME),
      LastModifiedById: ana.Id,
      Content__c: 'fixed',
      User__c: ana.Id,
      // saved without a room: the default public room (a Chat_Room__c id)
      Room__c: expect.stringMatching(/^a02\w{15}$/),
    });
    expect(record.Room__c, 'DevOrgData.defaultRoomId names that room').toBe(org.data.defaultRoomId());
  });

  it('destroy publishes MESSAGE_DELETED and moves the record to the recycle bin; undelete brings it back', async () => {
    const conn = connectionAs(ana.Id);
    const { id } = await conn.sobject('Chat_Message__c').create({ Content__c: 'oops' });

    const deleted = await eventsDuring(org, subscriber, () => conn.sobject('Chat_Message__c').destroy(id!));
    const afterDelete = await rest('GET', `Chat_Message__c/${id}`);
    const againDelete = await rest('DELETE', `Chat_Message__c/${id}`);
    const inBin = org.data.messages({ includeDeleted: true }).find((m) => m.Id === id);
    const undeleted = await eventsDuring(org, subscriber, () => org.data.undeleteMessage(id!));

    expect(published(deleted.payloads)).toEqual([event('MESSAGE_DELETED', id!, ana.Id, ana.Id)]);
    expect(provenance([...deleted.payloads, ...undeleted.payloads]).map((p) => [p.source, p.changedFields])).toEqual([['REST', null], ['ANONYMOUS', null]]);
    expect(afterDelete).toEqual({ status: 404, body: [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] });
    expect(againDelete.status).toBe(404);
    expect(inBin?.IsDeleted).toBe(true);
    expect(published(undeleted.payloads)).toEqual([event('MESSAGE_UNDELETED', id!, ana.Id, org.credentials.userId)]);
    expect(org.data.messages().some((m) => m.Id === id)).toBe(true);
  });

  it('POST /dev/undelete/<id> restores as the session user; a live record cannot be undeleted', async () => {
    const token = org.data.sessionFor(ben.Id);
    const { id } = await connectionAs(ben.Id).sobject('Chat_Message__c').create({ Content__c: 'back soon' });
    await rest('DELETE', `Chat_Message__c/${id}`, undefined, token);
    const undelete = () => fetch(`${org.url}/dev/undelete/${id}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });

    const { payloads, error } = await eventsDuring(org, subscriber, async () => expect((await undelete()).status).toBe(204));
    const again = await undelete();

    expect(error).toBeUndefined();
    expect(published(payloads)).toEqual([event('MESSAGE_UNDELETED', id!, ben.Id, ben.Id)]);
    expect(provenance(payloads).map((p) => p.source)).toEqual(['ANONYMOUS']);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual([{ errorCode: 'UNDELETE_FAILED', message: 'Entity is not in the recycle bin', fields: [] }]);
  });

  it('accepts Content__c of exactly 32,768 characters and, as force-app has no validation rule, a blank one', async () => {
    const { payloads } = await eventsDuring(org, subscriber, async () => {
      expect((await rest('POST', 'Chat_Message__c/', { Content__c: 'x'.repeat(32_768) })).status).toBe(201);
      expect((await rest('POST', 'Chat_Message__c/', { Content__c: '' })).status).toBe(201);
    });

    expect(payloads.map((p) => p[CHAT_EVENT_FIELDS.type])).toEqual(['MESSAGE_CREATED', 'MESSAGE_CREATED']);
    expect(org.data.messages().at(-1)?.Content__c).toBeNull();
  });

  it('a refused write answers the real org error, changes nothing and publishes nothing', async () => {
    const existing = org.data.messages().at(-1)!;
    const before = org.data.messages({ includeDeleted: true });
    const unknownUser = `005${'0'.repeat(12)}AAA`;
    const missing = `a01${'0'.repeat(12)}AAA`;
    const answers: Array<{ status: number; body: unknown }> = [];

    const { payloads } = await eventsDuring(org, subscriber, async () => {
      answers.push(await rest('POST', 'Chat_Message__c', { Content__c: 'x', Body__c: 'y' }));
      answers.push(await rest('POST', 'Chat_Message__c', { Content__c: 'x'.repeat(32_769) }));
      answers.push(await rest('POST', 'Chat_Message__c', { Content__c: 'x', User__c: 'nope' }));
      answers.push(await rest('POST', 'Chat_Message__c', { Content__c: 'x', User__c: unknownUser }));
      answers.push(await rest('POST', 'Chat_Message__c', { Content__c: 'x', CreatedDate: '2020-01-01T00:00:00Z' }));
      answers.push(await rest('PATCH', `Chat_Message__c/${existing.Id}`, { Content__c: 'changed', Nope__c: 1 }));
      answers.push(await rest('PATCH', `Chat_Message__c/${missing}`, { Content__c: 'changed' }));
      answers.push(await rest('DELETE', `Chat_Message__c/${missing}`));
      answers.push(await rest('GET', 'Chat_Message__c/not-an-id'));
    });

    expect(answers).toEqual([
      { status: 400, body: [{ errorCode: 'INVALID_FIELD', message: "No such column 'Body__c' on sobject of type Chat_Message__c" }] },
      { status: 400, body: [{ errorCode: 'STRING_TOO_LONG', message: expect.stringMatching(/^Content: data value too large: x+ \(max length=32768\)$/), fields: ['Content__c'] }] },
      { status: 400, body: [{ errorCode: 'MALFORMED_ID', message: 'User: id value of incorrect type: nope', fields: ['User__c'] }] },
      { status: 400, body: [{ errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: ['User__c'] }] },
      { status: 400, body: [expect.objectContaining({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['CreatedDate'] })] },
      { status: 400, body: [{ errorCode: 'INVALID_FIELD', message: "No such column 'Nope__c' on sobject of type Chat_Message__c" }] },
      { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] },
      { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] },
      { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] },
    ]);
    expect(payloads).toEqual([]);
    expect(org.data.messages({ includeDeleted: true })).toEqual(before);
  });

  it('refuses a bad session with 401 INVALID_SESSION_ID', async () => {
    const answer = await rest('POST', 'Chat_Message__c', { Content__c: 'x' }, 'nope');

    expect(answer).toEqual({ status: 401, body: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }] });
  });
});

describe('User over REST', () => {
  it('publishes USER_ENTERED / USER_LEFT only when Chat_Active__c changes', async () => {
    const conn = connectionAs();
    const users = conn.sobject('User');

    const { payloads } = await eventsDuring(org, subscriber, async () => {
      await users.update({ Id: chen.Id, Chat_Active__c: true });
      await users.update({ Id: chen.Id, Chat_Active__c: true });
      await users.update({ Id: chen.Id, FirstName: 'Chenming' });
      await users.update({ Id: chen.Id, Chat_Active__c: false });
    });

    const integration = org.credentials.userId;
    expect(published(payloads)).toEqual([event('USER_ENTERED', chen.Id, chen.Id, integration), event('USER_LEFT', chen.Id, chen.Id, integration)]);
    expect(await users.retrieve(chen.Id)).toMatchObject({ Name: 'Chenming Wei', FirstName: 'Chenming', Chat_Active__c: false, IsActive: true });
  });

  it('answers the user record, and refuses read-only and unknown fields without publishing', async () => {
    const answers: Array<{ status: number; body: unknown }> = [];

    const { payloads } = await eventsDuring(org, subscriber, async () => {
      answers.push(await rest('PATCH', `User/${ben.Id}`, { Chat_Active__c: false, Name: 'Benjamin' }));
      answers.push(await rest('PATCH', `User/${ben.Id}`, { Chat_Active__c: false, Shoe_Size__c: 44 }));
      answers.push(await rest('PATCH', `User/${ben.Id}`, { Chat_Active__c: 'maybe' }));
    });
    const record = await rest('GET', `User/${ben.Id}`);

    expect(answers.map((a) => [a.status, (a.body as Array<{ errorCode: string }>)[0]?.errorCode])).toEqual([
      [400, 'INVALID_FIELD_FOR_INSERT_UPDATE'],
      [400, 'INVALID_FIELD'],
      [400, 'JSON_PARSER_ERROR'],
    ]);
    expect(payloads).toEqual([]);
    expect(record).toEqual({
      status: 200,
      body: {
        attributes: { type: 'User', url: `/services/data/v${org.apiVersion}/sobjects/User/${ben.Id}` },
        Id: ben.Id,
        Username: ben.Username,
        LastName: 'Okafor',
        FirstName: 'Ben',
        Name: 'Ben Okafor',
        IsActive: true,
        SmallPhotoUrl: `${org.url}/dev/photos/${ben.Id}.svg`,
        Chat_Active__c: true,
      },
    });
  });
});

describe('multi-record writes (the DML layer)', () => {
  /** A DML layer over fresh tables with a bus that records what it is asked to publish. */
  function recordingDml() {
    const records = new OrgRecords();
    const author = { Id: `005${'1'.repeat(12)}AAA`, Name: 'A B', FirstName: 'A', LastName: 'B', Username: 'a@b', SmallPhotoUrl: '', Chat_Active__c: false, IsActive: true };
    records.putUser(author);
    const publishedFields: unknown[] = [];
    const bus: EventBus = {
      publish(fields) {
        publishedFields.push(fields);
        return { id: 'e00', replayId: publishedFields.length, eventUuid: String(publishedFields.length) };
      },
    };
    return { records, author, publishedFields, dml: createDml(records, createChatTriggers(bus, pino({ level: 'silent' }))) };
  }

  it('publishes one event per record for 200 records, in record order', () => {
    const { dml, author, publishedFields } = recordingDml();

    const saved = dml.insertMessages(Array.from({ length: 200 }, (_, i) => ({ Content__c: `m${i}` })), newApexRequest(author.Id, QUIDDITY.anonymous));

    expect(publishedFields).toHaveLength(200);
    expect(publishedFields.map((f) => (f as Record<string, string>)[CHAT_EVENT_FIELDS.recordId])).toEqual(saved.map((m) => m.Id));
  });

  it('saves and publishes nothing when one of 200 records is refused', () => {
    const { dml, author, records, publishedFields } = recordingDml();
    const rows = Array.from({ length: 200 }, (_, i) => ({ Content__c: i === 150 ? 'x'.repeat(32_769) : `m${i}` }));

    const error = (() => {
      try {
        dml.insertMessages(rows, newApexRequest(author.Id, QUIDDITY.anonymous));
      } catch (err) {
        return err;
      }
    })();

    expect(error).toBeInstanceOf(DmlError);
    expect(records.messages()).toEqual([]);
    expect(publishedFields).toEqual([]);
  });
});
