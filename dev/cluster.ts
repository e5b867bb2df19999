/**
 * `npm run cluster [-- <nodes>]` (default 3): a local cluster to see scale-out work — one embedded
 * dev org, one Redis and one PostgreSQL (each started here unless `REDIS_URL` / `DATABASE_URL` name
 * one), N bridge processes (`bridge/server.ts` as production runs it, logged in to the dev org with
 * a session of its own, `REDIS_URL` + `DATABASE_URL` set), a round-robin balancer in front of them
 * (dev/balancer.ts, what Heroku's router does), and the local preview of the real LWC, whose
 * sockets go through the balancer: open two tabs and they land on different nodes.
 *
 * Ports from `PORT` (default 3000): the preview on PORT, the balancer on PORT+1, node i on
 * PORT+10+i (its /readyz and /metrics; its own preview is the dev-mode `npm start`'s, not run here).
 * Ctrl-C stops everything it started.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import express from 'express';
import pino from 'pino';
import { DEFAULT_TOKEN_AUDIENCE } from '../bridge/events/contract.js';
import { startBalancer } from './balancer.js';
import { startPostgresServer, startRedisServer, type PostgresServer, type RedisServer } from './local-servers.js';
import { startDevOrg } from './org/index.js';
import { createPreview } from './preview/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const SERVER = join(ROOT, 'bridge/server.ts');

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 3);
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`nodes: a whole number from 1 to 9 (got ${process.argv[2]})`);
  const basePort = Number(process.env.PORT ?? 3000);
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { app: 'cluster' } });

  const org = await startDevOrg({ logger: logger.child({ part: 'dev-org' }) });
  let redis: RedisServer | undefined;
  let pg: PostgresServer | undefined;
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async () => {
    if (stopping) process.exit(1); // a second Ctrl-C: do not wait any longer
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    // A node killed by a signal (kill -9) has exitCode null but a signalCode: it has exited already.
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(running.map((c) => new Promise((r) => c.once('exit', r))));
    await Promise.all([redis?.close(), pg?.close(), org.close()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stopAll());
  process.on('SIGTERM', () => void stopAll());

  const redisUrl = process.env.REDIS_URL || (redis = await startRedisServer()).url;
  const databaseUrl = process.env.DATABASE_URL || (pg = await startPostgresServer()).url;
  const tokenSecret = randomBytes(32).toString('base64url');
  const previewOrigin = `http://localhost:${basePort}`;
  const balancerUrl = `http://localhost:${basePort + 1}`;

  const nodePorts = Array.from({ length: count }, (_, i) => basePort + 10 + i);
  const alive = new Set<number>();
  nodePorts.forEach((port, i) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        PORT: String(port),
        SF_INSTANCE_URL: org.url,
        SF_ACCESS_TOKEN: org.issueAccessToken(),
        CHAT_TOKEN_SECRET: tokenSecret,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        ALLOWED_ORIGINS: `${previewOrigin},http://127.0.0.1:${basePort}`,
      },
    });
    alive.add(port);
    child.once('exit', (code, signal) => {
      alive.delete(port);
      if (!stopping) logger.warn({ node: i, port, code, signal }, 'cluster: a node exited (the others go on; its sockets reconnect through the balancer)');
    });
    children.push(child);
  });
  await startBalancer(() => nodePorts.filter((p) => alive.has(p)), basePort + 1);

  org.setBridge({ url: balancerUrl, tokenSecret, audience: DEFAULT_TOKEN_AUDIENCE });
  const preview = createPreview({ devOrgUrl: org.url, logger: logger.child({ part: 'preview' }) });
  const app = express();
  preview.routes(app);
  await new Promise<void>((r) => createServer(app).listen(basePort, r));
  preview.start(balancerUrl);

  const line = '─'.repeat(72);
  process.stdout.write(
    [
      line,
      ` sf-chat-bridge cluster: ${count} bridges on one EMBEDDED DEV ORG`,
      ` local preview   ${previewOrigin}/  (open two tabs: their sockets land on different nodes)`,
      ` balancer        ${balancerUrl}  (round-robin over the nodes, as Heroku's router)`,
      ...nodePorts.map((p, i) => ` node ${i}          http://localhost:${p}/readyz`),
      ` dev org         ${org.url}  (org ${org.orgId})`,
      ` redis           ${redisUrl}${redis ? ' (started here)' : ''}`,
      ` postgres        ${databaseUrl}${pg ? ' (started here)' : ''}`,
      ' try             kill -9 the leader (see /readyz "role"): another node leads within the lease plus a fifth of it (CLUSTER_LEASE_MS, 10 s)',
      line,
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`cluster: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
