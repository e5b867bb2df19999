// The cluster feed on a real store (in-memory PGlite): notices that follow on are delivered at
// once; a notice after a gap, or no notice at all (Redis lost it), is made good from the log — each
// event once, in seq order.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, SequencedChatEvent } from '../../../bridge/events/contract.js';
import type { EventStore, LoggedEvent, StreamKey } from '../../../bridge/store/event-store.js';
import { createFeed, type Feed } from '../../../bridge/gateway/feed.js';
import { sharedMemoryStore } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait-for.js';

let store: EventStore;
beforeAll(async () => {
  store = await sharedMemoryStore();
}, 90_000);

let orgCounter = 0;
let replayId = 10;
const newKey = (): StreamKey => ({ orgId: `00D${String(++orgCounter).padStart(12, '0')}FED`, channel: '/event/Chat_Event__e' });
const chatEvent = (roomId: string | null = null): ChatEvent => ({
  type: 'MESSAGE_CREATED',
  recordId: 'a00000000000001AAA',
  userId: '005000000000001AAA',
  createdById: '005000000000002AAA',
  createdDate: '2026-12-02T10:00:00.000Z',
  replayId: (replayId += 3),
  eventUuid: randomUUID(),
  roomId,
});

async function logged(key: StreamKey, roomId: string | null = null): Promise<LoggedEvent> {
  const event = chatEvent(roomId);
  return { seq: (await store.logEvent(key, event, new Date()))!, event };
}

function feedOf(key: StreamKey, pollMs: number): { feed: Feed; delivered: SequencedChatEvent[] } {
  const delivered: SequencedChatEvent[] = [];
  const feed = createFeed({
    log: { position: () => store.logPosition(), eventsAfter: (afterSeq, limit) => store.eventsAfter(afterSeq, { limit, stream: key }) },
    deliver: (e) => delivered.push(e),
    pollMs,
    logger: pino({ level: 'silent' }),
  });
  return { feed, delivered };
}

describe('cluster feed', () => {
  it('delivers notices that follow on at once, and fills a gap from the log before a later notice, each event once, in order', async () => {
    const key = newKey();
    const { feed, delivered } = feedOf(key, 60_000); // no poll in this test
    await feed.start();
    const start = feed.deliveredSeq();

    const first = await logged(key);
    feed.notify(first, start);
    expect(delivered.map((e) => e.seq), 'delivered synchronously').toEqual([first.seq]);

    const lost = [await logged(key), await logged(key)]; // their notices never arrive
    const later = await logged(key);
    feed.notify(later, lost[1]!.seq);
    await waitFor(() => delivered.length === 4, 'the gap filled');
    feed.notify(lost[0]!, first.seq); // a late copy of a lost notice
    feed.notify(later, lost[1]!.seq); // and a duplicate
    expect(delivered.map((e) => e.eventUuid)).toEqual([first, ...lost, later].map((l) => l.event.eventUuid));
    expect(delivered.map((e) => e.seq)).toEqual([first, ...lost, later].map((l) => l.seq));
    feed.stop();
  });

  it('without any notice, the poll delivers what was logged; reached() waits for an event it has not delivered yet', async () => {
    const key = newKey();
    const { feed, delivered } = feedOf(key, 50);
    await feed.start();
    const events = [await logged(key), await logged(key, 'a0B000000000001EAA'), await logged(key)];
    await waitFor(() => delivered.length === 3, 'the poll delivered the log');
    expect(delivered.map((e) => e.seq)).toEqual(events.map((l) => l.seq));
    expect(delivered.map((e) => e.roomId), 'the room survives the log read, so the gateway can scope it').toEqual([null, 'a0B000000000001EAA', null]);

    feed.stop();
    const unseen = await logged(key);
    await feed.reached(unseen.seq);
    expect(delivered.at(-1)?.seq, 'reached() read the log itself').toBe(unseen.seq);
  });
});
