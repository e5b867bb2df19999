// The cluster's fault tests (issue "Scale out on Redis"): three bridge processes on one dev org,
// one PostgreSQL and one Redis, six browsers spread over them through a load balancer. In every
// fault, each browser ends with every event of a 200-event burst exactly once, seq increasing, and
// the dev org never sees more than one subscription open at a time. And typing notices reach the
// sockets of other nodes, expiry and rate limit included.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signBridgeToken } from '../../../dev/org/data/bridge-token.js';
import { connectResuming } from '../../helpers/resuming-socket.js';
import { AUDIENCE, newUserId, TOKEN_SECRET } from '../../helpers/stack.js';
import { settle, waitFor } from '../../helpers/wait-for.js';
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
/** sfcb_cluster_leader_changes_total summed over the nodes. */
async function leaderChanges(): Promise<number> {
  const texts = await Promise.all(cluster.nodes.map((_, i) => metricsOf(i)));
  return texts.reduce((sum, t) => sum + Number(/^sfcb_cluster_leader_changes_total (\d+)/m.exec(t)?.[1] ?? 0), 0);
}

describe('a cluster of three bridges', () => {
  it('relays typing notices to the sockets of another node: start, expiry after 6 s, and the per-socket rate limit', async () => {
    const token = (name: string) => signBridgeToken({ userId: newUserId(), name, orgId: cluster.org.orgId }, { secret: TOKEN_SECRET, audience: AUDIENCE });
    const typist = await connectResuming(cluster.nodes[0]!.url, await token('Ana'));
    const reader = await connectResuming(cluster.nodes[1]!.url, await token('Ben'));
    const notices: Array<{ name: string; isTyping: boolean; at: number }> = [];
    reader.socket.on('typing', (n) => notices.push({ ...n, at: Date.now() }));
    try {
      const started = Date.now();
      typist.socket.emit('typing:start');
      await waitFor(() => notices.length === 1, 'the typing notice on the other node');
      expect(notices[0]).toMatchObject({ name: 'Ana', isTyping: true });
      await waitFor(() => notices.length === 2, 'its expiry on the other node', { timeoutMs: 12_000 });
      expect(notices[1]).toMatchObject({ name: 'Ana', isTyping: false });
      expect(notices[1]!.at - started, 'expired after TYPING_EXPIRY_MS').toBeGreaterThanOrEqual(6_000 - 100);

      for (let i = 0; i < 20; i++) typist.socket.emit(i % 2 ? 'typing:stop' : 'typing:start');
      await settle(1_000);
      expect(notices.length - 2, 'at most 5 relayed within the second').toBeLessThanOrEqual(5);
      expect(await metricsOf(0), "the typist's node dropped the rest").toMatch(/sfcb_typing_dropped_total [1-9]/);
    } finally {
      typist.socket.close();
      reader.socket.close();
    }
  }, 60_000);

  it('keeps rooms across nodes: a room\'s typing and events reach its sockets on other nodes, never another room\'s', async () => {
    const [roomA, roomB] = ['a0B5e000000AbCdEAK', 'a0B5e000000AbCeEAK'];
    const token = (name: string, rooms: string[]) =>
      signBridgeToken({ userId: newUserId(), name, orgId: cluster.org.orgId }, { secret: TOKEN_SECRET, audience: AUDIENCE, rooms });
    const typist = await connectResuming(cluster.nodes[0]!.url, await token('Ana', [roomA]));
    const inA = await connectResuming(cluster.nodes[1]!.url, await token('Ben', [roomA]));
    const inB = await connectResuming(cluster.nodes[2]!.url, await token('Chen', [roomB]));
    const heard = { inA: [] as unknown[], inB: [] as unknown[] };
    inA.socket.on('typing', (n) => heard.inA.push(n));
    inB.socket.on('typing', (n) => heard.inB.push(n));
    try {
      typist.socket.emit('typing:start', { roomId: roomA });
      await waitFor(() => heard.inA.length === 1, 'the typing notice in A on another node');
      expect(heard.inA[0]).toMatchObject({ name: 'Ana', isTyping: true, roomId: roomA });

      const fields = { Type__c: 'MESSAGE_CREATED', Record_Id__c: 'a00000000000001AAA', User_Id__c: cluster.org.credentials.userId };
      const a = await cluster.org.publishEvent({ ...fields, Room_Id__c: roomA });
      const b = await cluster.org.publishEvent({ ...fields, Room_Id__c: roomB });
      const everyone = await cluster.org.publishEvent({ Type__c: 'USER_ENTERED', Record_Id__c: fields.User_Id__c, User_Id__c: fields.User_Id__c });
      const got = (s: typeof inA) => s.events.map((e) => e.eventUuid);
      await waitFor(() => [typist, inA, inB].every((s) => got(s).includes(everyone.eventUuid)), 'the room-less event on every node');
      expect(got(typist)).toEqual([a.eventUuid, everyone.eventUuid]);
      expect(got(inA)).toEqual([a.eventUuid, everyone.eventUuid]);
      expect(got(inB)).toEqual([b.eventUuid, everyone.eventUuid]);
      expect(heard.inB, 'B heard nothing of A').toEqual([]);
    } finally {
      for (const s of [typist, inA, inB]) s.socket.close();
    }
  }, 60_000);

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
    for (const i of cluster.nodes.keys()) {
      if (i === leader) continue;
      const upstream = (await cluster.readiness(i))?.upstream;
      expect(await metricsOf(i), `node ${i}'s sfcb_upstream_state says what its /readyz says (${upstream})`).toMatch(new RegExp(`sfcb_upstream_state\\{state="${upstream}"\\} 1`));
    }
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
    expect(cluster.nodes[leader]!.run!.output(), 'it learnt it had lost the lease').toMatch(/cluster: leader lease lost|another node leads/);
    expect(cluster.maxSubscriptions(), 'never two subscriptions at the org').toBe(1);
    const rows = await logRowsOf(published);
    expect(rows, 'each event logged once').toBe(published.length);
  }, 120_000);

  it('Redis restarts mid-burst: broadcasts resume with no loss, and the lease is taken again by one node only', async () => {
    const browsers = await spreadBrowsers();
    const changesBefore = await leaderChanges();
    const published = await burst(cluster.org, browsers, {
      70: () => cluster.redis.stop(),
      // No event while the lease is taken again: nothing but the lease can retire the old subscriber.
      140: async () => {
        await cluster.redis.start();
        await cluster.settledLeader();
      },
    });

    await expectEveryEventOnce(cluster, browsers, published);
    await cluster.settledLeader();
    expect(cluster.maxSubscriptions(), 'never two subscriptions at the org').toBe(1);
    expect(await leaderChanges(), 'the leader stepped down with Redis, and a node took the lease again').toBeGreaterThanOrEqual(changesBefore + 2);
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
