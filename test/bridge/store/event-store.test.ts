// The store's one suite, run twice: on embedded PGlite and on a real PostgreSQL server. The same
// schema and SQL must give the same answers on both: what is logged, what a duplicate does, where
// the replay position is, what the catch-up query returns, what pruning leaves.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../bridge/events/contract.js';
import type { Database } from '../../../bridge/store/database.js';
import { createEventStore, FencedWriteError, type EventStore, type StreamKey } from '../../../bridge/store/event-store.js';
import { migrate } from '../../../bridge/store/migrate.js';
import { MIGRATIONS } from '../../../bridge/store/migrations/index.js';
import { openPgliteDatabase } from '../../../bridge/store/pglite-database.js';
import { openPostgresDatabase } from '../../../bridge/store/postgres-database.js';
import { startPostgresServer, type PostgresServer } from '../../helpers/stores.js';

const logger = pino({ level: 'silent' });
const CHANNEL = '/event/Chat_Event__e';
let orgCounter = 0;
/** A fresh org per test: its replay position starts empty whatever the other tests wrote. */
const newKey = (): StreamKey => ({ orgId: `00D${String(++orgCounter).padStart(12, '0')}AAA`, channel: CHANNEL });

let replayCounter = 1_000;
const chatEvent = (overrides: Partial<ChatEvent> = {}): ChatEvent => ({
  type: 'MESSAGE_CREATED',
  recordId: 'a00000000000001AAA',
  userId: '005000000000001AAA',
  createdById: '005000000000002AAA',
  createdDate: '2026-11-29T10:00:00.123Z',
  replayId: (replayCounter += 7), // increasing, not contiguous, like Salesforce's
  eventUuid: randomUUID(),
  roomId: null,
  ...overrides,
});

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
}, 60_000);
afterAll(() => server?.close());

const backends: Array<[string, () => Promise<Database>]> = [
  ['PGlite', () => openPgliteDatabase()],
  ['PostgreSQL', async () => openPostgresDatabase(server.url, logger)],
];

describe.each(backends)('event store on %s', (_name, open) => {
  let db: Database;
  let store: EventStore;
  beforeAll(async () => {
    db = await open();
    await migrate(db, logger);
    store = createEventStore(db);
  }, 30_000);
  afterAll(() => store?.close());

  it('migrates once: a second run (another bridge starting) applies nothing', async () => {
    expect(await migrate(db, logger)).toEqual([]);
    const rows = await db.query<{ name: string }>('SELECT name FROM store_migrations');
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(rows.map((r) => r.name).slice(0, 2)).toEqual(['0001-event-log', '0002-audit']);
  });

  it('logs an event and advances the replay position with it; a duplicate changes nothing', async () => {
    const key = newKey();
    expect(await store.replayPosition(key)).toBeUndefined();
    const first = chatEvent();
    const seq = await store.logEvent(key, first, new Date());
    expect(seq).toBeTypeOf('number');
    expect(await store.replayPosition(key)).toBe(first.replayId);

    const later = chatEvent();
    expect(await store.logEvent(key, later, new Date())).toBeGreaterThan(seq!);
    // The same EventUuid again (a replay after a reconnect): not logged, position not moved back.
    expect(await store.logEvent(key, { ...first }, new Date())).toBeUndefined();
    expect(await store.replayPosition(key)).toBe(later.replayId);
  });

  it('fences cluster writes by leadership term: a term that is over writes nothing, neither event nor position', async () => {
    const key = newKey();
    const first = await store.takeLeadership('node-a');
    const logged = chatEvent();
    const seq = await store.logEvent(key, logged, new Date(), undefined, first);
    expect(seq).toBeTypeOf('number');
    expect(await store.logEvent(key, { ...logged }, new Date(), undefined, first), 'a duplicate under a live term').toBeUndefined();

    const second = await store.takeLeadership('node-b');
    expect(second, 'the term only grows').toBeGreaterThan(first);
    const { rows: noted } = await store.audit.incidents({}, 2);
    expect(noted.map((i) => [i.kind, i.cause, i.detail]), 'each new term is an incident for the audit, newest first').toEqual([
      ['leader-changed', 'lease-acquired', `node node-b leads in term ${second} (before: node-a in term ${first})`],
      ['leader-changed', 'lease-acquired', expect.stringMatching(new RegExp(`^node node-a leads in term ${first} \\(before: `))],
    ]);
    const stale = chatEvent();
    await expect(store.logEvent(key, stale, new Date(), undefined, first)).rejects.toBeInstanceOf(FencedWriteError);
    const rejected = { identity: { replayId: stale.replayId, eventUuid: stale.eventUuid }, reason: 'unknown-type' as const, detail: 'x', message: {} };
    await expect(store.logRejected(key, rejected, new Date(), first)).rejects.toBeInstanceOf(FencedWriteError);
    expect(await store.replayPosition(key), 'the stale leader moved no position').toBe(logged.replayId);
    expect((await store.eventsAfter(seq!, { stream: key })).length, 'and logged no event').toBe(0);
    expect(store.state(), 'a refused term is not a store outage').toBe('up');

    const next = chatEvent();
    expect(await store.logEvent(key, next, new Date(), undefined, second)).toBeGreaterThan(seq!);
    expect(await store.logRejected(key, { ...rejected, identity: { replayId: next.replayId + 1, eventUuid: randomUUID() } }, new Date(), second)).toBe(true);
    expect(await store.replayPosition(key)).toBe(next.replayId + 1);
    // The batch of one CometD answer is fenced as a whole; a batch of duplicates under a live term is no fence refusal.
    const batch = [chatEvent(), chatEvent()].map((event) => ({ event, receivedAt: new Date() }));
    await expect(store.logEvents(key, batch, first)).rejects.toBeInstanceOf(FencedWriteError);
    expect(await store.replayPosition(key)).toBe(next.replayId + 1);
    expect((await store.logEvents(key, batch, second)).every((seq) => seq !== undefined)).toBe(true);
    expect(await store.logEvents(key, batch, second)).toEqual([undefined, undefined]);
  });

  it('logs the events of one answer in one statement, in arrival order; duplicates (logged before or repeated in it) get no seq', async () => {
    const key = newKey();
    const before = chatEvent();
    await store.logEvent(key, before, new Date());
    const [a, b, c] = [chatEvent(), chatEvent(), chatEvent()];
    const at = new Date();

    const seqs = await store.logEvents(key, [a, { ...before }, b, { ...a }, c].map((event) => ({ event, receivedAt: at })));

    expect(seqs.map((seq) => seq === undefined)).toEqual([false, true, false, true, false]);
    expect(seqs[0]!).toBeLessThan(seqs[2]!);
    expect(seqs[2]!).toBeLessThan(seqs[4]!);
    expect(await store.replayPosition(key), 'the position is the last event written').toBe(c.replayId);
    expect((await store.eventsAfter(0, { stream: key })).map((e) => e.event.eventUuid)).toEqual([before, a, b, c].map((e) => e.eventUuid));
    // Only duplicates: nothing written, the position stays.
    expect(await store.logEvents(key, [{ event: { ...b }, receivedAt: at }])).toEqual([undefined]);
    expect(await store.replayPosition(key)).toBe(c.replayId);
    expect(await store.logEvents(key, [])).toEqual([]);
  });

  it('keeps replay positions apart by org and channel', async () => {
    const a = newKey();
    const b = newKey();
    await store.logEvent(a, chatEvent({ replayId: 42 }), new Date());
    expect(await store.replayPosition(a)).toBe(42);
    expect(await store.replayPosition(b), 'another org starts from -1').toBeUndefined();
    expect(await store.replayPosition({ ...a, channel: '/event/Other__e' })).toBeUndefined();
  });

  it('returns events after a seq in order, exactly as they were logged, a page at a time', async () => {
    const key = newKey();
    const events = [chatEvent({ type: 'USER_ENTERED' }), chatEvent({ roomId: 'a0B000000000001AAA' }), chatEvent({ type: 'MESSAGE_DELETED' })];
    const seqs: number[] = [];
    for (const e of events) seqs.push((await store.logEvent(key, e, new Date()))!);
    const after = await store.eventsAfter(seqs[0]! - 1);
    expect(after.slice(-3)).toEqual(events.map((event, i) => ({ seq: seqs[i], event })));
    expect(await store.eventsAfter(seqs[0]!, { limit: 1 })).toEqual([{ seq: seqs[1], event: events[1] }]);
    expect(await store.eventsAfter(seqs[2]!)).toEqual([]);
    expect(await store.eventsAfter(0, { stream: key })).toEqual(events.map((event, i) => ({ seq: seqs[i], event })));
    expect(await store.eventsAfter(0, { stream: newKey() }), 'another org’s events only').toEqual([]);
  });

  it('logs rejected messages with their reason; one with an identity advances the position, a redelivery is not logged twice', async () => {
    const key = newKey();
    const identity = { replayId: 77, eventUuid: randomUUID() };
    expect(await store.logRejected(key, { identity, reason: 'unknown-type', detail: 'Type__c "NOPE"', message: { payload: { Type__c: 'NOPE' } } }, new Date())).toBe(true);
    expect(await store.replayPosition(key)).toBe(77);
    expect(await store.logRejected(key, { identity, reason: 'unknown-type', detail: 'again', message: {} }, new Date())).toBe(false);
    expect(await store.logRejected(key, { reason: 'malformed', detail: 'no data.event.replayId/EventUuid', message: 'junk' }, new Date())).toBe(true);
    expect(await store.replayPosition(key), 'a message without identity does not move it').toBe(77);
    const rows = await db.query<{ reason: string; detail: string }>('SELECT reason, detail FROM rejected_event WHERE org_id = $1 ORDER BY id', [key.orgId]);
    expect(rows).toEqual([{ reason: 'unknown-type', detail: 'Type__c "NOPE"' }, { reason: 'malformed', detail: 'no data.event.replayId/EventUuid' }]);
  });

  it('records forwarding and incidents', async () => {
    const seq = (await store.logEvent(newKey(), chatEvent(), new Date()))!;
    const at = new Date();
    const other = (await store.logEvent(newKey(), chatEvent(), new Date()))!;
    await store.markForwarded([{ seq, socketsReached: 3 }, { seq: other, socketsReached: 5 }], at);
    const rows = await db.query<{ forwarded_at: Date; sockets_reached: number }>(
      'SELECT forwarded_at, sockets_reached FROM event_log WHERE seq = ANY($1::bigint[]) ORDER BY seq',
      [[seq, other]],
    );
    expect(rows).toEqual([{ forwarded_at: at, sockets_reached: 3 }, { forwarded_at: at, sockets_reached: 5 }]);
    await store.logIncident({ kind: 'subscription-lost', cause: 'watchdog', detail: 'no answer for 3000 ms' });
    const incidents = await db.query<{ kind: string; cause: string }>("SELECT kind, cause FROM upstream_incident WHERE cause = 'watchdog'");
    expect(incidents.at(-1)).toEqual({ kind: 'subscription-lost', cause: 'watchdog' });
  });

  it('seeds a position only where there is none (importing an old replay.json)', async () => {
    const key = newKey();
    expect(await store.seedReplayPosition(key, 500)).toBe(500);
    expect(await store.seedReplayPosition(key, 9)).toBe(500);
  });

  it('prunes what is older than the retention, in batches, and says which seqs may be gone', async () => {
    const key = newKey();
    const old = new Date(Date.now() - 100 * 3_600_000);
    const oldSeqs: number[] = [];
    for (let i = 0; i < 3; i++) oldSeqs.push((await store.logEvent(key, chatEvent(), old))!);
    const keptSeq = (await store.logEvent(key, chatEvent(), new Date()))!;
    const before = await store.logPosition();
    const cutoff = new Date(Date.now() - 72 * 3_600_000);

    let deleted = 0;
    for (let n = await store.prune(cutoff, 2); n > 0; n = await store.prune(cutoff, 2)) deleted += n;
    expect(deleted).toBeGreaterThanOrEqual(3);
    const after = await store.logPosition();
    expect(after.epoch, 'same log').toBe(before.epoch);
    expect(after.prunedThroughSeq).toBeGreaterThanOrEqual(oldSeqs[2]!);
    expect(after.prunedThroughSeq).toBeLessThan(keptSeq);
    expect(after.latestSeq).toBeGreaterThanOrEqual(keptSeq);
    const left = (await store.eventsAfter(0, { limit: 10_000 })).map((e) => e.seq);
    expect(left).toContain(keptSeq);
    expect(left.filter((s) => oldSeqs.includes(s))).toEqual([]);
  });
});

describe('migration 0004-room on a store logged before it', () => {
  it('adds the room to the log: rows logged before read back room-less, new rows keep their room', async () => {
    // A store as a bridge before 0004 left it: the first three migrations applied, one event logged.
    const db = await openPgliteDatabase();
    try {
      const before = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === '0004-room'));
      await db.query('CREATE TABLE store_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const m of before) {
        for (const statement of m.up) await db.query(statement);
        await db.query('INSERT INTO store_migrations (name) VALUES ($1)', [m.name]);
      }
      const key = newKey();
      const old = chatEvent();
      await db.query(
        `INSERT INTO event_log (org_id, channel, event_uuid, replay_id, type, record_id, user_id, created_by_id, created_date, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())`,
        [key.orgId, key.channel, old.eventUuid, old.replayId, old.type, old.recordId, old.userId, old.createdById, old.createdDate],
      );

      expect(await migrate(db, logger)).toEqual(['0004-room']);

      const store = createEventStore(db);
      const inRoom = chatEvent({ roomId: 'a0B000000000001AAA' });
      await store.logEvent(key, inRoom, new Date());
      expect((await store.eventsAfter(0, { stream: key })).map((e) => e.event)).toEqual([old, inRoom]);
    } finally {
      await db.close();
    }
  }, 30_000);
});

describe('PostgreSQL restarting under the store', () => {
  it('fails calls while the server is down (state down), and answers again once it is back (state up)', async () => {
    const store = createEventStore(openPostgresDatabase(server.url, logger, { connectTimeoutMs: 1_000 }));
    try {
      await store.logPosition();
      await server.stop();
      await expect(store.replayPosition(newKey())).rejects.toThrow();
      expect(store.state()).toBe('down');
      await server.start();
      expect((await store.logPosition()).epoch).toMatch(/^[0-9a-f-]{36}$/);
      expect(store.state()).toBe('up');
    } finally {
      await store.close();
    }
  }, 30_000);
});
