/**
 * One build per bundle key across processes. `npm start` in one terminal and `npm test` in another,
 * or vitest's parallel workers, would otherwise each spend ~15 s of CPU building the same bundle at
 * the same moment. The first process takes a lock file next to the cache; the others wait for its
 * result. A lock whose process is gone (killed mid-build) or that is older than the longest build
 * is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { isProcessAlive } from '../../bridge/process-alive.js';

/** A lock older than this is taken over whoever holds it, ms. */
const STALE_MS = 5 * 60_000;
const POLL_MS = 250;

interface LockHolder {
  pid: number;
  at: number;
}


async function holderOf(lockFile: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(lockFile, 'utf8')) as LockHolder;
  } catch {
    return undefined; // being written or already gone: look again
  }
}

/**
 * Returns `existing()` as soon as it has a result; otherwise runs `build` under `lockFile`, or waits
 * while another live process holds it.
 * @param existing - reads the finished result (e.g. the cache manifest), `undefined` if not there yet.
 * @param build - produces the result; runs in at most one process at a time per lock file.
 * @throws whatever `build` throws.
 */
export async function buildOnce<T>(lockFile: string, existing: () => T | undefined, build: () => Promise<T>): Promise<T> {
  for (;;) {
    const done = existing();
    if (done !== undefined) return done;
    let handle;
    try {
      handle = await open(lockFile, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await holderOf(lockFile);
      if (holder && (!isProcessAlive(holder.pid) || Date.now() - holder.at > STALE_MS)) {
        await rm(lockFile, { force: true });
      } else {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      continue;
    }
    try {
      await handle.writeFile(JSON.stringify({ pid: process.pid, at: Date.now() } satisfies LockHolder));
      await handle.close();
      return await build();
    } finally {
      await rm(lockFile, { force: true });
    }
  }
}
