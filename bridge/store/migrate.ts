/**
 * Brings the database's schema up to date at start, with umzug: a well-kept, storage-agnostic
 * migration runner (it needs only "which migrations ran" and "record this one", which we give it as
 * a table in the same database), so one runner serves PostgreSQL and PGlite alike. node-pg-migrate
 * and postgres-migrations were the alternatives; both drive a `pg` client of their own and cannot
 * run on PGlite.
 *
 * All pending migrations run in ONE transaction (PostgreSQL's DDL is transactional) under an
 * advisory lock: several bridges starting at once against one database migrate once, and a failed
 * migration leaves the schema as it was.
 */
import type { Logger } from 'pino';
import { Umzug, type UmzugStorage } from 'umzug';
import type { Database, Queryable } from './database.js';
import { MIGRATIONS } from './migrations/index.js';

/** Arbitrary but fixed: the advisory lock key every bridge takes while migrating. */
const MIGRATION_LOCK_KEY = 0x5fcb_0001;

/** The record of applied migrations, as umzug asks for it. */
const storage: UmzugStorage<Queryable> = {
  async executed({ context }) {
    const rows = await context.query<{ name: string }>('SELECT name FROM store_migrations ORDER BY name');
    return rows.map((r) => r.name);
  },
  async logMigration({ name, context }) {
    await context.query('INSERT INTO store_migrations (name) VALUES ($1)', [name]);
  },
  async unlogMigration({ name, context }) {
    await context.query('DELETE FROM store_migrations WHERE name = $1', [name]);
  },
};

/**
 * Applies every pending migration of {@link MIGRATIONS}.
 * @returns the names applied now (empty when the schema was current).
 * @throws the database's error; nothing of a failed run is kept.
 */
export async function migrate(db: Database, logger: Logger): Promise<string[]> {
  const applied = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query('CREATE TABLE IF NOT EXISTS store_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const umzug = new Umzug<Queryable>({
      migrations: MIGRATIONS.map((m) => ({
        name: m.name,
        async up({ context }) {
          for (const statement of m.up) await context.query(statement);
        },
      })),
      context: tx,
      storage,
      logger: undefined,
    });
    return (await umzug.up()).map((m) => m.name);
  });
  if (applied.length) logger.info({ applied, database: db.kind }, 'store: schema migrated');
  return applied;
}
