/**
 * A real socket.io server with the gateway on port 0, and real socket.io-client sockets against it.
 *
 * Why this exists: every gateway behaviour a user notices (refused handshakes, broadcasts reaching a
 * second tab, typing notices) is only real over a real transport. The server is built the way the
 * lead's app should build it (`gatewayServerOptions`), so these tests also pin those options.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SocketData, UpstreamState } from '../../../../bridge/events/contract.js';
import type { CatchUpLog } from '../../../../bridge/gateway/catch-up.js';
import { createGateway, type Gateway, type GatewayDeps, type GatewayServer } from '../../../../bridge/gateway/gateway.js';
import { createOriginMatcher } from '../../../../bridge/gateway/origins.js';
import { GATEWAY_MAX_HTTP_BUFFER_SIZE, GATEWAY_MAX_MESSAGE_BYTES, gatewayServerOptions } from '../../../../bridge/gateway/server-options.js';
import { TokenError } from '../../../../bridge/gateway/token.js';
import { createMetrics, type BridgeMetrics } from '../../../../bridge/http/metrics.js';

export { waitFor } from '../../../helpers/wait-for.js';

/** The largest engine.io message the transport reads, bytes (the value advised to the app). */
export const MAX_HTTP_BUFFER_SIZE = GATEWAY_MAX_HTTP_BUFFER_SIZE;
/** The largest message a connected client may send, bytes. */
export const MAX_MESSAGE_BYTES = GATEWAY_MAX_MESSAGE_BYTES;

export type TestClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

/** One logged line, as pino wrote it. */
export type LogLine = Record<string, unknown> & { msg?: string; level: number };

export interface Harness {
  url: string;
  io: GatewayServer;
  gateway: Gateway;
  metrics: BridgeMetrics;
  /** Every log line so far. */
  logs: LogLine[];
  /** Every raw log line so far, as text (to check nothing secret was written). */
  rawLogs: string[];
  /** Upstream state the gateway reads on connect. */
  upstream: { state: UpstreamState };
  /** Registers a user for the fake verifier; returns their token. */
  issue(user: Partial<SocketData> & { userId: string; name: string }): string;
  /** Connects a new client (never reconnects by itself). */
  connect(token: unknown, options?: { origin?: string; transports?: ('polling' | 'websocket')[] }): TestClient;
  close(): Promise<void>;
}

export const ORG_ID = '00D000000000001';

/** The epoch of the harness's log (an empty one unless `deps.log` is given). */
export const TEST_EPOCH = '00000000-0000-4000-8000-000000000000';

/** An event log that holds nothing: every `since` but 0 is ahead of it. */
const emptyLog: CatchUpLog = {
  epoch: () => TEST_EPOCH,
  position: async () => ({ epoch: TEST_EPOCH, prunedThroughSeq: 0, latestSeq: 0 }),
  eventsAfter: async () => [],
};

/**
 * Starts an http server on 127.0.0.1:0 with a socket.io `Server` and the gateway.
 * Unless `deps.verifyToken` is given, tokens are opaque strings from {@link Harness.issue}.
 */
export async function startGateway(
  options: { deps?: Partial<GatewayDeps>; origins?: string[] } = {},
): Promise<Harness> {
  const rawLogs: string[] = [];
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString();
      rawLogs.push(text);
      for (const line of text.split('\n').filter(Boolean)) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const metrics = createMetrics();
  const upstream = { state: 'connected' as UpstreamState };
  const issued = new Map<string, SocketData>();
  let serial = 0;
  const isOriginAllowed =
    options.deps?.isOriginAllowed ??
    createOriginMatcher(options.origins ?? ['https://*.lightning.force.com', 'http://localhost:3000']);

  const httpServer: HttpServer = createServer();
  // Built the way the app should build it: its own http server, the gateway's options, no listen().
  const io: GatewayServer = new Server(httpServer, gatewayServerOptions());
  const gateway = createGateway(io, {
    verifyToken: async (token) => {
      const data = typeof token === 'string' ? issued.get(token) : undefined;
      if (!data) throw new TokenError('bad-signature');
      return data;
    },
    upstreamState: () => upstream.state,
    log: emptyLog,
    metrics,
    logger,
    ...options.deps,
    isOriginAllowed,
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const clients: TestClient[] = [];

  return {
    url,
    io,
    gateway,
    metrics,
    logs,
    rawLogs,
    upstream,
    issue(user) {
      serial += 1;
      const token = `token-${serial}`;
      issued.set(token, { orgId: ORG_ID, expiresAt: Date.now() + 60_000, ...user, rooms: user.rooms ?? [] });
      return token;
    },
    connect(token, connectOptions = {}) {
      const client: TestClient = connectClient(url, {
        forceNew: true,
        reconnection: false,
        auth: { token },
        transports: connectOptions.transports ?? ['websocket'],
        ...(connectOptions.origin ? { extraHeaders: { origin: connectOptions.origin } } : {}),
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.disconnect();
      await gateway.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

/** Resolves when the client is connected; rejects with the `connect_error` otherwise. */
export function connected(client: TestClient, timeoutMs = 3_000): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    if (client.connected) return resolve(client);
    const timer = setTimeout(() => reject(new Error('no connect within timeout')), timeoutMs);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Resolves with the `connect_error` (message and data); rejects if the client connects instead. */
export function refused(client: TestClient, timeoutMs = 3_000): Promise<Error & { data?: { reason?: string } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('neither connect nor connect_error within timeout')), timeoutMs);
    client.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('client connected but should have been refused'));
    });
    client.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err as Error & { data?: { reason?: string } });
    });
  });
}

/** Resolves with the next payload of `event` on `client`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  client: TestClient,
  event: E,
  timeoutMs = 3_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]): void => {
      clearTimeout(timer);
      resolve(payload);
    };
    (client as unknown as { once(e: string, l: (p: unknown) => void): void }).once(event, listener as (p: unknown) => void);
  });
}

/** Resolves with the disconnect reason. */
export function disconnected(client: TestClient, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!client.connected) return resolve('already disconnected');
    const timer = setTimeout(() => reject(new Error('no disconnect within timeout')), timeoutMs);
    client.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Every server-to-client event the client receives from now on, in order, as `[name, payload]`. */
export function record(client: TestClient): Array<[string, unknown]> {
  const seen: Array<[string, unknown]> = [];
  client.onAny((event: string, payload: unknown) => seen.push([event, payload]));
  return seen;
}


/** Current value of a counter or gauge (optionally for one label set). */
export async function metricValue(
  metric: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> },
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
    .reduce((sum, v) => sum + v.value, 0);
}
