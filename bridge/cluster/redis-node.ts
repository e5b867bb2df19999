/**
 * The Redis side of one cluster node: the ioredis connections and socket.io's Redis Streams adapter
 * on the node's socket.io server.
 *
 * Why the Streams adapter: unlike the classic Pub/Sub adapter it reads a stream from an offset, so
 * after a Redis blip it resumes where it was instead of silently dropping what was published
 * meanwhile (and it supports connection-state recovery). Chat events do not depend on it anyway:
 * each node's feed fills gaps from the event log (bridge/gateway/feed.ts). Typing notices and the
 * cluster's own notices travel through it.
 *
 * Two connections (plus the adapter's own reading duplicate): one for the adapter, which queues
 * commands while Redis is away, and one for the lease, which must never wait — a lease command
 * that cannot be sent now fails now (no offline queue, a command timeout), so a leader cut off from
 * Redis learns it at its next refresh.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';

/** The Redis stream the nodes' socket.io servers share. */
export const ADAPTER_STREAM = 'sfcb:socket.io';

/** A node's Redis connections. */
export interface RedisNode {
  /** For the lease (bridge/cluster/lease.ts). */
  readonly lease: Redis;
  /** Puts the Redis Streams adapter on `io` (before it accepts connections). */
  attach(io: Server): void;
  /** Closes every connection. */
  close(): Promise<void>;
}

/**
 * Opens the connections to `url` (ioredis reconnects by itself, every ≤ 2 s).
 * @param leaseMs - the lease length: a lease command answers within a quarter of it, or fails.
 */
export function createRedisNode(url: string, leaseMs: number, logger: Logger): RedisNode {
  const log = logger.child({ module: 'redis' });
  const retryStrategy = (times: number) => Math.min(times * 100, 2_000);
  // Heroku Key-Value Store serves `rediss://` with a self-signed certificate: TLS without verifying
  // the chain, as for a Heroku Postgres DATABASE_URL (see postgres-database.ts).
  const tls = url.startsWith('rediss://') ? { tls: { rejectUnauthorized: false } } : {};
  const adapterClient = new Redis(url, { ...tls, retryStrategy, maxRetriesPerRequest: null });
  const lease = new Redis(url, { ...tls, retryStrategy, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: Math.max(250, Math.floor(leaseMs / 4)) });
  // ioredis emits 'error' on every failed reconnect: log the first of each outage, not every retry.
  for (const [name, client] of [['adapter', adapterClient], ['lease', lease]] as const) {
    let down = false;
    client.on('error', (err: Error) => {
      if (!down) log.warn({ connection: name, err: err.message }, 'redis: connection lost; reconnecting');
      down = true;
    });
    client.on('ready', () => {
      if (down) log.info({ connection: name }, 'redis: connected again');
      down = false;
    });
  }
  return {
    lease,
    attach(io) {
      io.adapter(createAdapter(adapterClient, { streamName: ADAPTER_STREAM, heartbeatInterval: 2_000, heartbeatTimeout: 6_000 }));
    },
    async close() {
      adapterClient.disconnect();
      lease.disconnect();
    },
  };
}
