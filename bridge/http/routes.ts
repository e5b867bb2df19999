/**
 * The bridge's own HTTP endpoints: liveness, readiness and Prometheus metrics. Kept apart from the
 * socket gateway so load balancers and monitors (Heroku, Kubernetes) can probe without a token.
 */
import express, { type Express } from 'express';
import type { UpstreamState } from '../events/contract.js';
import type { StoreState } from '../store/event-store.js';
import type { BridgeMetrics } from './metrics.js';

/** What `/readyz` reports. */
export interface Readiness {
  upstream: UpstreamState;
  /** `down` while the store's database does not answer (the bridge then takes no events). */
  store: StoreState;
  /** Last processed replay id, or null before the first event (and on a cluster follower, which processes none). */
  lastReplayId: number | null;
  /** Sockets connected now. */
  sockets: number;
  /**
   * Cluster only (`REDIS_URL`): this node's id and role, and the leader's node id (null while none
   * is known: no node holds the lease, or this follower heard nothing for a lease's length).
   * `upstream` is then the cluster's: the leader's subscription as the leader last said.
   */
  cluster?: { node: string; role: 'leader' | 'follower'; leader: string | null };
}

/**
 * Builds the express app with:
 * - `GET /healthz` → 200 `{ status: 'ok' }` while the process runs;
 * - `GET /readyz` → 200 while the upstream subscription is live (`connected`) and the store
 *   answers (`store: 'up'`), else 503; body
 *   {@link Readiness};
 * - `GET /metrics` → Prometheus text format.
 */
export function createHttpApp(deps: { readiness: () => Readiness; metrics: BridgeMetrics }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const readiness = deps.readiness();
    res.status(readiness.upstream === 'connected' && readiness.store === 'up' ? 200 : 503).json(readiness);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return app;
}
