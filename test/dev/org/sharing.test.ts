/**
 * Room sharing of Chat_Message__c in the dev org (issue 13): `Room__c` is master-detail, so a message's
 * sharing is its room's. A user who cannot read a private room (Chen, not a member of "Deal Desk")
 * gets none of its messages from ChatController, and REST answers 404 `NOT_FOUND` for them on read,
 * edit, delete and undelete, as a real org answers for a record the user cannot see; a member (Ana)
 * and the integration user keep every access they had.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevOrg, SampleUser } from '../../../dev/org/index.js';
import { SAMPLE_ROOMS } from '../../../dev/org/data/seed.js';
import { eventsDuring, startTestOrg, subscribeWithJsforce, type RecordingSubscriber } from './helpers.js';

const NOT_FOUND = { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
const SINCE = '2026-01-01T00:00:00Z';

let org: DevOrg;
let subscriber: RecordingSubscriber;
let ana: SampleUser;
let chen: SampleUser;
let anaToken: string;
let chenToken: string;
let dealDeskId: string;

beforeAll(async () => {
  org = await startTestOrg();
  subscriber = subscribeWithJsforce(org, -1);
  const byName = (first: string) => org.data.users().find((u) => u.FirstName === first)!;
  [ana, chen] = [byName('Ana'), byName('Chen')];
  [anaToken, chenToken] = await Promise.all([ana, chen].map((u) => devSession(u.Id)));
  const rooms = (await apex('ChatRoomController', 'listRooms', {}, anaToken)).body as Array<{ id: string; name: string }>;
  dealDeskId = rooms.find((r) => r.name === SAMPLE_ROOMS.private)!.id;
  await subscriber.subscribed;
});

afterAll(async () => {
  subscriber.disconnect();
  await org.close();
});

/** A session for a user, as a newcomer gets one (`POST /dev/sessions`). */
async function devSession(userId: string): Promise<string> {
  const response = await fetch(`${org.url}/dev/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userId }) });
  const body = (await response.json()) as { accessToken?: string };
  if (response.status !== 200 || typeof body.accessToken !== 'string') throw new Error(`POST /dev/sessions answered ${response.status}: ${JSON.stringify(body)}`);
  return body.accessToken;
}

async function call(method: string, url: string, token: string, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const apex = (className: string, method: string, params: unknown, token: string) => call('POST', `${org.url}/dev/apex/${className}/${method}`, token, params);
const sobject = (method: string, id: string, token: string, body?: unknown) =>
  call(method, `${org.url}/services/data/v${org.apiVersion}/sobjects/Chat_Message__c/${id}`, token, body);

/** Ana posts `content` to Deal Desk; the message's id. */
async function dealDeskMessage(content: string): Promise<string> {
  const posted = await apex('ChatRoomController', 'postMessage', { roomId: dealDeskId, content }, anaToken);
  expect(posted.status, JSON.stringify(posted.body)).toBe(200);
  return (posted.body as { id: string }).id;
}

const contents = (body: unknown) => (body as Array<{ content: string }>).map((m) => m.content);
const stored = (id: string) => org.data.messages({ includeDeleted: true }).find((m) => m.Id === id);

describe('ChatController leaves out messages of rooms the user cannot read', () => {
  it('getMessagesSince: Chen gets the General messages but not Deal Desk’s; Ana gets both', async () => {
    await dealDeskMessage('deal desk: since');
    const general = await apex('ChatController', 'postMessage', { content: 'general: since' }, chenToken);
    expect(general.status).toBe(200);

    const forChen = await apex('ChatController', 'getMessagesSince', { since: SINCE }, chenToken);
    const forAna = await apex('ChatController', 'getMessagesSince', { since: SINCE }, anaToken);

    expect(forChen.status).toBe(200);
    expect(contents(forChen.body)).toContain('general: since');
    expect(contents(forChen.body)).not.toContain('deal desk: since');
    expect(contents(forAna.body)).toEqual(expect.arrayContaining(['general: since', 'deal desk: since']));
  });

  it('getMessagesByIds: a Deal Desk id gives Chen nothing and Ana its text', async () => {
    const id = await dealDeskMessage('deal desk: by id');

    const forChen = await apex('ChatController', 'getMessagesByIds', { messageIds: [id] }, chenToken);
    const forAna = await apex('ChatController', 'getMessagesByIds', { messageIds: [id] }, anaToken);

    expect(forChen).toEqual({ status: 200, body: [] });
    expect(contents(forAna.body)).toEqual(['deal desk: by id']);
  });

  it('getRecentMessages still reads the default room for everyone', async () => {
    const forChen = await apex('ChatController', 'getRecentMessages', { maxMessages: 200 }, chenToken);
    expect(contents(forChen.body)).toContain('general: since');
    expect(contents(forChen.body)).not.toContain('deal desk: since');
  });
});

describe('REST on a message of a room the user cannot read answers 404 NOT_FOUND', () => {
  it('GET: Chen gets NOT_FOUND, Ana and the integration user get Content__c', async () => {
    const id = await dealDeskMessage('deal desk: get');

    expect(await sobject('GET', id, chenToken)).toEqual(NOT_FOUND);
    expect((await sobject('GET', id, anaToken)).body).toMatchObject({ Id: id, Content__c: 'deal desk: get' });
    expect((await sobject('GET', id, org.issueAccessToken())).body).toMatchObject({ Content__c: 'deal desk: get' });
  });

  it('PATCH: Chen gets NOT_FOUND and nothing changes or is published; Ana’s edit sticks', async () => {
    const id = await dealDeskMessage('deal desk: patch');

    let refused: unknown;
    const { payloads } = await eventsDuring(org, subscriber, async () => {
      refused = await sobject('PATCH', id, chenToken, { Content__c: 'edited by Chen' });
    });
    expect(refused).toEqual(NOT_FOUND);
    expect(payloads).toEqual([]);
    expect(stored(id)?.Content__c).toBe('deal desk: patch');

    expect((await sobject('PATCH', id, anaToken, { Content__c: 'edited by Ana' })).status).toBe(204);
    expect(stored(id)?.Content__c).toBe('edited by Ana');
  });

  it('DELETE: Chen gets NOT_FOUND and the message stays; Ana deletes it', async () => {
    const id = await dealDeskMessage('deal desk: delete');

    expect(await sobject('DELETE', id, chenToken)).toEqual(NOT_FOUND);
    expect(stored(id)?.IsDeleted).toBe(false);

    expect((await sobject('DELETE', id, anaToken)).status).toBe(204);
    expect(stored(id)?.IsDeleted).toBe(true);
  });

  it('undelete (POST /dev/undelete): Chen gets NOT_FOUND for a deleted Deal Desk message; Ana restores it', async () => {
    const id = await dealDeskMessage('deal desk: undelete');
    expect((await sobject('DELETE', id, anaToken)).status).toBe(204);

    expect(await call('POST', `${org.url}/dev/undelete/${id}`, chenToken)).toEqual(NOT_FOUND);
    expect(stored(id)?.IsDeleted).toBe(true);

    expect((await call('POST', `${org.url}/dev/undelete/${id}`, anaToken)).status).toBe(204);
    expect(stored(id)?.IsDeleted).toBe(false);
  });

  it('POST with Room__c = Deal Desk: Chen is refused (no Read on the master), Ana posts', async () => {
    const url = `${org.url}/services/data/v${org.apiVersion}/sobjects/Chat_Message__c/`;
    const before = org.data.messages().length;

    const refused = await call('POST', url, chenToken, { Content__c: 'sneaked in', Room__c: dealDeskId });
    expect(refused).toEqual({
      status: 400,
      body: [{ errorCode: 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', message: 'insufficient access rights on cross-reference id', fields: [] }],
    });
    expect(org.data.messages()).toHaveLength(before);

    expect((await call('POST', url, anaToken, { Content__c: 'posted by Ana', Room__c: dealDeskId })).status).toBe(201);
  });
});
