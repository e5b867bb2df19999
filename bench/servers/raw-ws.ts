/**
 * Baseline 2: the floor. A bare `ws` server that speaks just enough of the engine.io v4 / socket.io
 * v5 handshake for the benchmark's client, and broadcasts by building the websocket frame of an
 * event once and writing that same frame to every socket — what socket.io's pre-encoded room
 * broadcast does at best, with nothing else around it. Run in a process of its own.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as wsModule from 'ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { announceReady, baselineEvent, servePublishRequests } from './ipc.js';

/** `ws`'s internal sender, which writes an already framed message (as engine.io does). */
interface FrameSender {
  sendFrame(frame: Buffer[], callback: () => void): void;
}
/** `ws`'s frame builder (`Sender.frame`, not in @types/ws), as socket.io-adapter calls it. */
const { frame: buildFrame } = (wsModule as unknown as {
  Sender: { frame(data: Buffer, options: { readOnly: boolean; mask: boolean; rsv1: boolean; opcode: number; fin: boolean }): Buffer[] };
}).Sender;

/** engine.io OPEN packet: no upgrades, socket.io's default ping timing. */
const OPEN_PACKET = `0${JSON.stringify({ sid: 'raw', upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 1_000_000 })}`;
/** socket.io CONNECT answer of the main namespace. */
const CONNECTED_PACKET = `40${JSON.stringify({ sid: 'raw' })}`;
const noop = (): void => undefined;

const httpServer = createServer();
const wss = new WebSocketServer({ server: httpServer, path: '/socket.io/', perMessageDeflate: false });
const joined = new Set<WebSocket>();
wss.on('connection', (ws) => {
  ws.send(OPEN_PACKET);
  ws.on('message', (data: Buffer) => {
    if (data[0] === 0x34 && data[1] === 0x30) {
      // "40…": the client's CONNECT (its auth is not looked at)
      ws.send(CONNECTED_PACKET);
      joined.add(ws);
    }
  });
  ws.on('close', () => joined.delete(ws));
});

servePublishRequests((seq) => {
  const text = `42${JSON.stringify(['chat:event', baselineEvent(seq)])}`;
  const frame = buildFrame(Buffer.from(text), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true });
  for (const ws of joined) (ws as unknown as { _sender: FrameSender })._sender.sendFrame(frame, noop);
});
httpServer.listen(0, '127.0.0.1', () => announceReady({ ready: 'server', port: (httpServer.address() as AddressInfo).port }));
