/**
 * The socket.io `Server` options the gateway is built and tested for.
 *
 * Why this exists: the app creates the `Server` (the gateway never listens), but its options decide
 * whether the gateway's guarantees hold — how big a client message may be, which origins get CORS
 * answers for long-polling, and that a broadcast is encoded once for all sockets — so they live next
 * to the gateway and the gateway's tests use them.
 */
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
 * Options for `new Server(httpServer, gatewayServerOptions(isOriginAllowed))`.
 *
 * - `maxHttpBufferSize`: {@link GATEWAY_MAX_HTTP_BUFFER_SIZE} (messages after the handshake are held
 *   to {@link GATEWAY_MAX_MESSAGE_BYTES} by the gateway).
 * - `cors`: long-polling is plain XHR, so browsers need CORS headers; they are answered (reflecting
 *   the Origin, no credentials) only for origins `isOriginAllowed` accepts, judged with the request's
 *   Host header like the handshake middleware does. WebSockets ignore CORS (their upgrade gets no CORS
 *   headers), which is why the gateway's middleware checks the origin for every transport and is the
 *   check that gives the browser a readable `origin not allowed`.
 * - `serveClient: false`: the LWC ships socket.io-client as a static resource.
 * - `perMessageDeflate: false` (socket.io's default, pinned here on purpose): frames are a few hundred
 *   bytes, so compressing them saves little and costs a deflate per socket per event; and only
 *   uncompressed, a room broadcast's websocket frame is built once and written as is to every
 *   socket (socket.io-adapter's pre-encoded `wsPreEncodedFrame` path).
 *
 * @param isOriginAllowed the same check given to `createGateway`
 */
export function gatewayServerOptions(
  isOriginAllowed: (origin: string | undefined, selfHost?: string) => boolean,
): Partial<ServerOptions> {
  return {
    maxHttpBufferSize: GATEWAY_MAX_HTTP_BUFFER_SIZE,
    serveClient: false,
    perMessageDeflate: false,
    // A websocket upgrade gets no CORS headers (browsers apply no CORS to websockets; the handshake
    // middleware judges its origin): engine.io runs this for upgrades too, and the cors package's
    // header work was a few percent of a connect storm's profile.
    cors: (req, callback) =>
      callback(null, { origin: req.headers.upgrade === undefined && isOriginAllowed(req.headers.origin, req.headers.host) }),
  };
}
