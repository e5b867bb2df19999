/**
 * ChatController over HTTP (`POST /dev/apex/ChatController/<method>`), as the local preview's Apex
 * shims call it: every method answers what the Apex returns, with exactly the field names of the Apex
 * inner classes (read from ChatController.cls), the same order and limits, the same
 * AuraHandledException messages, and writes that reach open chats through the triggers.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_EVENT_FIELDS, DEFAULT_TOKEN_AUDIENCE } from '../../../bridge/events/contract.js';
import { createTokenVerifier } from '../../../bridge/gateway/token.js';
import type { DevOrg, SampleUser } from '../../../dev/org/index.js';
import { apexMembers, metaPath, parseApexFile } from '../../force-app/support/force-app.js';
import { eventsDuring, startTestOrg, subscribeWithJsforce, type RecordingSubscriber } from './helpers.js';

const controllerApex = parseApexFile(metaPath('classes', 'ChatController.cls'));

/** The @AuraEnabled fields of an inner class of ChatController.cls, in declaration order. */
function apexFieldsOf(className: string): string[] {
  const members = apexMembers(controllerApex);
  const start = members.findIndex((m) => m.kind === 'class' && m.name === className);
  const end = members.findIndex((m, i) => i > start && m.kind === 'class');
  return members
    .slice(start + 1, end < 0 ? undefined : end)
    .filter((m) => m.kind === 'field' && m.modifiers.includes('@auraenabled'))
    .map((m) => m.name);
}

const MESSAGE_VIEW = apexFieldsOf('MessageView');
const PARTICIPANT_VIEW = apexFieldsOf('ParticipantView');
const BRIDGE_CONNECTION = apexFieldsOf('BridgeConnection');
const ISO_MS_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const AURA_ERROR = 'System.AuraHandledException';
const TOKEN_SECRET = 'apex-test-secret-apex-test-secret!';

let org: DevOrg;
let subscriber: RecordingSubscriber;
let ana: SampleUser;
let ben: SampleUser;
let dana: SampleUser;
let anaToken: string;

beforeAll(async () => {
  org = await startTestOrg();
  subscriber = subscribeWithJsforce(org, -1);
  const byName = (first: string) => org.data.users().find((u) => u.FirstName === first)!;
  [ana, ben, dana] = [byName('Ana'), byName('Ben'), byName('Dana')];
  anaToken = org.data.sessionFor(ana.Id);
  await subscriber.subscribed;
});

afterAll(async () => {
  subscriber.disconnect();
  await org.close();
});

/** Calls a controller method as the LWC shim does. */
async function apex(method: string, params: unknown = {}, token: string | null = anaToken) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${org.url}/dev/apex/ChatController/${method}`, { method: 'POST', headers, body: JSON.stringify(params) });
  return { status: response.status, body: (await response.json()) as unknown };
}

const auraError = (message: string) => ({ status: 400, body: { message, exceptionType: AURA_ERROR } });

describe('ChatController methods and shapes', () => {
  it('the Apex inner classes were read (guards the shape checks below)', () => {
    expect(MESSAGE_VIEW).toContain('id');
    expect(PARTICIPANT_VIEW).toContain('photoUrl');
    expect(BRIDGE_CONNECTION).toEqual(['url', 'token']);
  });

  it('getRecentMessages answers MessageViews, newest N oldest first, with author name and photo', async () => {
    const seeded = org.data.messages();

    const all = await apex('getRecentMessages', { maxMessages: 50 });
    const two = await apex('getRecentMessages', { maxMessages: 2 });

    const views = all.body as Array<Record<string, unknown>>;
    expect(all.status).toBe(200);
    expect(views.map((v) => v.id)).toEqual(seeded.map((m) => m.Id));
    expect((two.body as Array<{ id: string }>).map((v) => v.id)).toEqual(seeded.slice(-2).map((m) => m.Id));
    for (const view of views) {
      expect(Object.keys(view).sort()).toEqual([...MESSAGE_VIEW].sort());
      expect(view.createdDate).toMatch(ISO_MS_Z);
      expect(view.lastModifiedDate).toMatch(ISO_MS_Z);
      expect(view.id).toMatch(/^a01[0-9A-Za-z]{15}$/);
    }
    const authors = org.data.users();
    for (const view of views) {
      const author = authors.find((u) => u.Id === view.userId)!;
      expect(view).toMatchObject({ userName: author.Name, photoUrl: author.SmallPhotoUrl });
    }
  });

  it('getRecentMessages: null or < 1 means 50, more than 200 means 200, deleted messages are left out', async () => {
    const token = org.issueAccessToken();
    for (let i = 0; i < 250; i += 1) {
      const response = await fetch(`${org.url}/services/data/v${org.apiVersion}/sobjects/Chat_Message__c`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ Content__c: `bulk ${i}`, User__c: dana.Id }),
      });
      expect(response.status).toBe(201);
    }
    const newest = org.data.messages().at(-1)!;
    await fetch(`${org.url}/services/data/v${org.apiVersion}/sobjects/Chat_Message__c/${newest.Id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });

    const counts = await Promise.all([{}, { maxMessages: null }, { maxMessages: 0 }, { maxMessages: 500 }].map(async (p) => (await apex('getRecentMessages', p)).body as Array<{ id: string; content: string }>));

    expect(counts.map((c) => c.length)).toEqual([50, 50, 50, 200]);
    expect(counts[3]!.at(-1)?.content).toBe('bulk 248');
    expect(counts[3]!.some((v) => v.id === newest.Id)).toBe(false);
  });

  it('getMessagesSince answers messages created after the moment, oldest first', async () => {
    const seeded = org.data.messages().slice(0, 5);

    const since = await apex('getMessagesSince', { since: seeded[2]!.CreatedDate });

    const views = since.body as Array<{ id: string }>;
    expect(since.status).toBe(200);
    expect(views.slice(0, 2).map((v) => v.id)).toEqual(seeded.slice(3).map((m) => m.Id));
    expect(views.length).toBeLessThanOrEqual(200);
  });

  it('getMessagesByIds answers the named messages still there, oldest first, 15- or 18-character ids, and counts one call and its rows', async () => {
    const [first, second, third] = org.data.messages().slice(0, 3);
    const before = org.apexUsage().byUser[ana.Id]?.getMessagesByIds ?? { calls: 0, rows: 0 };

    const answer = await apex('getMessagesByIds', { messageIds: [third!.Id.slice(0, 15), first!.Id, 'a01000000000000AAA'] });

    expect(answer.status).toBe(200);
    const views = answer.body as Array<Record<string, unknown>>;
    expect(views.map((v) => v.id)).toEqual([first!.Id, third!.Id]);
    expect(Object.keys(views[0]!)).toEqual(MESSAGE_VIEW.filter((field) => views[0]![field] !== undefined));
    expect(views.some((v) => v.id === second!.Id)).toBe(false);
    const after = org.apexUsage().byUser[ana.Id]!.getMessagesByIds!;
    expect({ calls: after.calls - before.calls, rows: after.rows - before.rows }).toEqual({ calls: 1, rows: 2 });
    const overHttp = (await (await fetch(`${org.url}/dev/apex-usage`)).json()) as { methods: Record<string, { calls: number }> };
    expect(overHttp.methods.getMessagesByIds!.calls).toBe(org.apexUsage().methods.getMessagesByIds!.calls);
  });

  it('getActiveUsers answers ParticipantViews of users in the room, by name', async () => {
    const answer = await apex('getActiveUsers');

    expect(answer).toEqual({
      status: 200,
      body: [
        { id: ana.Id, name: 'Ana Alvarez', photoUrl: ana.SmallPhotoUrl },
        { id: ben.Id, name: 'Ben Okafor', photoUrl: ben.SmallPhotoUrl },
      ],
    });
    for (const view of answer.body as object[]) expect(Object.keys(view).sort()).toEqual([...PARTICIPANT_VIEW].sort());
  });

  it('enterChat / leaveChat answer null, publish USER_ENTERED / USER_LEFT once, and nothing when already so', async () => {
    const danaToken = org.data.sessionFor(dana.Id);
    const answers: unknown[] = [];

    const { payloads } = await eventsDuring(org, subscriber, async () => {
      answers.push((await apex('enterChat', {}, danaToken)).body);
      answers.push((await apex('enterChat', {}, danaToken)).body);
      answers.push((await apex('leaveChat', {}, danaToken)).body);
      answers.push((await apex('leaveChat', {}, danaToken)).body);
    });

    expect(answers).toEqual([null, null, null, null]);
    expect(payloads.map((p) => [p[CHAT_EVENT_FIELDS.type], p[CHAT_EVENT_FIELDS.recordId], p[CHAT_EVENT_FIELDS.userId], p.CreatedById])).toEqual([
      ['USER_ENTERED', dana.Id, dana.Id, dana.Id],
      ['USER_LEFT', dana.Id, dana.Id, dana.Id],
    ]);
  });

  it('postMessage trims, saves as the running user, answers the MessageView and publishes MESSAGE_CREATED', async () => {
    let answer: { status: number; body: unknown } | undefined;

    const { payloads } = await eventsDuring(org, subscriber, async () => {
      answer = await apex('postMessage', { content: '  Hello from the preview \n' });
    });

    const view = answer!.body as Record<string, unknown>;
    expect(answer!.status).toBe(200);
    expect(Object.keys(view).sort()).toEqual([...MESSAGE_VIEW].sort());
    expect(view).toMatchObject({ content: 'Hello from the preview', userId: ana.Id, userName: 'Ana Alvarez', photoUrl: ana.SmallPhotoUrl });
    expect(payloads.map((p) => [p[CHAT_EVENT_FIELDS.type], p[CHAT_EVENT_FIELDS.recordId], p[CHAT_EVENT_FIELDS.userId], p.CreatedById])).toEqual([
      ['MESSAGE_CREATED', view.id, ana.Id, ana.Id],
    ]);
    // An Aura call is a request of quiddity AURA, with a request id of its own.
    expect(payloads.map((p) => [p[CHAT_EVENT_FIELDS.source], p[CHAT_EVENT_FIELDS.requestId], p[CHAT_EVENT_FIELDS.changedFields]])).toEqual([
      ['AURA', expect.stringMatching(/^[\w-]{22}$/), null],
    ]);
    expect((await apex('getRecentMessages', { maxMessages: 1 })).body).toEqual([view]);
  });

  it('getBridgeConnection answers { url, token } with a token the bridge verifies', async () => {
    org.setBridge({ url: 'http://127.0.0.1:4999', tokenSecret: TOKEN_SECRET, audience: DEFAULT_TOKEN_AUDIENCE });
    const verify = createTokenVerifier({ secret: TOKEN_SECRET, audience: DEFAULT_TOKEN_AUDIENCE, orgId: () => org.orgId });

    const answer = await apex('getBridgeConnection');

    const connection = answer.body as { url: string; token: string };
    expect(answer.status).toBe(200);
    expect(Object.keys(connection).sort()).toEqual([...BRIDGE_CONNECTION].sort());
    expect(connection.url).toBe('http://127.0.0.1:4999');
    const verified = await verify(connection.token);
    expect(verified).toMatchObject({ userId: ana.Id, name: 'Ana Alvarez', orgId: org.orgId });
    const claims = decodeJwt(connection.token);
    expect(claims).toMatchObject({ sub: ana.Id, name: 'Ana Alvarez', org: org.orgId, aud: DEFAULT_TOKEN_AUDIENCE });
    expect(claims.exp! - claims.iat!).toBe(300);
  });
});

describe('ChatController errors', () => {
  it('postMessage refuses blank and too long content with the Apex messages, publishing nothing', async () => {
    const answers: unknown[] = [];
    const before = org.data.messages().length;

    const { payloads } = await eventsDuring(org, subscriber, async () => {
      answers.push(await apex('postMessage', { content: ' \n\t ' }));
      answers.push(await apex('postMessage', {}));
      answers.push(await apex('postMessage', { content: 'x'.repeat(32_769) }));
    });

    expect(answers).toEqual([
      auraError('Type a message before sending.'),
      auraError('Type a message before sending.'),
      auraError('Your message is 32769 characters long; the limit is 32768.'),
    ]);
    expect(payloads).toEqual([]);
    expect(org.data.messages()).toHaveLength(before);
  });

  it('postMessage accepts exactly 32,768 characters after trimming', async () => {
    const answer = await apex('postMessage', { content: ` ${'y'.repeat(32_768)} ` });

    expect(answer.status).toBe(200);
    expect((answer.body as { content: string }).content).toHaveLength(32_768);
  });

  it('getMessagesSince without a moment, getBridgeConnection unconfigured: the Apex messages', async () => {
    const fresh = await startTestOrg();
    try {
      const token = fresh.data.sessionFor(fresh.data.users()[0]!.Id);
      const call = async (method: string, params: unknown) => {
        const response = await fetch(`${fresh.url}/dev/apex/ChatController/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(params),
        });
        return { status: response.status, body: (await response.json()) as unknown };
      };

      expect(await call('getMessagesSince', { since: null })).toEqual(auraError('Tell which moment to load messages since.'));
      expect(await call('getBridgeConnection', {})).toEqual(
        auraError('The chat bridge is not configured: add a Bridge URL to the Chat Bridge Setting "Default".'),
      );
    } finally {
      await fresh.close();
    }
  });

  it('a bad session is 401, an unknown method 404, a parameter of the wrong type 400', async () => {
    const old = org.data.sessionFor(ben.Id);
    const none = await apex('getActiveUsers', {}, null);
    const bad = await apex('getActiveUsers', {}, 'nope');
    org.faults.expireSessions();
    const expired = await apex('getActiveUsers', {}, old);
    anaToken = org.data.sessionFor(ana.Id);

    const unknown = await apex('deleteEverything');
    const wrongType = await apex('getRecentMessages', { maxMessages: 'many' });
    const badDate = await apex('getMessagesSince', { since: 'yesterday' });
    const badIds = await apex('getMessagesByIds', { messageIds: ['not an id'] });
    const noIds = await apex('getMessagesByIds', { messageIds: [] });

    for (const answer of [none, bad, expired]) expect(answer).toEqual({ status: 401, body: { message: 'Session expired or invalid' } });
    expect(unknown.status).toBe(404);
    expect(wrongType).toEqual({ status: 400, body: { message: "Value provided is invalid for action parameter 'maxMessages' of type 'Integer'" } });
    expect(badDate).toEqual({ status: 400, body: { message: "Value provided is invalid for action parameter 'since' of type 'Datetime'" } });
    expect(badIds).toEqual({ status: 400, body: { message: "Value provided is invalid for action parameter 'messageIds' of type 'List<Id>'" } });
    expect(noIds).toEqual(auraError('Tell which messages to load.'));
  });
});
