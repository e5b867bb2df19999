/**
 * The socket.io `Server` options the gateway is built and tested for.
 *
 * Why this exists: the app creates the `Server` (the gateway never listens), but its options decide
 * whether the gateway's guarantees hold — how big a client message may be, which origins get CORS
 * answers for long-polling, and that a broadcast is encoded once for all sockets — so they live next
 * to the gateway and the gateway's tests use them.
 */
import cors from 'cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerOptions } from 'socket.io';
import { MAX_TOKEN_CHARS } from './token.js';

/**
 * Largest message a connected client may send, bytes. Browsers only ever send empty typing notices;
 * the gateway closes the transport of a client that sends more (`createGateway`).
 */
export const GATEWAY_MAX_MESSAGE_BYTES = 4_096;

/**
 * Largest engine.io message (websocket frame, or long-polling POST body) the transport reads at all,
 * bytes; anything bigger is closed by the transport (ws 1009 / HTTP 413) before socket.io parses it.
 *
 * Larger than {@link GATEWAY_MAX_MESSAGE_BYTES} on purpose: the handshake (socket.io CONNECT packet
 * with `auth: { token }`) must reach the token verifier to be refused with a reason. A handshake
 * the transport drops gets no `connect_error` at all: the websocket client sees a bare close and the
 * polling client `xhr post error`, and socket.io-client reconnects in a loop without a reason
 * (engine.io issue #706, socket.io-client #1518). So the transport reads twice the longest token the
 * verifier looks at ({@link MAX_TOKEN_CHARS}): tokens up to that length are verified, longer ones
 * are refused as `too-large`, and only handshakes beyond this size are dropped unread. socket.io's
 * default is 1 MB.
 */
export const GATEWAY_MAX_HTTP_BUFFER_SIZE = 2 * MAX_TOKEN_CHARS;

/**
 * Options for `new Server(httpServer, gatewayServerOptions())`.
 *
 * - `maxHttpBufferSize`: {@link GATEWAY_MAX_HTTP_BUFFER_SIZE} (messages after the handshake are held
 *   to {@link GATEWAY_MAX_MESSAGE_BYTES} by the gateway).
 * - no `cors`: engine.io would run it as a middleware on every request, websocket upgrades too (a
 *   promise chain per upgrade, and the cors package's work, in every connect storm); long-polling's
 *   CORS answers come from {@link answerPollingCors} instead.
 * - `serveClient: false`: the LWC ships socket.io-client as a static resource.
 * - `perMessageDeflate: false` (socket.io's default, pinned here on purpose): frames are a few hundred
 *   bytes, so compressing them saves little and costs a deflate per socket per event; and only
 *   uncompressed, a room broadcast's websocket frame is built once and written as is to every
 *   socket (frame-broadcast.ts).
 */
export function gatewayServerOptions(): Partial<ServerOptions> {
  return {
    maxHttpBufferSize: GATEWAY_MAX_HTTP_BUFFER_SIZE,
    serveClient: false,
    perMessageDeflate: false,
  };
}

/** What of engine.io's `Server` {@link answerPollingCors} wraps: `handleRequest`, its public entry for every HTTP (non-upgrade) request. */
interface PollingEngine {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * Answers CORS for `engine`'s (`io.engine`) long-polling requests, with the cors package in front
 * of `handleRequest`: long-polling is plain XHR, so browsers need CORS headers. They are given
 * (reflecting the Origin, no credentials) only to origins `isOriginAllowed` accepts, judged with the
 * request's Host header as the handshake middleware does; a preflight (`OPTIONS`) is answered by
 * the cors package. Websocket upgrades never pass here and get no CORS headers (browsers apply no
 * CORS to websockets): the gateway's handshake middleware checks the origin on every transport, and
 * is the check that gives the browser a readable `origin not allowed`.
 * @param isOriginAllowed - the same check given to `createGateway`.
 */
export function answerPollingCors(engine: unknown, isOriginAllowed: (origin: string | undefined, selfHost?: string) => boolean): void {
  const target = engine as PollingEngine;
  const handleRequest = target.handleRequest.bind(engine);
  const answerCors = cors((req, callback) => callback(null, { origin: isOriginAllowed(req.headers.origin, req.headers.host) }));
  target.handleRequest = (req, res) => answerCors(req, res, () => handleRequest(req, res));
}
