/**
 * A broadcast to one room walks that room's members, without socket.io-adapter's duplicate check.
 *
 * Why this exists: every chat event goes to one room (`io.to('room:<id>')`). The adapter's `apply`
 * (socket.io-adapter 2.5, `Adapter.apply`) builds a `Set` of the sockets it reached, so that a socket
 * in several of the rooms named gets a packet once — but a socket is in one room at most once, so
 * with one room the set only costs: an insert per member per event, regrown from empty each time.
 * At 5,000 sockets that was about 5 % of the bridge's CPU in a burst and a share of its garbage
 * collection (profiled), against a plain socket.io `io.emit`, which walks the namespace without one.
 * Everything else (several rooms, `except` rooms, no room) goes to the adapter's own `apply`.
 */
import type { Socket } from 'socket.io';

/** What of socket.io-adapter's `Adapter` (in-memory, and the cluster adapters built on it) this uses. */
interface AdapterInternals {
  rooms: Map<string, Set<string>>;
  nsp: { sockets: Map<string, Socket> };
  /** Private in socket.io-adapter's typings; called by `broadcast`, `fetchSockets`, `addSockets`, … */
  apply(opts: { rooms: Set<string>; except?: Set<string> }, callback: (socket: Socket) => void): void;
}

/**
 * Replaces `adapter.apply` (of this adapter instance only) by one that serves a single room without
 * an except-list by walking the room's members, and hands every other case to the original.
 * @param adapter - a namespace's adapter (`io.of('/').adapter`), once its final adapter is set.
 * @throws Error when the adapter has no `apply` (a socket.io-adapter this was not written for).
 */
export function walkOneRoomDirectly(adapter: object): void {
  const internals = adapter as AdapterInternals;
  if (typeof internals.apply !== 'function' || !(internals.rooms instanceof Map)) {
    throw new Error('socket.io adapter without apply(opts, callback) and rooms: one-room broadcasts cannot be set up');
  }
  const inherited = internals.apply.bind(adapter);
  internals.apply = (opts, callback) => {
    if (opts.rooms.size !== 1 || (opts.except !== undefined && opts.except.size > 0)) return inherited(opts, callback);
    const [room] = opts.rooms;
    const members = internals.rooms.get(room!);
    if (members === undefined) return;
    for (const id of members) {
      const socket = internals.nsp.sockets.get(id);
      if (socket) callback(socket);
    }
  };
}
