/**
 * What happens to a request before any route sees it: connections refused while the
 * `refuseConnections` fault is on, CometD bodies over 32,768 bytes answered 413 (the Streaming API's
 * request size limit; express routes enforce their own limits in their body parsers), and CometD
 * transports other than long-polling POSTs refused (WebSocket upgrades, EventSource and JSON-P GETs),
 * since faye's adapter would otherwise serve them.
 * Installed last, it wraps every `request` and `upgrade` listener of the server, faye's included.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { invalidConnectionType } from './bayeux-errors.js';

/** Largest request body accepted, bytes. */
export const MAX_BODY_BYTES = 32_768;

/** Body of a 413 answer (a Salesforce-style error array). */
export const TOO_LARGE_BODY = [{ errorCode: 'REQUEST_ENTITY_TOO_LARGE', message: `Request body exceeds ${MAX_BODY_BYTES} bytes` }];

/** Options of {@link installHttpGate}. */
export interface HttpGateOptions {
  /** Whether new connections are to be destroyed right now. */
  refusing: () => boolean;
  /** Whether a path belongs to the CometD endpoint. */
  isCometdPath: (pathname: string) => boolean;
}

/** Wraps the server's current listeners; call after every route and faye's adapter are attached. */
export function installHttpGate(server: Server, options: HttpGateOptions): void {
  server.on('connection', (socket) => {
    if (options.refusing()) socket.destroy();
  });

  const routes = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (options.isCometdPath(pathOf(req))) {
      if (declaredLength(req) > MAX_BODY_BYTES) return tooLarge(req, res);
      if (req.method !== 'POST' && req.method !== 'OPTIONS') {
        return refuseTransport(res, req.method === 'GET' ? 'callback-polling' : String(req.method));
      }
      // Express routes enforce the limit in their body parsers; faye reads whatever comes.
      if (req.headers['content-length'] === undefined) limitStreamedBody(req, res);
    }
    for (const route of routes) route.call(server, req, res);
  });

  server.removeAllListeners('upgrade');
  server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
    socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${invalidConnectionType('websocket')}`);
  });
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://dev-org.invalid').pathname;
}

function declaredLength(req: IncomingMessage): number {
  const header = req.headers['content-length'];
  return header === undefined ? 0 : Number(header);
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' });
  res.end(JSON.stringify(TOO_LARGE_BODY));
  req.resume();
}

function refuseTransport(res: ServerResponse, connectionType: string): void {
  res.writeHead(400, { 'Content-Type': 'text/plain' });
  res.end(invalidConnectionType(connectionType));
}

/**
 * A chunked body declares no length: count it as it streams, and once it passes the limit take the
 * request away from faye (which then never sees `end`) and answer 413. faye attaches its own
 * `data` listener in the same tick, so no chunk is missed.
 */
function limitStreamedBody(req: IncomingMessage, res: ServerResponse): void {
  let received = 0;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= MAX_BODY_BYTES) return;
    req.off('data', count);
    req.removeAllListeners('end');
    if (!res.headersSent) tooLarge(req, res);
  };
  req.on('data', count);
}
