/**
 * Opens the store server.ts (and the test harness) runs on: PostgreSQL when `DATABASE_URL` is set,
 * else PGlite in the embedded directory; then migrates it. Bounded: a database that does not answer,
 * or a directory the file system never creates (Node's recursive `mkdir` loops forever under
 * /proc), ends start-up with a message naming the variable instead of a silent wait.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type DatabaseChoice } from '../config.js';
import { DeadlineError, withDeadline } from '../deadline.js';
import type { Database } from './database.js';
import { createEventStore, type EventStore } from './event-store.js';
import { migrate } from './migrate.js';
import { EmbeddedDirectoryInUseError, ForeignDirectoryError, openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

/** Longest opening and migrating may take, ms: a first PGlite open (initdb) takes ~2–9 s here. */
export const OPEN_DEADLINE_MS = 30_000;

/** Longest the file system may take to create the embedded directory's parent, ms. */
export const DIRECTORY_DEADLINE_MS = 5_000;

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Bound on opening + migrating, ms; default {@link OPEN_DEADLINE_MS}. */
  deadlineMs?: number;
  /**
   * When the embedded directory is held by another live bridge, run on an in-memory database
   * instead of refusing (dev mode with its default directory: a dev org is new at every start, so
   * a second dev-mode bridge loses nothing by keeping its store in memory).
   */
  memoryWhenInUse?: boolean;
}

/**
 * Opens and migrates the store `choice` names.
 * @throws ConfigError naming `DATABASE_URL` or `EMBEDDED_DATABASE_DIR` when the database cannot be
 *   reached, created or migrated within the deadline, or the directory is held by another bridge.
 */
export async function openStore(choice: DatabaseChoice, logger: Logger, options: OpenStoreOptions = {}): Promise<EventStore> {
  const variable = choice.kind === 'postgres' ? 'DATABASE_URL' : 'EMBEDDED_DATABASE_DIR';
  const where = choice.kind === 'postgres' ? redact(choice.url) : choice.dir;
  let db: Database | undefined;
  const open = async () => {
    db = choice.kind === 'postgres' ? openPostgresDatabase(choice.url, logger.child({ part: 'store' })) : await openEmbedded(choice.dir);
    await migrate(db, logger);
    return db;
  };
  async function openEmbedded(dir: string): Promise<Database> {
    await withDeadline(mkdir(dirname(resolve(dir)), { recursive: true }), DIRECTORY_DEADLINE_MS, `${variable}: ${dir}`);
    try {
      return await openPgliteDatabase(dir);
    } catch (err) {
      if (!(err instanceof EmbeddedDirectoryInUseError) || !options.memoryWhenInUse) throw err;
      logger.warn({ dir, pid: err.pid }, 'store: embedded directory in use by another bridge; this run keeps its store in memory');
      return openPgliteDatabase();
    }
  }
  try {
    const opened = await withDeadline(open(), options.deadlineMs ?? OPEN_DEADLINE_MS, `${variable}: ${where}`);
    logger.info({ database: opened.kind, at: where }, 'store: open');
    return createEventStore(opened);
  } catch (err) {
    void db?.close().catch(() => undefined);
    if (err instanceof DeadlineError) throw new ConfigError([err.message]);
    const reason =
      err instanceof EmbeddedDirectoryInUseError
        ? 'in use by another bridge (pid ' + err.pid + '); give each bridge a directory of its own'
        : err instanceof ForeignDirectoryError
          ? 'it holds other files and no database; name an empty or new directory'
          : describe(err);
    throw new ConfigError([`${variable}: cannot open ${where} (${reason})`], { cause: err });
  }
}

/**
 * An in-memory store (PGlite without a directory), migrated: for tests and the harness, where
 * nothing needs to outlive the process.
 */
export async function openMemoryStore(logger: Logger): Promise<EventStore> {
  const db = await openPgliteDatabase();
  await migrate(db, logger);
  return createEventStore(db);
}

/** A URL without its password, for messages and logs. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { errors?: Error[] };
  // pg reports a refused connection to a host with several addresses as an AggregateError.
  return e.code ?? e.errors?.[0]?.message ?? e.message ?? String(err);
}
