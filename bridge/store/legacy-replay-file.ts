/**
 * Upgrades from the bridge that kept its replay position in a JSON file (`REPLAY_STORE`, default
 * `.data/replay.json`): the file is read once at start, its position is imported into the store at
 * the first login (the file names no org; it was written by a bridge logged in to the org this one
 * logs in to), and the file is then renamed `<path>.imported`, so it is never imported twice and an
 * upgrade loses no event.
 */
import { access, readFile, rename } from 'node:fs/promises';
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    logger.warn({ err, path }, 'replay file: not JSON; not imported');
    return undefined;
  }
  const stored = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { channel?: unknown; replayId?: unknown };
  // Replay ids are whole numbers (the store keeps them as bigint): a fraction or an unsafe integer
  // was never written by a bridge and would be refused by the database at every start.
  if (stored.channel !== channel || !Number.isSafeInteger(stored.replayId)) {
    logger.warn({ path, stored: stored.channel, channel }, 'replay file: no whole replay id for this channel; not imported');
    return undefined;
  }
  return {
    path,
    replayId: stored.replayId as number,
    async retire() {
      // Never over an earlier `.imported` file: a second one gets the time in its name.
      const target = (await exists(`${path}.imported`)) ? `${path}.imported-${Date.now()}` : `${path}.imported`;
      await rename(path, target).then(
        () => logger.info({ path, renamedTo: target }, 'replay file: imported and renamed'),
        (err) => logger.warn({ err, path }, 'replay file: imported, but could not be renamed'),
      );
    },
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
