/**
 * The store's database on a PostgreSQL server (`DATABASE_URL`, e.g. Heroku Postgres), through a
 * small `pg` pool. Every wait is bounded — connecting, and each statement — so a database that is
 * unreachable, restarting or black-holed fails a call with an error instead of stalling the event
 * queue; the pool's background errors (an idle connection killed by a server restart) are logged,
 * never thrown, so they cannot end the process.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { INT8_OID, type Database, type Queryable } from './database.js';
import { isLoopbackHost } from '../loopback.js';

/** Bounds of one pool. */
export interface PostgresOptions {
  /** Longest wait for a new connection, ms; default 5 s. */
  connectTimeoutMs?: number;
  /** Longest wait for one statement's answer, ms; default 10 s. */
  statementTimeoutMs?: number;
  /** Most connections held; default 4 (one writer plus readers: catch-up, pruning, probes). */
  maxConnections?: number;
}

/** `int8` as a JS number, every other type as pg parses it by default. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Opens a pool on `url`. Connects lazily: the first query (the migrations, at start) proves the URL.
 * @param url - `postgres://user:password@host:port/database`. Without `?sslmode=…` in it, a remote
 *   host is reached over TLS without verifying the certificate chain, which is what Heroku Postgres
 *   needs (its `DATABASE_URL` names no sslmode and its chain does not verify); loopback hosts
 *   without TLS. `?sslmode=verify-full` (or `disable`) in the URL overrides this.
 */
export function openPostgresDatabase(url: string, logger: Logger, options: PostgresOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    ssl: defaultTls(url),
    types,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    query_timeout: options.statementTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (err) => logger.warn({ err }, 'database: idle connection lost'));

  const run = async <Row>(on: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]) =>
    (await on.query(sql, params)).rows as Row[];

  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const tx: Queryable = { query: (sql, params) => run(client, sql, params) };
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw err;
      } finally {
        // A connection whose ROLLBACK failed is in an unknown state: destroy it, never reuse it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/** TLS for a URL that does not choose: none on loopback, unverified elsewhere (see {@link openPostgresDatabase}). */
function defaultTls(url: string): pg.PoolConfig['ssl'] {
  const parsed = new URL(url);
  if (parsed.searchParams.has('sslmode')) return undefined; // the URL decides (pg reads it)
  // No host at all: a Unix socket, local too.
  const local = parsed.hostname === '' || isLoopbackHost(parsed.hostname);
  return local ? false : { rejectUnauthorized: false };
}
