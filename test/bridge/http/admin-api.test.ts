// The admin API against a whole stack (dev org → CometD → bridge → event log), twice: on embedded
// PGlite and on a real PostgreSQL server. Events are made the way users make them — REST record
// writes (Source__c REST), ChatController calls (AURA), an off-contract publish (rejected) — and read
// back with admin tokens minted with the test keys. What an admin would notice: every row with its
// provenance, the filters, pages that neither skip nor repeat, a CSV that opens in a spreadsheet,
// counts and lag per minute, and clear 400/401/403 answers.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_SCOPE, DEFAULT_TOKEN_AUDIENCE } from '../../../bridge/events/contract.js';
import type { AuditEvent } from '../../../bridge/store/audit-log.js';
import type { EventStore } from '../../../bridge/store/event-store.js';
import { openMemoryStore, openStore } from '../../../bridge/store/open-store.js';
import { signToken } from '../gateway/support/keys.js';
import { startStack, TOKEN_SECRET, type Stack } from '../../helpers/stack.js';
import { startPostgresServer, type PostgresServer } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait-for.js';

const logger = pino({ level: 'silent' });
const LIGHTNING = 'https://acme.lightning.force.com';

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await startPostgresServer();
}, 60_000);
afterAll(() => postgres?.close());

const backends: Array<[string, () => Promise<EventStore>]> = [
  ['PGlite', () => openMemoryStore(logger)],
  ['PostgreSQL', () => openStore({ kind: 'postgres', url: postgres.url }, logger)],
];

describe.each(backends)('admin API on %s', (_name, openBackend) => {
  let store: EventStore;
  let stack: Stack;
  let ana: { Id: string; Name: string };
  let ben: { Id: string; Name: string };
  /** The org's admin token: a chat token that also carries the audit scope. */
  let admin: string;
  const restIds: string[] = [];
  let auraId = '';

  /** A token of the stack's org (HS256 with the test secret), with `claims` on top. */
  const token = (claims: Record<string, unknown> = {}) =>
    signToken(
      { sub: ana.Id, name: ana.Name, org: stack.devOrg.orgId, aud: DEFAULT_TOKEN_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300, ...claims },
      TOKEN_SECRET,
    );
  const get = (path: string, options: { token?: string | null; origin?: string; method?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const bearer = options.token === undefined ? admin : options.token;
    if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
    if (options.origin) headers.Origin = options.origin;
    return fetch(`${stack.url}/admin/api/${path}`, { method: options.method ?? 'GET', headers });
  };
  const events = async (query = ''): Promise<{ events: AuditEvent[]; nextCursor: string | null }> => {
    const response = await get(`events${query}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as { events: AuditEvent[]; nextCursor: string | null };
  };
  const rest = (userId: string, method: string, path: string, body?: unknown) =>
    fetch(`${stack.devOrg.url}/services/data/v${stack.devOrg.apiVersion}/sobjects/${path}`, {
      method,
      headers: { Authorization: `Bearer ${stack.devOrg.data.sessionFor(userId)}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    store = await openBackend();
    stack = await startStack({ ALLOWED_ORIGINS: LIGHTNING }, {}, { store });
    [ana, ben] = stack.devOrg.data.users() as unknown as [typeof ana, typeof ben];
    admin = await token({ scope: AUDIT_SCOPE });
    // A new org's subscription starts at new events (-1): publish only once it is live.
    await waitFor(async () => (await fetch(`${stack.url}/readyz`)).status === 200, 'the subscription', { timeoutMs: 30_000 });
    // Twelve REST inserts by Ana, one REST edit by Ben, one component post by Ben, one off-contract publish.
    for (let i = 0; i < 12; i += 1) {
      const created = await rest(ana.Id, 'POST', 'Chat_Message__c/', { Content__c: `rest ${i}` });
      restIds.push(((await created.json()) as { id: string }).id);
    }
    expect((await rest(ben.Id, 'PATCH', `Chat_Message__c/${restIds[0]}`, { Content__c: 'edited by Ben' })).status).toBe(204);
    const posted = await fetch(`${stack.devOrg.url}/dev/apex/ChatController/postMessage`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.devOrg.data.sessionFor(ben.Id)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: 'from the component' }),
    });
    auraId = ((await posted.json()) as { id: string }).id;
    await stack.devOrg.publishEvent({ Type__c: 'MESSAGE_EXPLODED', Record_Id__c: restIds[1], User_Id__c: ana.Id });
    await waitFor(async () => (await events('?limit=1000')).events.length === 15, 'the 15 events in the log', { timeoutMs: 30_000 });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await store?.close();
  });

  it('lists every event newest first with its log columns and provenance', async () => {
    const { events: rows, nextCursor } = await events();

    expect(nextCursor).toBeNull();
    expect(rows).toHaveLength(15);
    const received = rows.map((r) => r.receivedAt);
    expect(received).toEqual([...received].sort().reverse());
    const [rejected, aura, edit] = rows;
    expect(rejected).toMatchObject({ seq: null, type: 'MESSAGE_EXPLODED', recordId: restIds[1], rejected: 'unknown-type', forwardedAt: null });
    expect(aura).toMatchObject({ type: 'MESSAGE_CREATED', recordId: auraId, userId: ben.Id, createdById: ben.Id, source: 'AURA', changedFields: [], rejected: null });
    expect(edit).toMatchObject({ type: 'MESSAGE_UPDATED', recordId: restIds[0], userId: ana.Id, createdById: ben.Id, source: 'REST', changedFields: ['Content__c'] });
    expect(Object.keys(edit!).sort()).toEqual(
      ['seq', 'eventUuid', 'replayId', 'type', 'recordId', 'userId', 'createdById', 'createdDate', 'receivedAt', 'forwardedAt', 'socketsReached', 'source', 'requestId', 'changedFields', 'rejected', 'roomId'].sort(),
    );
    expect(edit!.requestId).toMatch(/^[\w-]{22}$/);
    expect(edit!.requestId).not.toBe(aura!.requestId);
    expect(Date.parse(edit!.forwardedAt!)).toBeGreaterThanOrEqual(Date.parse(edit!.receivedAt));
    expect(edit!.socketsReached).toBe(0);
    expect(Date.parse(edit!.receivedAt)).toBeGreaterThanOrEqual(Date.parse(edit!.createdDate!));
  });

  it('filters by type, source, user (either id form), record, creator and time', async () => {
    const updated = await events('?type=MESSAGE_UPDATED');
    const viaAura = await events('?source=AURA');
    const byBen = await events(`?createdById=${ben.Id}`);
    const anaAuthor15 = await events(`?userId=${ana.Id.slice(0, 15)}`);
    const ofFirst = await events(`?recordId=${restIds[0]}`);
    const all = (await events()).events;
    const middle = all[7]!.receivedAt;
    const fromMiddle = await events(`?from=${encodeURIComponent(middle)}`);
    const toMiddle = await events(`?to=${encodeURIComponent(middle)}`);
    const future = await events(`?from=2999-01-01`);

    expect(updated.events.map((e) => e.recordId)).toEqual([restIds[0]]);
    expect(viaAura.events.map((e) => e.recordId)).toEqual([auraId]);
    expect(byBen.events.map((e) => e.type)).toEqual(['MESSAGE_CREATED', 'MESSAGE_UPDATED']);
    expect(anaAuthor15.events).toHaveLength(13);
    expect(anaAuthor15.events.every((e) => e.userId === ana.Id && e.rejected === null)).toBe(true);
    expect(ofFirst.events.map((e) => e.type)).toEqual(['MESSAGE_UPDATED', 'MESSAGE_CREATED']);
    // Events of one CometD batch share a receivedAt: both bounds are inclusive.
    expect(fromMiddle.events.map((e) => e.eventUuid)).toEqual(all.filter((e) => e.receivedAt >= middle).map((e) => e.eventUuid));
    expect(toMiddle.events.map((e) => e.eventUuid)).toEqual(all.filter((e) => e.receivedAt <= middle).map((e) => e.eventUuid));
    expect(fromMiddle.events.length).toBeLessThan(all.length);
    expect(toMiddle.events.length).toBeLessThan(all.length);
    expect(future.events).toEqual([]);
  });

  it('shows each row\'s room and filters by room (contract 2.3.0), whichever form of its id is given', async () => {
    const all = (await events()).events;
    // The dev org files messages without a room in its default public room, as the data script does.
    const general = all.find((e) => e.recordId === auraId)!.roomId!;
    expect(general).toMatch(/^[a-zA-Z0-9]{18}$/);
    expect(all.find((e) => e.rejected !== null)!.roomId, 'the rejected message carried none').toBeNull();
    const inGeneral = all.filter((e) => e.roomId === general).map((e) => e.eventUuid);
    expect(inGeneral, '13 messages created, 1 updated').toHaveLength(14);

    const swapCase = (id: string) => id.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
    for (const form of [general, general.slice(0, 15), general.toLowerCase(), general.toUpperCase()]) {
      expect((await events(`?room=${form}`)).events.map((e) => e.eventUuid), form).toEqual(inGeneral);
    }
    expect((await events(`?room=${swapCase(general.slice(0, 15))}`)).events, 'another id, in its 15-character form').toEqual([]);
    const csv = (await (await get(`events.csv?room=${general.toLowerCase()}`)).text()).split('\r\n');
    expect(csv).toHaveLength(1 + 14 + 1);
    expect(csv.slice(1, -1).every((line) => line.endsWith(`,${general}`))).toBe(true);
  });

  it('pages with an opaque cursor: every row once, in order, while new events arrive', async () => {
    const all = (await events()).events;
    const seen: AuditEvent[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { events: AuditEvent[]; nextCursor: string | null } = await events(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.events);
      cursor = page.nextCursor;
      pages += 1;
      if (pages === 1) await stack.publish('USER_ENTERED', { Record_Id__c: ana.Id, User_Id__c: ana.Id }); // newer than page 1: must not appear later
      expect(cursor === null || /^[A-Za-z0-9_-]+$/.test(cursor)).toBe(true);
    } while (cursor !== null);

    expect(pages).toBe(4);
    expect(seen.map((e) => e.eventUuid ?? e.receivedAt)).toEqual(all.map((e) => e.eventUuid ?? e.receivedAt));
  });

  it('exports the same rows as RFC 4180 CSV with a header row, as a download', async () => {
    const response = await get(`events.csv?source=REST`);
    const text = await response.text();
    const lines = text.split('\r\n');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="chat-events.csv"');
    expect(lines[0]).toBe('seq,eventUuid,replayId,type,recordId,userId,createdById,createdDate,receivedAt,forwardedAt,socketsReached,source,requestId,changedFields,rejected,roomId');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(1 + 13 + 1);
    const edit = lines.find((line) => line.includes('MESSAGE_UPDATED'))!.split(',');
    expect([edit[3], edit[4], edit[11], edit[13]]).toEqual(['MESSAGE_UPDATED', restIds[0], 'REST', 'Content__c']);
    expect((await (await get('events.csv?type=USER_LEFT')).text()).split('\r\n')).toHaveLength(2);
  });

  it('summarises per minute: counts per type and delivery lag', async () => {
    const response = await get('summary');
    const body = (await response.json()) as { bucket: string; buckets: Array<{ start: string; counts: Record<string, number>; lagMs: Record<string, number | null> }> };

    expect(response.status).toBe(200);
    expect(body.bucket).toBe('minute');
    const total = (type: string) => body.buckets.reduce((n, b) => n + (b.counts[type] ?? 0), 0);
    expect([total('MESSAGE_CREATED'), total('MESSAGE_UPDATED'), total('USER_ENTERED')]).toEqual([13, 1, 1]);
    expect(total('MESSAGE_EXPLODED')).toBe(0);
    for (const b of body.buckets) {
      expect(new Date(b.start).getUTCSeconds()).toBe(0);
      if (Object.keys(b.counts).length === 0) continue;
      expect(b.lagMs.p50!).toBeGreaterThanOrEqual(0);
      expect(b.lagMs.p50!).toBeLessThanOrEqual(b.lagMs.p95!);
      expect(b.lagMs.p95!).toBeLessThanOrEqual(b.lagMs.max!);
    }
    const hours = (await (await get('summary?bucket=hour&from=2026-01-01T00:00:00Z&to=2026-01-01T05:30:00Z')).json()) as typeof body;
    expect(hours.buckets.map((b) => b.start)).toEqual([0, 1, 2, 3, 4, 5].map((h) => `2026-01-01T0${h}:00:00.000Z`));
    expect(hours.buckets.every((b) => Object.keys(b.counts).length === 0 && b.lagMs.max === null)).toBe(true);
  });

  it('lists incidents newest first, in pages', async () => {
    for (const cause of ['first', 'second', 'third']) await store.logIncident({ kind: 'resync', cause, detail: `${cause} detail` });

    const page1 = (await (await get('incidents?limit=2')).json()) as { incidents: Array<{ id: number; kind: string; cause: string; at: string }>; nextCursor: string };
    const page2 = (await (await get(`incidents?limit=2&cursor=${page1.nextCursor}`)).json()) as typeof page1;

    expect(page1.incidents.map((i) => i.cause)).toEqual(['third', 'second']);
    expect(page1.incidents[0]).toMatchObject({ kind: 'resync', detail: 'third detail', at: expect.stringMatching(/Z$/) });
    expect(page2.incidents[0]!.cause).toBe('first');
  });

  it('refuses without a token (401), with a bad one (401), and a chat token without the scope (403)', async () => {
    const cases: Array<[string | null, number, string]> = [
      [null, 401, 'unauthorized'],
      ['not-a-jwt', 401, 'unauthorized'],
      [await token({ scope: AUDIT_SCOPE, exp: Math.floor(Date.now() / 1000) - 60 }), 401, 'unauthorized'],
      [await token({ scope: AUDIT_SCOPE, org: '00D000000000001AAA' }), 401, 'unauthorized'],
      [await signToken({ sub: ana.Id, name: 'x', org: stack.devOrg.orgId, aud: DEFAULT_TOKEN_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60, scope: AUDIT_SCOPE }, 'another-secret-another-secret-!!'), 401, 'unauthorized'],
      [await token(), 403, 'forbidden'],
      [await token({ scope: 'chat:read chat:write' }), 403, 'forbidden'],
    ];
    for (const [bearer, status, error] of cases) {
      for (const path of ['events', 'events.csv', 'incidents', 'summary']) {
        const response = await get(path, { token: bearer });
        const body = (await response.json()) as { error: string; message: string };
        expect([path, response.status, body.error], String(bearer)).toEqual([path, status, error]);
        expect(body.message.length).toBeGreaterThan(10);
      }
    }
    expect((await get('events', { token: await token({ scope: `chat:read ${AUDIT_SCOPE}` }) })).status).toBe(200);
  });

  it('names the bad parameter in a 400', async () => {
    const cases: Array<[string, string]> = [
      ['events?type=MESSAGE_EXPLODED', 'type'],
      ['events?from=yesterday', 'from'],
      ['events?from=2026-12-02T10:00:00Z&to=2026-12-01T10:00:00Z', 'from'],
      ['events?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['events?cursor=%%%', 'cursor'],
      ['events?limit=0', 'limit'],
      ['events?limit=1001', 'limit'],
      ['events?limit=ten', 'limit'],
      ['events?userId=ana', 'userId'],
      ['events?recordId=a00000000000001AAB', 'recordId'],
      ['events?source=rest;drop', 'source'],
      ['events?source=NOT_A_QUIDDITY', 'source'],
      ['events?room=general', 'room'],
      ['events.csv?room=a0B000000000001AAB', 'room'],
      ['events?type=USER_LEFT&type=USER_ENTERED', 'type'],
      ['events?colour=red', 'colour'],
      ['events.csv?limit=5', 'limit'],
      ['incidents?cursor=WyJ4Il0', 'cursor'],
      ['summary?bucket=week', 'bucket'],
      ['summary?bucket=minute&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'bucket'],
    ];
    for (const [path, parameter] of cases) {
      const response = await get(path);
      const body = (await response.json()) as { error: string; parameter: string; message: string };
      expect([path, response.status, body.error, body.parameter], body.message).toEqual([path, 400, 'bad_request', parameter]);
      expect(body.message).toContain(parameter);
    }
  });

  it('answers CORS only for allowed origins, preflight with Authorization included', async () => {
    const preflight = await get('events', {
      method: 'OPTIONS',
      token: null,
      origin: LIGHTNING,
      headers: { 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    const allowed = await get('events', { origin: LIGHTNING });
    const foreignPreflight = await get('events', { method: 'OPTIONS', token: null, origin: 'https://evil.example.com' });
    const foreign = await get('events', { origin: 'https://evil.example.com' });

    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(LIGHTNING);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(LIGHTNING);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('Content-Disposition');
    for (const response of [foreignPreflight, foreign]) {
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it("shows only this org's events: another org's rows in the same store stay out", async () => {
    const other = { orgId: '00D000000000099AAA', channel: stack.config.channel };
    await store.logEvent(other, { type: 'USER_LEFT', recordId: ana.Id, userId: ana.Id, createdById: ana.Id, createdDate: new Date().toISOString(), replayId: 1, eventUuid: `other-${Math.random()}`, roomId: null }, new Date(), {
      source: 'REST',
      requestId: 'other-org',
      changedFields: [],
    });

    const { events: rows } = await events('?type=USER_LEFT');
    expect(rows.map((r) => r.requestId)).not.toContain('other-org');
  });
});
