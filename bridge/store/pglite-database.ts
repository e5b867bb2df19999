/**
 * The store's database embedded in this process: PGlite, PostgreSQL compiled to WebAssembly, so
 * `npm start` needs no database server and still runs the very schema and SQL a PostgreSQL server
 * runs. Its files live in one directory (`.data/pglite` by default, `EMBEDDED_DATABASE_DIR`), or in
 * memory for tests.
 *
 * PGlite is single-user PostgreSQL: one connection, and one process per directory. It queues its
 * own calls (a transaction holds the instance until it ends), but nothing stops a second process
 * from opening the same files, which would corrupt them. So the directory is claimed with a lock
 * file beside it (`<dir>.lock`, holding the owner's pid); a lock whose process is gone (a crash, a
 * SIGKILL) is taken over.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdir, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { INT8_OID, type Database } from './database.js';
import { isProcessAlive } from '../process-alive.js';

/** The directory is held by another live process; `pid` is that process. */
export class EmbeddedDirectoryInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`${dir} is in use by another bridge (pid ${pid})`);
    this.name = 'EmbeddedDirectoryInUseError';
  }
}

/**
 * Opens (and on first use creates) the embedded database.
 * @param dir - data directory; `undefined` keeps everything in memory (gone at close).
 * @throws EmbeddedDirectoryInUseError when another live process holds `dir`; ForeignDirectoryError
 *   when `dir` holds other files and no database; the file system's
 *   error when `dir` cannot be created or written; PGlite's when the files are not a database.
 */
export async function openPgliteDatabase(dir?: string): Promise<Database> {
  if (dir !== undefined) await refuseForeignDirectory(dir);
  const release = dir === undefined ? async () => undefined : await claim(dir);
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir: dir, parsers: { [INT8_OID]: Number } });
  } catch (err) {
    await release();
    throw err;
  }
  return {
    kind: 'pglite',
    query: async (sql, params) => (await db.query(sql, params)).rows as never[],
    transaction: (work) => db.transaction((tx) => work({ query: async (sql, params) => (await tx.query(sql, params)).rows as never[] })),
    async close() {
      try {
        await db.close();
      } finally {
        await release();
      }
    },
  };
}

/** The directory holds files but no database: opening it would write a database among them. */
export class ForeignDirectoryError extends Error {
  constructor(readonly dir: string) {
    super(`${dir} holds other files and no database; name an empty or new directory`);
    this.name = 'ForeignDirectoryError';
  }
}

/** Refuses a directory that exists, is not empty and holds no PostgreSQL data (`PG_VERSION`). */
async function refuseForeignDirectory(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException): string[] => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries.length > 0 && !entries.includes('PG_VERSION')) throw new ForeignDirectoryError(dir);
}

/** Lock files this process holds: a lock naming our own pid but absent here is a dead predecessor's (pids repeat across container restarts). */
const held = new Set<string>();

/** Takes `<dir>.lock` for this process; resolves with its release. */
async function claim(dir: string): Promise<() => Promise<void>> {
  // The real path, so a symlink to a held directory meets the same lock.
  const real = await realpath(dir).catch(() => resolve(dir));
  const lock = `${real.replace(/\/+$/, '')}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
      held.add(lock);
      return async () => {
        held.delete(lock);
        await rm(lock, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    const live = owner === process.pid ? held.has(lock) : owner > 0 && isProcessAlive(owner);
    if (live) throw new EmbeddedDirectoryInUseError(dir, owner);
    await rm(lock, { force: true }); // left by a process that is gone: take it over
  }
}

