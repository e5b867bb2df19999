// The log keeps what is younger than EVENT_LOG_RETENTION_HOURS and loses the rest in the
// background, in batches, without anyone asking.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startRetention } from '../../../bridge/store/retention.js';
import { sharedMemoryStore } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait-for.js';

describe('retention', () => {
  it('prunes events, rejected messages and incidents older than the retention; keeps the rest', async () => {
    const store = await sharedMemoryStore();
    const key = { orgId: '00D00000000RETAIN', channel: '/event/Chat_Event__e' };
    const event = (replayId: number) => ({
      type: 'USER_LEFT' as const, recordId: '005000000000001AAA', userId: '005000000000001AAA', createdById: '005000000000001AAA',
      createdDate: new Date().toISOString(), replayId, eventUuid: randomUUID(), roomId: null,
    });
    const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3_600_000);
    const old: number[] = [];
    for (let i = 0; i < 5; i++) old.push((await store.logEvent(key, event(i), threeDaysAgo))!);
    await store.logRejected(key, { reason: 'malformed', detail: 'old', message: null }, threeDaysAgo);
    const young = (await store.logEvent(key, event(9), new Date()))!;

    const retention = startRetention(store, { retentionHours: 48, firstAfterMs: 10, batch: 2, logger: pino({ level: 'silent' }) });
    try {
      await waitFor(async () => (await store.logPosition()).prunedThroughSeq >= old.at(-1)!, 'old events pruned');
      const left = (await store.eventsAfter(0, { limit: 100_000 })).map((e) => e.seq);
      expect(left.filter((seq) => old.includes(seq))).toEqual([]);
      expect(left).toContain(young);
      expect(await store.replayPosition(key), 'pruning never moves the replay position').toBe(9);
    } finally {
      await retention.stop();
    }
  });
});
