/**
 * The socket.io `Server` options the gateway is built and tested for.
 *
 * Why this exists: the app creates the `Server` (the gateway never listens), but two options decide
 * whether the gateway's guarantees hold — how big a client message may be, and which origins get CORS
 * answers for long-polling — so they live next to the gateway and the gateway's tests use them.
 */
import type { ServerOptions } from 'socket.io';

/**
 * Largest engine.io message (websocket frame, or long-polling POST body) a client may send, bytes.
 * Browsers only ever send a handshake with a token (< 1 KB for HS256, ~1 KB for RS256 with a 4096-bit
 * key) and empty typing notices; anything bigger is closed by the transport (ws 1009 / HTTP 413)
 * before socket.io parses it. socket.io's default is 1 MB.
 */
export const GATEWAY_MAX_HTTP_BUFFER_SIZE = 4_096;

/**
 * Options for `new Server(httpServer, gatewayServerOptions(isOriginAllowed))`.
 *
 * - `maxHttpBufferSize`: {@link GATEWAY_MAX_HTTP_BUFFER_SIZE}.
 * - `cors`: long-polling is plain XHR, so browsers need CORS headers; they are answered (reflecting
 *   the Origin, no credentials) only for origins `isOriginAllowed` accepts, judged with the request's
 *   Host header like the handshake middleware does. WebSockets ignore CORS, which is why the gateway's
 *   middleware checks the origin again for every transport and is the check that gives the browser a
 *   readable `origin not allowed`.
 * - `serveClient: false`: the LWC ships socket.io-client as a static resource.
 *
 * @param isOriginAllowed the same check given to `createGateway`
 */
export function gatewayServerOptions(
  isOriginAllowed: (origin: string | undefined, selfHost?: string) => boolean,
): Partial<ServerOptions> {
  return {
    maxHttpBufferSize: GATEWAY_MAX_HTTP_BUFFER_SIZE,
    serveClient: false,
    cors: (req, callback) => callback(null, { origin: isOriginAllowed(req.headers.origin, req.headers.host) }),
  };
}
