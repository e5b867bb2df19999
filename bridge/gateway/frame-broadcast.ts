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
    socket?: {
      readyState: number;
      _sender?: { sendFrame(frame: Buffer[], callback?: (err?: Error) => void): void };
      _socket?: { cork(): void; uncork(): void };
    };
  };
}

/** What of socket.io's `Client` the engine.io fallback calls (`Client.writeToEngine`, private in its typings; socket.io-adapter calls it). */
interface ClientInternals {
  writeToEngine(encodedPackets: readonly string[], options: EncodedEvent['viaEngine']): void;
}

/** One socket.io EVENT packet, encoded for both ways to a socket (see {@link writeEvent}). */
export interface EncodedEvent {
  /** socket.io-parser's encoding: one string. */
  readonly packets: [string];
  /** The websocket frame of its engine.io MESSAGE, as one buffer (one `write` per socket, not a corked header and body). */
  readonly frame: [Buffer];
  /** The engine.io write options of socket.io-adapter's broadcast, shared by every socket. */
  readonly viaEngine: { preEncoded: true; wsPreEncodedFrame: Buffer[] };
}

const encoder = new Encoder();

/**
 * Encodes event `name` with `payload` for namespace `nsp` (default the main one, `/`).
 * @param payload - JSON-serializable, no binary.
 * @throws Error when the payload encodes to more than one packet (binary data).
 */
export function encodeEvent(name: string, payload: unknown, nsp = '/'): EncodedEvent {
  const packets = encoder.encode({ type: PacketType.EVENT, nsp, data: [name, payload] });
  if (packets.length !== 1 || typeof packets[0] !== 'string') throw new Error(`frame broadcast: ${name} payload must be JSON without binary data`);
  // "4": engine.io MESSAGE.
  const frame: [Buffer] = [Buffer.concat(buildFrame(Buffer.from(`4${packets[0]}`), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true }))];
  return { packets: packets as [string], frame, viaEngine: { preEncoded: true, wsPreEncodedFrame: frame } };
}

/**
 * Whether frames may be written straight to websockets on `server`: only with `perMessageDeflate`
 * off (`gatewayServerOptions`); with compression, engine.io compresses per socket and no frame is shared.
 */
export function writesFramesDirectly(server: Namespace['server']): boolean {
  return !(server as unknown as { opts: { perMessageDeflate?: unknown } }).opts.perMessageDeflate;
}

/**
 * Writes an encoded event to one socket: its frame straight to the ws sender when the connection is
 * an open websocket with nothing queued in engine.io (and `direct`), else the packet through
 * engine.io, as socket.io-adapter's broadcast would. Either way after whatever was sent before.
 */
export function writeEvent(socket: Socket, event: EncodedEvent, direct: boolean): void {
  const conn = socket.conn as unknown as EngineConnection;
  const ws = conn.transport.socket;
  if (direct && conn.readyState === 'open' && conn.transport.name === 'websocket' && conn.writeBuffer.length === 0 && !conn.upgrading && ws?.readyState === WS_OPEN && ws._sender) {
    ws._sender.sendFrame(event.frame); // a write error closes the ws, and with it the engine.io socket
  } else {
    (socket.client as unknown as ClientInternals).writeToEngine(event.packets, event.viaEngine);
  }
}

/**
 * Sends one event to sockets of a namespace, encoded once.
 * @param room - socket.io room whose members get it; `undefined`: every socket of the namespace.
 * @param except - room whose members are skipped, or `undefined`.
 * @param name - event name, e.g. `chat:event`.
 * @param payload - JSON-serializable, no binary.
 * @returns the sockets it was written or queued to.
 * @throws Error when the payload encodes to more than one packet (binary data).
 */
export type FrameBroadcast = (room: string | undefined, except: string | undefined, name: string, payload: unknown) => number;

/**
 * Creates the {@link FrameBroadcast} of `nsp`. Local sockets only: in a cluster, each node's feed
 * fans its events out to its own sockets (like `io.local`).
 */
export function createFrameBroadcast(nsp: Namespace): FrameBroadcast {
  const { rooms } = nsp.adapter;
  const direct = writesFramesDirectly(nsp.server);
  return (room, except, name, payload) => {
    const event = encodeEvent(name, payload, nsp.name);
    const skip = except === undefined ? undefined : rooms.get(except);
    let reached = 0;
    if (room === undefined) {
      for (const [id, socket] of nsp.sockets) {
        if (skip?.has(id)) continue;
        writeEvent(socket, event, direct);
        reached++;
      }
    } else {
      for (const id of rooms.get(room) ?? []) {
        const socket = skip?.has(id) ? undefined : nsp.sockets.get(id);
        if (socket === undefined) continue;
        writeEvent(socket, event, direct);
        reached++;
      }
    }
    return reached;
  };
}

/**
 * Calls `next` (a socket.io middleware's: the socket is then connected in a `process.nextTick`,
 * `Namespace._add`) with the socket's websocket TCP socket corked until the tick after, so that
 * socket.io's CONNECT and what the `connection` handler writes with {@link writeEvent} leave in one
 * `writev` instead of one `write` each. Correct whatever the order of ticks: at worst uncorked
 * before the CONNECT, the packets leave one by one, in order.
 */
export function connectWritingTogether(socket: Socket, next: () => void): void {
  const conn = socket.conn as unknown as EngineConnection;
  const tcp = conn.transport.name === 'websocket' ? conn.transport.socket?._socket : undefined;
  tcp?.cork();
  next();
  if (tcp) process.nextTick(() => tcp.uncork());
}
