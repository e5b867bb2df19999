/**
 * Prometheus metrics of one bridge process (prom-client), served at `GET /metrics`.
 *
 * One registry per bridge instance (no global default registry), so several bridges can run in one
 * process in tests. Every part receives the {@link BridgeMetrics} it counts on as a dependency.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { UPSTREAM_STATES, type UpstreamState } from '../events/contract.js';

/** Counters and gauges the bridge's parts update. */
export interface BridgeMetrics {
  readonly registry: Registry;
  /** Valid Chat_Event__e forwarded to sockets, by `type`. */
  readonly eventsForwarded: Counter<'type'>;
  /** Events not forwarded, by `reason` (`malformed`, `unknown-type`, `duplicate`). */
  readonly eventsRejected: Counter<'reason'>;
  /** Upstream (CometD) reconnects, by `cause` (e.g. `auth`, `unknown-client`, `watchdog`, `backoff`). */
  readonly upstreamReconnects: Counter<'cause'>;
  /**
   * Failed Salesforce logins, by `reason`: `refused` (Salesforce answered with an error: wrong
   * credentials, revoked token, unknown client), `unreachable` (no answer at the network level),
   * `timeout` (no answer within the login deadline), `other`.
   */
  readonly upstreamLoginFailures: Counter<'reason'>;
  /**
   * 1 for the upstream's current `state` (`connected`, `reconnecting`, `degraded`), 0 for the others:
   * as `/readyz` and `bridge:status` say it (a cluster follower: its leader's). Set through {@link showUpstreamState}.
   */
  readonly upstreamState: Gauge<'state'>;
  /** Socket handshakes refused, by `reason` (`missing`, `expired`, `origin`, …). */
  readonly socketsRefused: Counter<'reason'>;
  /** Typing messages dropped by the per-socket rate limit. */
  readonly typingDropped: Counter<string>;
  /** Client messages ignored (unknown event names, oversized or malformed input). */
  readonly clientMessagesIgnored: Counter<'reason'>;
  /** Sockets connected now. */
  readonly socketsConnected: Gauge<string>;
  /** Catch-ups of sockets that connected with `auth.since`, by `outcome`: `caught-up`, or the gap's reason (`pruned`, `ahead`, `epoch`, `too-far`, `store`). */
  readonly catchUps: Counter<'outcome'>;
  /** Cluster only: 1 for this node's current `role` (`leader`, `follower`), 0 for the other. */
  readonly clusterRole: Gauge<'role'>;
  /** Cluster only: times this node became leader or stopped leading. */
  readonly clusterLeaderChanges: Counter<string>;
  /** Cluster only: how many `seq` this node's sockets lag the event log's end (at the last poll). */
  readonly clusterLogLag: Gauge<string>;
}

/**
 * Creates a fresh registry with the bridge's metrics (prefix `sfcb_`) and Node's default metrics.
 * @returns the metrics; nothing is registered globally.
 */
export function createMetrics(): BridgeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sfcb_' });
  const registers = [registry];
  return {
    registry,
    eventsForwarded: new Counter({
      name: 'sfcb_events_forwarded_total',
      help: 'Chat_Event__e events forwarded to sockets',
      labelNames: ['type'],
      registers,
    }),
    eventsRejected: new Counter({
      name: 'sfcb_events_rejected_total',
      help: 'Chat_Event__e messages not forwarded, by reason',
      labelNames: ['reason'],
      registers,
    }),
    upstreamReconnects: new Counter({
      name: 'sfcb_upstream_reconnects_total',
      help: 'CometD client rebuilds, by cause',
      labelNames: ['cause'],
      registers,
    }),
    upstreamLoginFailures: new Counter({
      name: 'sfcb_upstream_login_failures_total',
      help: 'Salesforce logins that failed, by reason',
      labelNames: ['reason'],
      registers,
    }),
    upstreamState: new Gauge({
      name: 'sfcb_upstream_state',
      help: 'upstream subscription state: 1 for the current state, 0 for the others',
      labelNames: ['state'],
      registers,
    }),
    socketsRefused: new Counter({
      name: 'sfcb_sockets_refused_total',
      help: 'socket.io handshakes refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
    typingDropped: new Counter({
      name: 'sfcb_typing_dropped_total',
      help: 'typing messages dropped by the per-socket rate limit',
      registers,
    }),
    clientMessagesIgnored: new Counter({
      name: 'sfcb_client_messages_ignored_total',
      help: 'client messages ignored, by reason',
      labelNames: ['reason'],
      registers,
    }),
    socketsConnected: new Gauge({
      name: 'sfcb_sockets_connected',
      help: 'sockets connected now',
      registers,
    }),
    catchUps: new Counter({
      name: 'sfcb_catch_ups_total',
      help: 'catch-ups of reconnecting sockets (auth.since), by outcome: caught-up or the gap reason',
      labelNames: ['outcome'],
      registers,
    }),
    clusterRole: new Gauge({
      name: 'sfcb_cluster_role',
      help: 'cluster role of this node: 1 for the current role (leader, follower), 0 for the other',
      labelNames: ['role'],
      registers,
    }),
    clusterLeaderChanges: new Counter({
      name: 'sfcb_cluster_leader_changes_total',
      help: 'times this node became leader or stopped leading',
      registers,
    }),
    clusterLogLag: new Gauge({
      name: 'sfcb_cluster_log_lag_seq',
      help: "sequence numbers this node's sockets lag the event log's end (at the last poll)",
      registers,
    }),
  };
}

/** Sets {@link BridgeMetrics.upstreamState} to `state`: 1 for it, 0 for every other state. */
export function showUpstreamState(metrics: BridgeMetrics, state: UpstreamState): void {
  for (const each of UPSTREAM_STATES) metrics.upstreamState.set({ state: each }, each === state ? 1 : 0);
}
