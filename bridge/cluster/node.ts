/**
 * One node of a cluster: leader or follower. The leader holds the lease (lease.ts), has started a
 * new leadership term in the store, and runs the one CometD subscriber of the cluster with that
 * term; followers never subscribe and need no Salesforce session. Every node serves its own
 * sockets from the event log (bridge/gateway/feed.ts), so which node leads changes nothing for them.
 *
 * Leadership changes:
 * - a follower tries the lease every fifth of its length; taking it, it bumps the term (which waits
 *   for the previous leader's last write) and starts a subscriber, which resumes from the committed
 *   replay id;
 * - the lease lost (expired, taken, Redis not answering a refresh): the subscriber is stopped at
 *   once (its client retired, nothing queued processed);
 * - a write refused for a stale term (a leader that was paused past its lease): the subscriber has
 *   stopped itself; the node releases whatever it still holds and follows.
 *
 * The leader tells the others about itself (`cluster:leader`: node, term, org, upstream state) every
 * second; a follower that heard nothing for a lease's length reports no leader.
 */
import type { Logger } from 'pino';
import type { ClusterLeaderNotice, UpstreamState } from '../events/contract.js';
import type { BridgeMetrics } from '../http/metrics.js';
import type { Subscriber } from '../salesforce/subscriber.js';
import type { Lease } from './lease.js';

/** What a node is now. */
export type ClusterRole = 'leader' | 'follower';

/** How often the leader announces itself, ms. */
const ANNOUNCE_EVERY_MS = 1_000;

/** What {@link createClusterNode} needs. */
export interface ClusterNodeDeps {
  /** This node's id (host name and pid), in logs, `/readyz` and the `cluster_leader` row. */
  nodeId: string;
  /** `CLUSTER_LEASE_MS`. */
  leaseMs: number;
  /** Builds the lease handle; `onLost` must reach {@link ClusterNode} (see {@link createLease}). */
  lease: (onLost: () => void) => Lease;
  /** Starts a new leadership term in the store (EventStore.takeLeadership). */
  takeLeadership: (node: string) => Promise<number>;
  /** Starts (and returns) the subscriber of one term; `onFenced` is the subscriber's own. */
  lead: (term: number, onFenced: () => void) => Subscriber;
  /** Sends the leader's notice to the other nodes. */
  announce: (notice: ClusterLeaderNotice) => void;
  /** This node's view of the upstream state may have changed (role change, a notice, a silence). */
  onUpstreamChange: () => void;
  metrics: BridgeMetrics;
  logger: Logger;
}

/** The handle the app works with. */
export interface ClusterNode {
  start(): void;
  /** Stops leading (subscriber stopped, lease released so another node takes over at once) and trying. */
  stop(): Promise<void>;
  role(): ClusterRole;
  /** The leader as this node knows it (itself when leading), or undefined when none was heard of lately. */
  leader(): ClusterLeaderNotice | undefined;
  /** A `cluster:leader` notice from another node. */
  heard(notice: ClusterLeaderNotice): void;
  /** The cluster's upstream: the own subscriber's state when leading, else the leader's; `reconnecting` without one. */
  upstreamState(): UpstreamState;
  /** The org the cluster is logged in to, once known (from the own login or a leader's notice). */
  orgId(): string | undefined;
  /** Resolves with the org id once known. */
  orgKnown(): Promise<string>;
  /** The subscriber while leading. */
  subscriber(): Subscriber | undefined;
  /** The leader's subscriber changed state (wire it to the subscriber's onStateChange). */
  upstreamChanged(): void;
}

/** Creates the node; nothing happens before {@link ClusterNode.start}. */
export function createClusterNode(deps: ClusterNodeDeps): ClusterNode {
  const { nodeId, leaseMs, metrics } = deps;
  const log = deps.logger.child({ module: 'cluster', node: nodeId });
  const retryMs = Math.max(200, Math.floor(leaseMs / 5));
  let role: ClusterRole = 'follower';
  let term = 0;
  let subscriber: Subscriber | undefined;
  let heardLeader: { notice: ClusterLeaderNotice; at: number } | undefined;
  let knownOrgId: string | undefined;
  let announceOrg: (orgId: string) => void;
  const orgKnown = new Promise<string>((resolve) => (announceOrg = resolve));
  let stopped = true;
  let retryTimer: NodeJS.Timeout | undefined;
  let announceTimer: NodeJS.Timeout | undefined;
  let lastUpstream: UpstreamState | undefined;

  const lease = deps.lease(() => {
    if (role !== 'leader') return;
    log.warn({ term }, 'cluster: leader lease lost; unsubscribing');
    stepDown();
  });

  const showRole = () => {
    metrics.clusterRole.set({ role: 'leader' }, role === 'leader' ? 1 : 0);
    metrics.clusterRole.set({ role: 'follower' }, role === 'follower' ? 1 : 0);
  };
  showRole();

  const learnOrg = (orgId: string | undefined) => {
    if (!orgId || knownOrgId) return;
    knownOrgId = orgId;
    announceOrg(orgId);
  };

  const self = (): ClusterLeaderNotice => {
    learnOrg(subscriber?.session()?.orgId);
    return { node: nodeId, term, orgId: knownOrgId, upstream: subscriber?.state() ?? 'reconnecting' };
  };

  const upstreamState = (): UpstreamState => {
    if (role === 'leader') return subscriber?.state() ?? 'reconnecting';
    const leader = current();
    return leader?.upstream ?? 'reconnecting';
  };

  /** Tells the app when the upstream as this node sees it changed. */
  const checkUpstream = () => {
    const now = upstreamState();
    if (now === lastUpstream) return;
    lastUpstream = now;
    deps.onUpstreamChange();
  };

  const current = (): ClusterLeaderNotice | undefined => {
    if (role === 'leader') return self();
    if (!heardLeader || Date.now() - heardLeader.at > leaseMs) return undefined;
    return heardLeader.notice;
  };

  function schedule(delayMs = retryMs) {
    clearTimeout(retryTimer);
    if (stopped) return;
    retryTimer = setTimeout(() => void attempt(), delayMs);
  }

  async function attempt() {
    if (stopped || role === 'leader') return;
    if (!(await lease.tryAcquire())) return schedule();
    let newTerm: number;
    try {
      newTerm = await deps.takeLeadership(nodeId);
    } catch (err) {
      // The store does not answer: leading without a term would write nothing anyway.
      log.warn({ err }, 'cluster: lease taken but the store does not answer; giving it back');
      await lease.release();
      return schedule();
    }
    if (stopped || !lease.held()) {
      await lease.release();
      return schedule();
    }
    term = newTerm;
    role = 'leader';
    showRole();
    metrics.clusterLeaderChanges.inc();
    log.info({ term }, 'cluster: leading (subscribing for the cluster)');
    subscriber = deps.lead(newTerm, () => {
      if (role !== 'leader' || term !== newTerm) return;
      log.warn({ term: newTerm }, 'cluster: another node leads (a write was refused for this term); following');
      stepDown();
    });
    // Followers verify tokens against the org: tell them as soon as the login says which it is.
    const leading = subscriber;
    void leading.loggedIn().then(() => {
      if (subscriber === leading) deps.announce(self());
    });
    deps.announce(self());
    checkUpstream();
  }

  /** Stops the subscriber at once (its client is retired synchronously) and follows. */
  function stepDown() {
    const leading = subscriber;
    subscriber = undefined;
    role = 'follower';
    showRole();
    metrics.clusterLeaderChanges.inc();
    heardLeader = undefined;
    void leading?.stop();
    void lease.release();
    checkUpstream();
    schedule();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      announceTimer = setInterval(() => {
        if (role === 'leader') deps.announce(self());
        checkUpstream(); // a leader's silence turns a follower's view to `reconnecting`
      }, ANNOUNCE_EVERY_MS);
      announceTimer.unref();
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(announceTimer);
      const leading = subscriber;
      subscriber = undefined;
      if (role === 'leader') {
        role = 'follower';
        showRole();
      }
      await leading?.stop();
      await lease.release();
    },
    role: () => role,
    leader: current,
    heard(notice) {
      if (notice.node === nodeId) return;
      learnOrg(notice.orgId);
      if (heardLeader && notice.term < heardLeader.notice.term && Date.now() - heardLeader.at <= leaseMs) return; // an older leader's last words
      heardLeader = { notice, at: Date.now() };
      checkUpstream();
    },
    upstreamState,
    orgId: () => {
      if (role === 'leader') learnOrg(subscriber?.session()?.orgId);
      return knownOrgId;
    },
    orgKnown: () => orgKnown,
    subscriber: () => subscriber,
    upstreamChanged() {
      if (role !== 'leader') return;
      deps.announce(self());
      checkUpstream();
    },
  };
}
