/**
 * How the gateway's packets reach a socket's connection: websocket frames written straight to the
 * ws sender, and writes that leave together.
 *
 * Why this exists: engine.io hands every packet to a websocket through a per-socket write buffer,
 * `EventEmitter` emits and a write callback, and writes each packet (and the HTTP 101 before the
 * first) in a syscall of its own. For the bridge's traffic — one shared frame per chat event to
 * thousands of sockets, and a connect storm after every restart — those are most of the server's
 * work beyond the kernel's (profiled against plain socket.io, `npm run bench`). The socket.io,
 * engine.io and ws internals used are named in {@link EngineConnection} and {@link UpgradeServer};
 * an upgrade of any of the three must re-check them (the gateway's tests exercise every path).
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
  if (packets.length !== 1 || typeof packets[0] !== 'string') throw new Error(`encodeEvent: ${name} payload must be JSON without binary data`);
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
 * Unlike `socket.emit`, it calls no `onAnyOutgoing` listener (the gateway registers none).
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

/** What of engine.io's `Server` {@link openWritingTogether} uses: its ws server (`noServer`), which completes websocket upgrades. */
interface UpgradeServer {
  ws?: WebSocketUpgrader;
}
interface WebSocketUpgrader {
  handleUpgrade(req: unknown, socket: UpgradeSocket, head: unknown, callback: (...args: unknown[]) => void): void;
}

/** What of the TCP socket of an upgrade {@link corkUpgrades} touches. */
interface UpgradeSocket {
  cork(): void;
  uncork(): void;
  destroy(...args: unknown[]): unknown;
}

/** Wraps `wss.handleUpgrade` (of this instance) in a cork of the TCP socket until the event loop's next check phase. */
function corkUpgrades(wss: WebSocketUpgrader): void {
  const completeUpgrade = wss.handleUpgrade.bind(wss);
  wss.handleUpgrade = (req, socket, head, callback) => {
    socket.cork();
    // engine.io may still refuse the upgrade after ws wrote the 101 (protocol version, session id,
    // transport: `abortUpgrade` writes a 400, then destroys the socket), and destroy drops what a
    // cork holds: so a destroy meanwhile sends what was written first.
    // (Put back by assignment, not `delete`: deleting a property would leave every upgraded socket
    // in V8's slow dictionary mode.)
    const { destroy } = socket;
    let corked = true;
    const release = (): void => {
      if (!corked) return;
      corked = false;
      socket.destroy = destroy;
      socket.uncork();
    };
    socket.destroy = (...args) => {
      release();
      return destroy.apply(socket, args);
    };
    try {
      completeUpgrade(req, socket, head, callback);
    } finally {
      // After this turn's ticks and microtasks, whether the upgrade runs in an event's callback or
      // in a promise's. Also when ws refused (its abort ends the socket, which flushes) or calls back later.
      setImmediate(release);
    }
  };
}

/**
 * Makes each websocket upgrade of `engine` (`io.engine`) send its HTTP 101 and engine.io's OPEN
 * packet in one `writev` instead of two writes: the TCP socket is corked from the moment ws
 * completes the upgrade (`WebSocketServer.handleUpgrade` writes the 101 and calls back
 * synchronously) until `setImmediate`, by when engine.io has written OPEN (its `handshake` awaits
 * only the id it generates, a microtask). At worst (an engine that writes OPEN later) the two leave
 * one by one, in order. engine.io's refusals before the upgrade (HTTP 400, then destroy) never get
 * here; those after ws's 101 (an unsupported protocol version, say) are sent before the socket is
 * destroyed, as without the cork. engine.io creates its ws server anew each time the
 * HTTP server starts listening (`Server.init` on `listening`), so every one it creates is wrapped.
 * Nothing happens for an engine without a ws server (no websocket transport).
 */
export function openWritingTogether(engine: unknown): void {
  const target = engine as UpgradeServer | undefined;
  if (target?.ws === undefined) return;
  let current = target.ws;
  corkUpgrades(current);
  Object.defineProperty(target, 'ws', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set(next: WebSocketUpgrader) {
      current = next;
      corkUpgrades(next);
    },
  });
}
