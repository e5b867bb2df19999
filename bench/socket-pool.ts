/**
 * The benchmark's measuring client: N websocket connections in one process, speaking the engine.io v4
 * / socket.io v5 protocol (what socket.io-client does with `transports: ['websocket']`), recording
 * when each socket receives each `chat:event`.
 *
 * Why not socket.io-client itself: at thousands of sockets its per-message decoding costs the client
 * process more CPU than a good server spends per delivery, so the client, not the server, would set
 * the burst figure. This client does only what the protocol needs — answer the handshake with the
 * token, answer pings — and recognises a `chat:event` frame by its first bytes without parsing it.
 * socket.io keeps order per socket, so a socket's k-th `chat:event` is the k-th event published.
 * Like a browser it offers permessage-deflate; whether it is used is the server's choice.
 */
import { WebSocket } from 'ws';

/** Start of every `chat:event` frame: engine.io MESSAGE (4), socket.io EVENT (2), then the name. */
const CHAT_EVENT_PREFIX = Buffer.from('42["chat:event"');
/** Start of any socket.io EVENT frame. */
const EVENT_PREFIX = Buffer.from('42');
const PING = 0x32; // "2"

/** When each event reached the sockets, by event index (publication order). */
export interface Arrivals {
  /** `performance.now()` of the first socket receiving event k, ms. */
  readonly first: Float64Array;
  /** `performance.now()` of the last socket receiving event k so far, ms. */
  readonly last: Float64Array;
  /** Sockets that received event k so far. */
  readonly count: Uint32Array;
}

/** Connected sockets and what they received. */
export interface SocketPool {
  readonly size: number;
  readonly arrivals: Arrivals;
  /** socket.io EVENT frames received since connecting, of any name (to check: one frame per event). */
  eventFrames(): number;
  /** Resolves once every socket has received event `index` (0-based); rejects after `timeoutMs`. */
  allReceived(index: number, timeoutMs: number): Promise<void>;
  /** Closes every socket at once (no close handshake). */
  close(): void;
}

/** Options of {@link connectPool}. */
export interface PoolOptions {
  /** `http://host:port` of the server. */
  url: string;
  /** One socket per token, sent as the socket.io handshake's `auth: { token }`. */
  tokens: readonly string[];
  /**
   * Sent with every token in `auth`: a catch-up position `{ since, epoch }` (README "Catch-up after
   * a drop"), so that each socket is replayed what it missed before live events.
   */
  resume?: { since: number; epoch: string };
  /** `Origin` header every socket sends, as a browser on a Lightning page does. */
  origin: string;
  /** Handshakes in flight at once (a browser storm, bounded so the listen backlog does not drop SYNs). */
  concurrency: number;
  /** Most events one run will publish (size of {@link Arrivals}). */
  maxEvents: number;
  /** Longest the whole connect may take, ms. */
  timeoutMs: number;
}

const startsWith = (data: Buffer, prefix: Buffer): boolean =>
  data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

/**
 * Opens one socket per token and resolves once all are connected (socket.io CONNECT acknowledged).
 * @returns the pool and the time from the first open to the last acknowledgement, ms.
 * @throws Error when a handshake is refused (`connect_error`), a socket closes early, or `timeoutMs` passes.
 */
export async function connectPool(options: PoolOptions): Promise<{ pool: SocketPool; connectMs: number }> {
  const { tokens, maxEvents } = options;
  const size = tokens.length;
  const endpoint = `${options.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const arrivals: Arrivals = { first: new Float64Array(maxEvents), last: new Float64Array(maxEvents), count: new Uint32Array(maxEvents) };
  const received = new Uint32Array(size);
  const sockets: WebSocket[] = [];
  let eventFrames = 0;
  let waiting: { index: number; resolve: () => void } | undefined;
  let failed: ((err: Error) => void) | undefined;

  const onChatEvent = (socket: number, now: number): void => {
    const k = received[socket]!++;
    if (k >= maxEvents) return;
    if (arrivals.count[k] === 0) arrivals.first[k] = now;
    arrivals.last[k] = now;
    if (++arrivals.count[k]! === size && waiting?.index === k) waiting.resolve();
  };

  const open = (i: number, connected: () => void): void => {
    const ws = new WebSocket(endpoint, { headers: { origin: options.origin }, skipUTF8Validation: true });
    sockets[i] = ws;
    let acknowledged = false;
    ws.on('message', (data: Buffer) => {
      if (acknowledged) {
        if (startsWith(data, EVENT_PREFIX)) {
          eventFrames++;
          if (startsWith(data, CHAT_EVENT_PREFIX)) onChatEvent(i, performance.now());
        } else if (data.length === 1 && data[0] === PING) ws.send('3');
        return;
      }
      const text = data.toString();
      if (text.startsWith('0')) ws.send(`40${JSON.stringify({ token: tokens[i], ...options.resume })}`);
      else if (text.startsWith('40')) {
        acknowledged = true;
        connected();
      } else if (text.startsWith('44')) failed?.(new Error(`socket ${i} refused: ${text.slice(2)}`));
    });
    ws.on('error', (err) => failed?.(new Error(`socket ${i}: ${err.message}`)));
    ws.on('close', (code) => {
      if (!acknowledged || waiting) failed?.(new Error(`socket ${i} closed (${code})`));
    });
  };

  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connect: not all ${size} sockets within ${options.timeoutMs} ms`)), options.timeoutMs);
    failed = (err) => {
      clearTimeout(timer);
      reject(err);
    };
    let next = 0;
    let done = 0;
    const connected = (): void => {
      if (++done === size) {
        clearTimeout(timer);
        resolve();
      } else if (next < size) open(next++, connected);
    };
    while (next < Math.min(size, options.concurrency)) open(next++, connected);
  });
  const connectMs = performance.now() - started;

  const pool: SocketPool = {
    size,
    arrivals,
    eventFrames: () => eventFrames,
    allReceived(index, timeoutMs) {
      if (arrivals.count[index] === size) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          reject(new Error(`event ${index}: ${arrivals.count[index]}/${size} sockets within ${timeoutMs} ms`));
        }, timeoutMs);
        failed = (err) => {
          clearTimeout(timer);
          waiting = undefined;
          reject(err);
        };
        waiting = {
          index,
          resolve() {
            clearTimeout(timer);
            waiting = undefined;
            resolve();
          },
        };
      });
    },
    close() {
      failed = undefined;
      waiting = undefined;
      for (const ws of sockets) ws.terminate();
    },
  };
  return { pool, connectMs };
}
