/**
 * A chat event's fan-out: encoded once into one websocket frame, written as is to each socket of
 * its room.
 *
 * Why this exists: a socket.io room broadcast (`io.to(room).emit`) encodes the packet once and
 * pre-builds its websocket frame (socket.io-adapter's `wsPreEncodedFrame`), but then still hands
 * it to every socket through engine.io's send path: a packet object per socket, a write buffer, five
 * `EventEmitter` emits, a write callback, and ws writing the frame's header and body as two corked
 * writes (one `writev`). Per delivery that is most of what socket.io adds over a bare `ws` server,
 * and a chat event is nothing but deliveries. Here each socket gets the one shared frame through
 * {@link writeEvent}: straight to its ws sender when it can, else through engine.io.
 */
import type { Namespace } from 'socket.io';
import { encodeEvent, writeEvent } from './engine-writes.js';

/**
 * Sends one event to sockets of a namespace, encoded once.
 * @param room - socket.io room whose members get it; `undefined`: every socket of the namespace.
 * @param except - room whose members are skipped, or `undefined`.
 * @param name - event name, e.g. `chat:event`.
 * @param payload - JSON-serializable, no binary.
 * @throws Error when the payload encodes to more than one packet (binary data).
 */
export type FrameBroadcast = (room: string | undefined, except: string | undefined, name: string, payload: unknown) => void;

/**
 * Creates the {@link FrameBroadcast} of `nsp`. Local sockets only: in a cluster, each node's feed
 * fans its events out to its own sockets (like `io.local`).
 * @param direct - whether frames may be written straight to websockets (`writesFramesDirectly`).
 */
export function createFrameBroadcast(nsp: Namespace, direct: boolean): FrameBroadcast {
  const { rooms } = nsp.adapter;
  return (room, except, name, payload) => {
    const event = encodeEvent(name, payload, nsp.name);
    const skip = except === undefined ? undefined : rooms.get(except);
    const ids = room === undefined ? nsp.sockets.keys() : (rooms.get(room) ?? []);
    for (const id of ids) {
      const socket = skip?.has(id) ? undefined : nsp.sockets.get(id);
      if (socket !== undefined) writeEvent(socket, event, direct);
    }
  };
}
