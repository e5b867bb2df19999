// Catch-up by sequence, with a real bridge, dev org and store, and real socket.io clients: a socket
// that reconnects with the last seq it saw gets exactly what it missed, then live events, nothing
// twice at the seam; one that cannot be caught up in full gets `bridge:resync { reason: 'gap' }`
// and nothing of the log; one without `since` gets no replay.
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../bridge/store/event-store.js';
import { connectResuming, type ResumingSocket } from '../../helpers/resuming-socket.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { sharedMemoryStore } from '../../helpers/stores.js';
import { settle, waitFor } from '../../helpers/wait-for.js';

let stack: Stack | undefined;
const sockets: ResumingSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.socket.close();
  await stack?.close();
  stack = undefined;
});

async function start(store?: EventStore): Promise<Stack> {
  stack = await startStack({}, {}, { store });
  await waitFor(() => stack!.bridge.subscriber!.state() === 'connected', 'subscribed');
  return stack;
}

async function connect(from: { since?: number; epoch?: string } = {}): Promise<ResumingSocket> {
  const socket = await connectResuming(stack!.url, await stack!.tokenFor(), from, false);
  sockets.push(socket);
  return socket;
}

/** Publishes `n` events one after the other; resolves with their EventUuids. */
async function publish(n: number): Promise<string[]> {
  const uuids: string[] = [];
  for (let i = 0; i < n; i++) uuids.push(await stack!.publish(i % 2 ? 'USER_ENTERED' : 'MESSAGE_CREATED'));
  return uuids;
}

const uuidsOf = (s: ResumingSocket) => s.events.map((e) => e.eventUuid);

describe('catch-up by sequence', () => {
  it('a socket that saw seq k reconnects with since=k: gets exactly k+1…latest, then live events published during its catch-up, nothing twice', async () => {
    // The log is read slowly, so live events arrive while the socket is catching up: before its
    // position is read (then they are both in the log read and held: dropped once), and after.
    const base = await sharedMemoryStore();
    const slowly = <T>(read: () => Promise<T>) => delay(150).then(read);
    await start({
      ...base,
      logPosition: () => slowly(() => base.logPosition()),
      eventsAfter: (...args) => slowly(() => base.eventsAfter(...args)),
    });
    const first = await connect();
    await publish(5);
    await waitFor(() => first.events.length === 5, 'first 5 events');
    const k = first.events.at(-1)!.seq;
    const epoch = first.epoch();
    first.socket.close();
    const missed = await publish(20);

    const again = await connect({ since: k, epoch });
    const liveUuids: string[] = [];
    for (let i = 0; i < 15; i++) {
      liveUuids.push(...(await publish(1)));
      await delay(25); // 15 events over ~400 ms, while the catch-up reads for ~450 ms
    }
    await waitFor(() => again.events.length >= 35, '35 events after the reconnect', { timeoutMs: 15_000 });
    await settle(300); // room for a duplicate to show up

    expect(uuidsOf(again), 'missed events, then live ones, each once, in publish order').toEqual([...missed, ...liveUuids]);
    const seqs = again.events.map((e) => e.seq);
    expect(seqs.every((seq, i) => seq > (i ? seqs[i - 1]! : k)), `seqs increase from ${k}: ${seqs.join(',')}`).toBe(true);
    expect(again.resyncs).toEqual([]);
    const metrics = await (await fetch(`${stack!.url}/metrics`)).text();
    expect(metrics).toMatch(/sfcb_catch_ups_total\{outcome="caught-up"\} 1/);
  }, 60_000);

  it('no since: a new client gets live events only', async () => {
    await start();
    const earlier = await connect();
    await publish(3);
    // Broadcast before the new client connects (on a loaded machine a fixed pause was not enough).
    await waitFor(() => earlier.events.length >= 3, 'the earlier events broadcast');
    const watcher = await connect();
    await settle(300);
    const [live] = await publish(1);
    await waitFor(() => watcher.events.length >= 1, 'the live event');
    await settle(200);
    expect(uuidsOf(watcher)).toEqual([live]);
    expect(watcher.resyncs).toEqual([]);
  });

  it('since older than the retained log, ahead of it, or from another epoch: bridge:resync gap, nothing of the log, then live events', async () => {
    const s = await start();
    const first = await connect();
    await publish(4);
    await waitFor(() => first.events.length === 4, '4 events');
    const [oldest, , , newest] = first.events.map((e) => e.seq) as [number, number, number, number];
    const epoch = first.epoch()!;
    // Retention: everything received before now is pruned, so `oldest` is no longer covered.
    while ((await s.store.prune(new Date(Date.now() + 1_000), 1_000)) > 0);
    const pruned = await connect({ since: oldest, epoch });
    const ahead = await connect({ since: newest + 1_000, epoch });
    const otherLog = await connect({ since: newest, epoch: '11111111-1111-4111-8111-111111111111' });
    const current = await connect({ since: newest, epoch }); // nothing missed, nothing pruned after it
    const gapped = [pruned, ahead, otherLog];
    await waitFor(() => gapped.every((g) => g.resyncs.length === 1), 'a resync each');
    const [live] = await publish(1);
    await waitFor(() => [...gapped, current].every((g) => g.events.length >= 1), 'the live event at every socket');
    await settle(200);

    for (const g of gapped) {
      expect(g.resyncs, 'gap').toEqual(['gap']);
      expect(uuidsOf(g), 'only the live event').toEqual([live]);
    }
    expect(current.resyncs).toEqual([]);
    expect(uuidsOf(current)).toEqual([live]);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    for (const outcome of ['pruned', 'ahead', 'epoch']) expect(metrics).toMatch(new RegExp(`sfcb_catch_ups_total\\{outcome="${outcome}"\\} 1`));
  });

  it('a log that cannot be read during the catch-up: gap for that socket, other sockets keep receiving', async () => {
    const base = await sharedMemoryStore();
    let failReads = false;
    await start({ ...base, eventsAfter: (...args) => (failReads ? Promise.reject(new Error('connection terminated')) : base.eventsAfter(...args)) });
    const bystander = await connect();
    await publish(2);
    await waitFor(() => bystander.events.length === 2, '2 events');
    failReads = true;
    const unlucky = await connect({ since: bystander.events[0]!.seq, epoch: bystander.epoch() });
    await waitFor(() => unlucky.resyncs.length === 1, 'resync');
    const [live] = await publish(1);
    await waitFor(() => unlucky.events.length === 1 && bystander.events.length === 3, 'the live event at both');
    expect(unlucky.resyncs).toEqual(['gap']);
    expect(uuidsOf(unlucky)).toEqual([live]);
    const metrics = await (await fetch(`${stack!.url}/metrics`)).text();
    expect(metrics).toMatch(/sfcb_catch_ups_total\{outcome="store"\} 1/);
  });

  it('a since that is not a non-negative integer is refused: connect_error reason malformed', async () => {
    const s = await start();
    const token = await s.tokenFor();
    for (const since of [-1, 1.5, '3'] as unknown as number[]) {
      const err = await connectResuming(s.url, token, { since }, false).then(() => undefined, (e: Error & { data?: { reason?: string } }) => e);
      expect(err?.data?.reason, `since ${JSON.stringify(since)}`).toBe('malformed');
    }
  });
});
