/**
 * The replay store as a small JSON file (`REPLAY_STORE`), what server.ts opens: the last processed
 * replay id survives a restart on one machine without any other service.
 *
 * Writes are atomic (temp file + fsync + rename) and coalesced: at most one write is in flight, and
 * a value recorded while it runs is written right after. A crash can therefore lose only the last
 * few recorded ids; those events are delivered again after restart and dropped by EventUuid, never
 * lost.
 *
 * Opening is bounded ({@link OPEN_DEADLINE_MS}): on some paths the filesystem never answers (Node's
 * recursive `mkdir` loops forever under /proc), and a bridge must refuse to start rather than hang.
 */
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '../config.js';
import { DeadlineError, withDeadline } from '../deadline.js';
import type { ReplayStore } from './replay-store.js';

/** Longest the filesystem may take to create, check and read the store at open, ms. */
export const OPEN_DEADLINE_MS = 5_000;

/** Content of the replay store file. */
interface StoredReplay {
  /** Channel the replay id belongs to; ids of another channel are meaningless here. */
  channel: string;
  /** Last processed replay id (opaque; only ever compared for equality by Salesforce). */
  replayId: number;
  /** ISO time of the write, for admins reading the file. */
  updatedAt: string;
}

/**
 * Opens the store at `path` for `channel`, reading any existing value.
 * A missing file, unreadable JSON or an id stored for another channel all mean "no id" (subscribe
 * with -1) and are logged, never thrown.
 * @param path - file path; its parent folders are created now.
 * @param options.deadlineMs - bound on the filesystem steps of opening, ms; default {@link OPEN_DEADLINE_MS}.
 * @throws ConfigError naming REPLAY_STORE when the folder cannot be created or written (better to
 *   refuse to start than to lose progress silently at the first event), or when the filesystem does
 *   not answer within the deadline (`REPLAY_STORE: /proc/x/replay.json did not answer within 5 s`).
 */
export async function openFileReplayStore(
  path: string,
  channel: string,
  logger: Logger,
  options: { deadlineMs?: number } = {},
): Promise<ReplayStore> {
  const prepare = async () => {
    try {
      await mkdir(dirname(path), { recursive: true });
      await access(dirname(path), constants.W_OK);
    } catch (err) {
      throw new ConfigError([`REPLAY_STORE: cannot write to ${dirname(path)} (${(err as NodeJS.ErrnoException).code ?? err})`]);
    }
    return readStored(path, channel, logger);
  };
  let value = await withDeadline(prepare(), options.deadlineMs ?? OPEN_DEADLINE_MS, `REPLAY_STORE: ${path}`).catch((err) => {
    throw err instanceof DeadlineError ? new ConfigError([err.message]) : err;
  });
  let written = value;
  let writing: Promise<void> | undefined;

  const writeLoop = async (): Promise<void> => {
    while (written !== value && value !== undefined) {
      const next = value;
      try {
        await writeAtomically(path, { channel, replayId: next, updatedAt: new Date().toISOString() });
        written = next;
      } catch (err) {
        logger.error({ err, path }, 'replay store: write failed; will retry on the next event');
        return;
      }
    }
  };

  return {
    current: () => value,
    record(replayId) {
      value = replayId;
      writing ??= writeLoop().finally(() => {
        writing = undefined;
      });
    },
    async flush() {
      while (writing) await writing;
      if (written !== value) await writeLoop();
    },
  };
}

async function readStored(path: string, channel: string, logger: Logger): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn({ err, path }, 'replay store: unreadable; starting from new events (-1)');
    }
    return undefined;
  }
  try {
    const stored = JSON.parse(text) as Partial<StoredReplay>;
    if (stored.channel !== channel) {
      logger.warn({ path, stored: stored.channel, channel }, 'replay store: holds another channel; ignoring it');
      return undefined;
    }
    if (typeof stored.replayId !== 'number' || !Number.isFinite(stored.replayId)) throw new Error('no numeric replayId');
    return stored.replayId;
  } catch (err) {
    logger.warn({ err, path }, 'replay store: malformed; starting from new events (-1)');
    return undefined;
  }
}

async function writeAtomically(path: string, content: StoredReplay): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(`${JSON.stringify(content)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}
