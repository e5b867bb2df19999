/**
 * What the local preview page needs from the dev org besides Apex: the sample users and records, a session for
 * one of them, their photos, and CORS that lets a page on a loopback origin (and only there) call
 * the dev org's `/dev/*` and `/services/data/*` routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX, newRecordId } from '../../../dev/org/data/ids.js';
import { OrgRecords } from '../../../dev/org/data/records.js';
import type { DevOrg } from '../../../dev/org/index.js';
import { sampleRecordSummaries } from '../../../dev/org/protocol/dev-routes.js';
import { startTestOrg } from './helpers.js';

let org: DevOrg;

beforeAll(async () => {
  org = await startTestOrg();
});

afterAll(async () => {
  await org.close();
});

describe('/dev/users and /dev/sessions', () => {
  it('lists the five sample users, Ana and Ben in the room, Maya the auditor, each with a photo the dev org serves', async () => {
    const response = await fetch(`${org.url}/dev/users`);
    const users = (await response.json()) as Array<{ id: string; name: string; firstName: string; photoUrl: string; chatActive: boolean; permissionSets: string[] }>;

    expect(response.status).toBe(200);
    expect(users.map(({ name, firstName, chatActive, permissionSets }) => ({ name, firstName, chatActive, permissionSets }))).toEqual([
      { name: 'Ana Alvarez', firstName: 'Ana', chatActive: true, permissionSets: ['Chat_User'] },
      { name: 'Ben Okafor', firstName: 'Ben', chatActive: true, permissionSets: ['Chat_User'] },
      { name: 'Chen Wei', firstName: 'Chen', chatActive: false, permissionSets: ['Chat_User'] },
      { name: 'Dana Smith', firstName: 'Dana', chatActive: false, permissionSets: ['Chat_User'] },
      { name: 'Maya Patel', firstName: 'Maya', chatActive: false, permissionSets: ['Chat_User', 'Chat_Auditor'] },
    ]);
    for (const user of users) {
      expect(user.id).toMatch(/^005[0-9A-Za-z]{15}$/);
      expect(Object.keys(user).sort()).toEqual(['chatActive', 'firstName', 'id', 'name', 'permissionSets', 'photoUrl']);
      const photo = await fetch(user.photoUrl);
      expect(photo.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(await photo.text()).toContain(`>${user.name.split(' ').map((w) => w[0]).join('')}</text>`);
    }
  });

  it('issues a session for a sample user that REST and Apex accept as that user', async () => {
    const [ana] = (await (await fetch(`${org.url}/dev/users`)).json()) as Array<{ id: string }>;

    const response = await fetch(`${org.url}/dev/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: ana!.id }),
    });
    const session = (await response.json()) as { accessToken: string; userId: string; name: string; orgId: string; instanceUrl: string };
    const posted = await fetch(`${org.url}/dev/apex/ChatController/postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.accessToken}` },
      body: JSON.stringify({ content: 'hi' }),
    });

    expect(response.status).toBe(200);
    expect(session).toEqual({ accessToken: expect.stringMatching(/^00D\w{12}!/), userId: ana!.id, name: 'Ana Alvarez', orgId: org.orgId, instanceUrl: org.url });
    expect(await posted.json()).toMatchObject({ userId: ana!.id, userName: 'Ana Alvarez' });
  });

  it('answers 404 for a user the org does not have, 400 without a user id', async () => {
    const post = (body: unknown) =>
      fetch(`${org.url}/dev/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    expect((await post({ userId: `005${'0'.repeat(12)}AAA` })).status).toBe(404);
    expect((await post({})).status).toBe(400);
    expect((await fetch(`${org.url}/dev/photos/005000000000000AAA.svg`)).status).toBe(404);
  });
});

describe('/dev/records', () => {
  it('lists the sample record a record room is about, as { id, name, type }', async () => {
    const response = await fetch(`${org.url}/dev/records`, { headers: { Origin: 'http://localhost:1234' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:1234');
    expect(await response.json()).toEqual([{ id: expect.stringMatching(/^001[0-9A-Za-z]{15}$/), name: 'Acme Corp', type: 'Account' }]);
  });

  it('sorts the records by name, whatever order they were added in', () => {
    const records = new OrgRecords();
    for (const name of ['Globex', 'acme labs', 'Initech']) records.putSampleRecord({ Id: newRecordId(KEY_PREFIX.account), Name: name, readers: [] });

    expect(sampleRecordSummaries(records).map(({ name, type }) => `${type}: ${name}`)).toEqual(['Account: acme labs', 'Account: Globex', 'Account: Initech']);
  });
});

describe('CORS', () => {
  const preflight = (path: string, origin: string) =>
    fetch(`${org.url}${path}`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });

  it('answers preflights from loopback origins with the allowed methods and headers', async () => {
    for (const [path, origin] of [
      ['/dev/apex/ChatController/getActiveUsers', 'http://localhost:1234'],
      ['/services/data/v62.0/sobjects/Chat_Message__c', 'http://127.0.0.1:5173'],
    ] as const) {
      const response = await preflight(path, origin);

      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, PATCH, DELETE, OPTIONS');
      expect(response.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
    }
  });

  it('refuses preflights from other origins and gives their requests no CORS headers', async () => {
    const refused = await preflight('/dev/apex/ChatController/getActiveUsers', 'https://evil.example');
    const lookalike = await preflight('/dev/users', 'http://localhost.evil.example');
    const request = await fetch(`${org.url}/dev/users`, { headers: { Origin: 'https://evil.example' } });

    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(lookalike.status).toBe(403);
    expect(request.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks actual requests from a loopback origin readable, errors included', async () => {
    const users = await fetch(`${org.url}/dev/users`, { headers: { Origin: 'http://localhost:1234' } });
    const unauthorized = await fetch(`${org.url}/dev/apex/ChatController/getActiveUsers`, { method: 'POST', headers: { Origin: 'http://localhost:1234' } });

    expect(users.headers.get('access-control-allow-origin')).toBe('http://localhost:1234');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe('http://localhost:1234');
  });
});
