/**
 * Upgrades from the bridge that kept its replay position in a JSON file (`REPLAY_STORE`, default
 * `.data/replay.json`): the file is read once at start, its position is imported into the store at
 * the first login (the file names no org; it was written by a bridge logged in to the org this one
 * logs in to), and the file is then renamed `<path>.imported`, so it is never imported twice and an
 * upgrade loses no event.
 */
import { readFile, rename } from 'node:fs/promises';
import type { Logger } from 'pino';
import { withDeadline } from '../deadline.js';

/** Longest the file system may take to read the file, ms. */
const READ_DEADLINE_MS = 5_000;

/** A replay position found in an old `replay.json`. */
export interface LegacyReplayPosition {
  /** The file it came from. */
  path: string;
  replayId: number;
  /** Renames the file `<path>.imported` once the store holds the position; errors are logged. */
  retire(): Promise<void>;
}

/**
 * Reads `path` if it exists and holds a position for `channel`.
 * @returns the position, or undefined for a missing, unreadable or malformed file or one of another
 *   channel (logged, never thrown: the store then starts as it would without one).
 */
export async function readLegacyReplayFile(path: string, channel: string, logger: Logger): Promise<LegacyReplayPosition | undefined> {
  let text: string;
  try {
    text = await withDeadline(readFile(path, 'utf8'), READ_DEADLINE_MS, `REPLAY_STORE: ${path}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err, path }, 'replay file: unreadable; not imported');
    return undefined;
  }
  let stored: { channel?: unknown; replayId?: unknown };
  try {
    stored = JSON.parse(text) as typeof stored;
  } catch (err) {
    logger.warn({ err, path }, 'replay file: not JSON; not imported');
    return undefined;
  }
  if (stored.channel !== channel || typeof stored.replayId !== 'number' || !Number.isFinite(stored.replayId)) {
    logger.warn({ path, stored: stored.channel, channel }, 'replay file: no replay id for this channel; not imported');
    return undefined;
  }
  return {
    path,
    replayId: stored.replayId,
    async retire() {
      await rename(path, `${path}.imported`).catch((err) => logger.warn({ err, path }, 'replay file: imported, but could not be renamed'));
    },
  };
}
