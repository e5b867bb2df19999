/**
 * What the benchmark's client process and its helper processes (the baseline servers, the dev org)
 * say to each other over Node's IPC channel, and the event the baselines broadcast.
 *
 * Why this exists: every server under test runs in a process of its own, so its CPU time and memory
 * are its own; the client tells it when to publish over IPC, the same way for every server, so the
 * publish-to-last-socket time starts at the same point for all of them.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChatEvent } from '../../bridge/events/contract.js';

/**
 * Client → helper: publish `publish` events, one after another, as fast as they come — each in a
 * turn of the event loop of its own, as events arriving from the network do (one request, one
 * callback). In one synchronous loop, engine.io would hand all but the first event of every socket
 * to the kernel in one write, a batching that no server fed by the network gets.
 */
export interface PublishRequest {
  publish: number;
}

/** Helper → client, once listening: a socket server's port, or the dev org's URL, a session, its org id and its default room's id. */
export type ReadyMessage =
  | { ready: 'server'; port: number }
  | { ready: 'dev-org'; url: string; accessToken: string; orgId: string; roomId: string };

/** Helper → client after a {@link PublishRequest}: that many events were handed on. */
export interface PublishedMessage {
  published: number;
}

/**
 * A room id of the dev org's shape (18 characters), for the baselines' events: they broadcast to
 * everyone (`io.emit`), so only the frame's size needs to match the bridge's, whose events carry the
 * dev org's default room.
 */
const BASELINE_ROOM_ID = 'a0R000000000001AAA';

/**
 * A `MESSAGE_CREATED` shaped as the bridge sends it (same fields, same id lengths, a room), so the
 * baselines put frames of the bridge's size on the wire. `seq` makes replay id and record differ per event.
 */
export function baselineEvent(seq: number): ChatEvent {
  return {
    type: 'MESSAGE_CREATED',
    recordId: 'a00000000000001AAA',
    userId: '005000000000001AAA',
    createdById: '005000000000001AAA',
    createdDate: new Date().toISOString(),
    replayId: seq,
    eventUuid: randomUUID(),
    roomId: BASELINE_ROOM_ID,
  };
}

/**
 * Answers the client's {@link PublishRequest}s in this helper process.
 * @param publishOne - hands one event on (may be async: the next waits for it).
 * @throws Error when the process was not started with an IPC channel.
 */
export function servePublishRequests(publishOne: (seq: number) => void | Promise<unknown>): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('bench helper: start me with an IPC channel (child_process.fork)');
  let seq = 0;
  process.on('message', (message: PublishRequest) => {
    void (async () => {
      for (let i = 0; i < message.publish; i++) {
        await publishOne(++seq);
        await nextTurn();
      }
      send({ published: message.publish } satisfies PublishedMessage);
    })();
  });
  // The client going away ends the helper too, even mid-run. SIGTERM (the client's stop) exits
  // normally, so that `node --cpu-prof` writes the helper's profile (a signal death writes none).
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

/** Tells the client this helper is ready. */
export function announceReady(message: ReadyMessage): void {
  process.send!(message);
}
