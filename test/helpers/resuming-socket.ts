/**
 * A test client that behaves as a browser written against contract 2.1.0 should: it keeps the
 * highest `seq` it received and the log's `epoch` from `bridge:status`, and every (re)connect of
 * socket.io's own reconnection sends them as `auth.since` / `auth.epoch`.
 *
 * Why this exists: catch-up tests (in-process and with the bridge as a separate process that dies)
 * need the same client, and what it records is the outcome under test: every `chat:event` in the
 * order received, every `bridge:resync`.
 */
import { io } from 'socket.io-client';
import type { SequencedChatEvent } from '../../bridge/events/contract.js';
import type { ChatSocket } from '../../harness/local-bridge.js';

/** A reconnecting socket and what it received. */
export interface ResumingSocket {
  socket: ChatSocket;
  /** Every `chat:event`, in arrival order. */
  events: SequencedChatEvent[];
  /** `reason` of every `bridge:resync`, in arrival order. */
  resyncs: string[];
  /** The epoch of the latest `bridge:status`, once one arrived. */
  epoch(): string | undefined;
  /** How many times it connected (1 + reconnects). */
  connects(): number;
}

/**
 * Connects to `url` with `token` (websocket, socket.io's reconnection every 100–500 ms) and resolves
 * once connected.
 * @param from.since - the `since` of the first connect (default none: a new client); later connects send the highest `seq` seen.
 * @param from.epoch - the `epoch` of the first connect (default none); later connects send the one last seen.
 * @param reconnect - default true.
 * @throws the `connect_error` of the first connect.
 */
export async function connectResuming(url: string, token: string, from: { since?: number; epoch?: string } = {}, reconnect = true): Promise<ResumingSocket> {
  let since = from.since;
  let epoch = from.epoch;
  let connects = 0;
  const events: SequencedChatEvent[] = [];
  const resyncs: string[] = [];
  const socket: ChatSocket = io(url, {
    forceNew: true,
    transports: ['websocket'],
    reconnection: reconnect,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    auth: (cb) => cb({ token, ...(since === undefined ? {} : { since }), ...(epoch === undefined ? {} : { epoch }) }),
  });
  socket.on('connect', () => connects++);
  socket.on('bridge:status', (status) => (epoch = status.epoch));
  socket.on('bridge:resync', ({ reason }) => resyncs.push(reason));
  socket.on('chat:event', (event) => {
    events.push(event);
    since = Math.max(since ?? 0, event.seq);
  });
  await new Promise<void>((resolve, reject) => {
    const refused = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once('connect_error', refused);
    socket.once('connect', () => {
      socket.off('connect_error', refused); // later refusals are retried by the reconnection
      resolve();
    });
  });
  return { socket, events, resyncs, epoch: () => epoch, connects: () => connects };
}
