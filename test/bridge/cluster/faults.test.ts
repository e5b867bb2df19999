// The cluster's fault tests (issue "Scale out on Redis"): three bridge processes on one dev org,
// one PostgreSQL and one Redis, six browsers spread over them through a load balancer. In every
// fault, each browser ends with every event of a 200-event burst exactly once, seq increasing, and
// the dev org never sees more than one subscription open at a time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { BURST, burst, expectEveryEventOnce, LEASE_MS, socketsPerNode, startCluster, type TestCluster } from './support.js';

const NODES = 3;
const BROWSERS = 6;

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster(NODES);
}, 90_000);
afterEach(() => cluster?.heal(), 60_000);
afterAll(() => cluster?.close(), 30_000);

/** Browsers connected through the balancer, at least one on every node. */
async function spreadBrowsers() {
  cluster.resetSubscriptionWatch();
  const browsers = await cluster.connectBrowsers(BROWSERS);
  const spread = await socketsPerNode(cluster);
  expect(spread.every((n) => n > 0), `sockets on every node: ${spread.join(', ')}`).toBe(true);
  return browsers;
}

const metricsOf = async (i: number) => (await fetch(`${cluster.nodes[i]!.url}/metrics`)).text();

describe('a cluster of three bridges', () => {
  it('the leader is killed (SIGKILL) mid-burst: a follower leads within the lease + 5 s, and every socket, those of the killed node included, gets each event exactly once', async () => {
    const browsers = await spreadBrowsers();
    const leader = await cluster.settledLeader();
    let killedAt = 0;
    const published = await burst(cluster.org, browsers, {
      [BURST / 2]: async () => {
        cluster.nodes[leader]!.run!.child.kill('SIGKILL');
        await cluster.nodes[leader]!.run!.exited;
        killedAt = Date.now();
      },
    });

    const next = await cluster.settledLeader(LEASE_MS + 5_000 - (Date.now() - killedAt));
    expect(next).not.toBe(leader);
    await expectEveryEventOnce(cluster, browsers, published);
    expect(cluster.maxSubscriptions(), 'never two subscriptions at the org').toBe(1);
    expect(await metricsOf(next)).toMatch(/sfcb_cluster_role\{role="leader"\} 1/);
  }, 120_000);

  it('the leader is stopped (SIGSTOP) past its lease, then continued: another node leads, the old one steps down, nothing is logged or sent twice', async () => {
    const browsers = await spreadBrowsers();
    const leader = await cluster.settledLeader();
    const published = await burst(cluster.org, browsers, {
      70: async () => {
        cluster.pause(leader, true);
        const next = await cluster.settledLeader(LEASE_MS + 10_000);
        expect(next).not.toBe(leader);
      },
      140: async () => cluster.pause(leader, false),
    });

    await expectEveryEventOnce(cluster, browsers, published);
    await waitFor(async () => (await cluster.readiness(leader))?.cluster.role === 'follower', 'the paused node follows');
    expect(cluster.maxSubscriptions(), 'never two subscriptions at the org').toBe(1);
    const rows = await logRowsOf(published);
    expect(rows, 'each event logged once').toBe(published.length);
  }, 120_000);

  it('Redis restarts mid-burst: broadcasts resume with no loss, and the lease is taken again by one node only', async () => {
    const browsers = await spreadBrowsers();
    const published = await burst(cluster.org, browsers, {
      70: () => cluster.redis.stop(),
      140: () => cluster.redis.start(),
    });

    await expectEveryEventOnce(cluster, browsers, published);
    await cluster.settledLeader();
    expect(cluster.maxSubscriptions(), 'never two subscriptions at the org').toBe(1);
  }, 120_000);

  it('PostgreSQL restarts mid-burst: the leader pauses and resumes; nothing is lost', async () => {
    const browsers = await spreadBrowsers();
    const leader = await cluster.settledLeader();
    const published = await burst(cluster.org, browsers, {
      70: () => cluster.pg.stop(),
      140: async () => {
        await waitFor(async () => (await cluster.readiness(leader))?.store === 'down', 'readyz of the leader: store down');
        await cluster.pg.start();
      },
    });

    await expectEveryEventOnce(cluster, browsers, published);
    expect(cluster.maxSubscriptions(), 'never two subscriptions at the org').toBe(1);
    expect(await metricsOf(leader), 'the leader paused its intake for the store').toMatch(/sfcb_upstream_reconnects_total\{cause="store"\} [1-9]/);
  }, 120_000);
});

/** How many event_log rows hold these EventUuids (through the cluster's own database). */
async function logRowsOf(uuids: string[]): Promise<number> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: cluster.pg.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM event_log WHERE event_uuid = ANY($1)', [uuids]);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}
