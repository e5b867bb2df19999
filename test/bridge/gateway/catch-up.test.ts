// What a catch-up reads and when it refuses, against a log whose answers the test controls: the
// decisions a reconnecting browser depends on (all or nothing), including the ones a real store
// makes hard to reach — retention pruning past `since` while the pages are read, a log that never
// answers, a socket more than the allowed span behind.
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../bridge/events/contract.js';
import { createCatchUpQueue, parseCatchUpFrom, readCatchUp, readCatchUps, type CatchUpLog } from '../../../bridge/gateway/catch-up.js';
import type { LogPosition, LoggedEvent } from '../../../bridge/store/event-store.js';

const EPOCH = '00000000-0000-4000-8000-000000000001';
const event = (seq: number): LoggedEvent => ({
  seq,
  event: { type: 'MESSAGE_CREATED', recordId: 'a0B000000000001', userId: '005000000000001', createdById: '005000000000001', createdDate: '2026-01-15T12:00:00.000Z', replayId: seq, eventUuid: `u${seq}`, roomId: null } satisfies ChatEvent,
});

/** A log holding `seqs`; `position` answers in turn from `positions` (the last one repeats). */
function fakeLog(seqs: number[], positions: LogPosition[]): CatchUpLog & { reads: number[] } {
  const reads: number[] = [];
  let n = 0;
  return {
    reads,
    epoch: () => EPOCH,
    position: async () => positions[Math.min(n++, positions.length - 1)]!,
    async eventsAfter(afterSeq, limit) {
      reads.push(afterSeq);
      return seqs.filter((s) => s > afterSeq).slice(0, limit).map(event);
    },
  };
}
const at = (latestSeq: number, prunedThroughSeq = 0): LogPosition => ({ epoch: EPOCH, prunedThroughSeq, latestSeq });

describe('readCatchUp', () => {
  it('reads every event after since through the position read first, in pages, and nothing logged later', async () => {
    const log = fakeLog([2, 3, 5, 8, 9, 12, 13], [at(12)]); // 13 was logged after the position was read
    const result = await readCatchUp(log, { since: 2, epoch: EPOCH }, { pageSize: 2 });
    expect(result).toEqual({ ok: true, throughSeq: 12, events: [3, 5, 8, 9, 12].map((s) => ({ ...event(s).event, seq: s })) });
    expect(log.reads, 'pages continue from the last seq of the previous one').toEqual([2, 5, 9]);
  });

  it('since at the end of the log: nothing to read, nothing missing', async () => {
    const log = fakeLog([4], [at(4)]);
    expect(await readCatchUp(log, { since: 4 })).toEqual({ ok: true, events: [], throughSeq: 4 });
    expect(log.reads).toEqual([]);
  });

  it.each([
    ['pruned', { since: 3 }, [at(10, 5)]],
    ['ahead', { since: 11 }, [at(10)]],
    ['epoch', { since: 3, epoch: 'another-log' }, [at(10)]],
    ['too-far', { since: 3 }, [at(3 + 1_001)]],
    ['pruned', { since: 3 }, [at(10), at(10, 6)]], // retention pruned past since while the pages were read
  ] as const)('gap %s: no events at all', async (gap, from, positions) => {
    const result = await readCatchUp(fakeLog([4, 6, 10], [...positions]), from);
    expect(result).toEqual({ ok: false, gap });
  });

  it('a log that fails or does not answer within the deadline: gap store, with the cause', async () => {
    const failing: CatchUpLog = { epoch: () => EPOCH, position: async () => at(10), eventsAfter: () => Promise.reject(new Error('connection terminated')) };
    const silent: CatchUpLog = { ...failing, eventsAfter: () => new Promise(() => undefined) };
    expect(await readCatchUp(failing, { since: 1 })).toMatchObject({ ok: false, gap: 'store', error: new Error('connection terminated') });
    expect(await readCatchUp(silent, { since: 1 }, { deadlineMs: 50 })).toEqual({ ok: false, gap: 'store', error: 'catch-up: event log did not answer within 50 ms' });
  });
});

describe('readCatchUps and the catch-up queue (a reconnect storm)', () => {
  const seqEvents = (...seqs: number[]) => seqs.map((s) => ({ ...event(s).event, seq: s }));

  it('one read of the log serves many clients, each from its own since; a refused one gets its gap', async () => {
    const log = fakeLog([2, 3, 5, 8], [at(8)]);
    const results = await readCatchUps(log, [{ since: 5 }, { since: 2 }, { since: 8 }, { since: 9 }, { since: 3, epoch: 'another-log' }]);
    expect(results).toEqual([
      { ok: true, throughSeq: 8, events: seqEvents(8) },
      { ok: true, throughSeq: 8, events: seqEvents(3, 5, 8) },
      { ok: true, throughSeq: 8, events: [] },
      { ok: false, gap: 'ahead' },
      { ok: false, gap: 'epoch' },
    ]);
    expect(log.reads, 'one page read, from the lowest since').toEqual([2]);
  });

  it('requests made during a read join the next one: 100 sockets, two reads', async () => {
    const log = fakeLog([2, 3, 5], [at(5)]);
    const request = createCatchUpQueue(log);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => request({ since: i % 2 === 0 ? 2 : 3 })));
    expect(results.filter((r) => r.ok && r.events.length === (r.events[0]?.seq === 3 ? 2 : 1))).toHaveLength(100);
    expect(log.reads).toEqual([2, 2]);
  });
});

describe('parseCatchUpFrom', () => {
  it.each([
    [{ token: 't' }, undefined],
    [{ token: 't', since: null }, undefined],
    [undefined, undefined],
    [{ since: 0 }, { since: 0 }],
    [{ since: 7, epoch: EPOCH }, { since: 7, epoch: EPOCH }],
    [{ since: -1 }, 'malformed'],
    [{ since: 1.5 }, 'malformed'],
    [{ since: '7' }, 'malformed'],
    [{ since: 2 ** 53 }, 'malformed'],
    [{ since: 7, epoch: 42 }, 'malformed'],
    [{ since: 7, epoch: '' }, 'malformed'],
  ])('%j → %j', (auth, expected) => {
    expect(parseCatchUpFrom(auth)).toEqual(expected);
  });
});
