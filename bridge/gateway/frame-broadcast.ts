/**
 * A chat event's fan-out: encoded once into one websocket frame, written as is to each socket of
 * its room.
 *
 * Why this exists: a socket.io room broadcast (`io.to(room).emit`) encodes the packet once and
 * pre-builds its websocket frame (socket.io-adapter's `wsPreEncodedFrame`), but then still hands
 * it to every socket through engine.io's send path: a packet object per socket, a write buffer, five
 * `EventEmitter` emits, a write callback, and ws writing the frame's header and body as two corked
 * writes (one `writev`). Per delivery that is most of what socket.io adds over a bare `ws` server,
 * and a chat event is nothing but deliveries. Here the frame is built once as one buffer, and for a
 * socket whose connection is an open websocket with nothing queued in engine.io, written straight to
 * its ws sender — the method engine.io itself calls with a pre-built frame — so each delivery is one
 * `write` of a shared buffer. Any other socket (long-polling, upgrading, packets waiting) gets the
 * same encoded packet through engine.io, as socket.io's adapter would give it, so order per socket
 * holds either way. The socket.io internals used are named in {@link EngineConnection}; a
 * socket.io, engine.io or ws upgrade must re-check them (the gateway's tests exercise both paths).
 */
import type { Namespace, Socket } from 'socket.io';
import { Encoder, PacketType } from 'socket.io-parser';
import * as wsModule from 'ws';

/** ws's frame builder (`Sender.frame`, not in @types/ws), as socket.io-adapter calls it. */
const { frame: buildFrame } = (wsModule as unknown as {
  Sender: { frame(data: Buffer, options: { readOnly: boolean; mask: boolean; rsv1: boolean; opcode: number; fin: boolean }): Buffer[] };
}).Sender;

/** ws's `WebSocket.OPEN`. */
const WS_OPEN = 1;

/**
 * What of a socket's engine.io connection (engine.io 6.6 `Socket`, its `WebSocket` transport and
 * ws 8's `WebSocket`) the direct write reads. engine.io's websocket transport writes a pre-built
 * frame with `transport.socket._sender.sendFrame(frame, callback)`; so does this.
 */
interface EngineConnection {
  readyState: string;
  writeBuffer: unknown[];
  upgrading: boolean;
  transport: {
    name: string;
    socket?: { readyState: number; _sender?: { sendFrame(frame: Buffer[], callback?: (err?: Error) => void): void } };
  };
}

/** What of socket.io's `Client` the engine.io fallback calls (`Client.writeToEngine`, private in its typings; socket.io-adapter calls it). */
interface ClientInternals {
  writeToEngine(encodedPackets: unknown[], options: { preEncoded: true; wsPreEncodedFrame: Buffer[] }): void;
}

/**
 * Sends one event to sockets of the namespace `nsp`.
 * @param room - socket.io room whose members get it; `undefined`: every socket of the namespace.
 * @param except - room whose members are skipped, or `undefined`.
 * @param name - event name, e.g. `chat:event`.
 * @param payload - JSON-serializable, no binary (its packet must encode to one string).
 * @returns the sockets it was written or queued to.
 * @throws Error when the payload encodes to more than one packet (binary data).
 */
export type FrameBroadcast = (room: string | undefined, except: string | undefined, name: string, payload: unknown) => number;

/**
 * Creates the {@link FrameBroadcast} of `nsp`. Writes frames directly only on a server with
 * `perMessageDeflate: false` (`gatewayServerOptions`); with compression, engine.io compresses per
 * socket and every socket goes through it. Local sockets only: in a cluster, each node's feed fans
 * its events out to its own sockets (like `io.local`).
 */
export function createFrameBroadcast(nsp: Namespace): FrameBroadcast {
  const encoder = new Encoder();
  const { rooms } = nsp.adapter;
  const direct = !(nsp.server as unknown as { opts: { perMessageDeflate?: unknown } }).opts.perMessageDeflate;
  return (room, except, name, payload) => {
    const encoded = encoder.encode({ type: PacketType.EVENT, nsp: nsp.name, data: [name, payload] });
    if (encoded.length !== 1 || typeof encoded[0] !== 'string') throw new Error(`frame broadcast: ${name} payload must be JSON without binary data`);
    // "4": engine.io MESSAGE. One buffer, so that each socket gets one write rather than a corked header and body.
    const frame = [Buffer.concat(buildFrame(Buffer.from(`4${encoded[0]}`), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true }))];
    const viaEngine = { preEncoded: true as const, wsPreEncodedFrame: frame };
    const skip = except === undefined ? undefined : rooms.get(except);
    let reached = 0;
    const send = (socket: Socket): void => {
      const conn = socket.conn as unknown as EngineConnection;
      const ws = conn.transport.socket;
      if (direct && conn.readyState === 'open' && conn.transport.name === 'websocket' && conn.writeBuffer.length === 0 && !conn.upgrading && ws?.readyState === WS_OPEN && ws._sender) {
        ws._sender.sendFrame(frame); // a write error closes the ws, and with it the engine.io socket
      } else {
        (socket.client as unknown as ClientInternals).writeToEngine(encoded, viaEngine);
      }
      reached++;
    };
    if (room === undefined) {
      for (const [id, socket] of nsp.sockets) if (!skip?.has(id)) send(socket);
    } else {
      for (const id of rooms.get(room) ?? []) {
        const socket = skip?.has(id) ? undefined : nsp.sockets.get(id);
        if (socket) send(socket);
      }
    }
    return reached;
  };
}
