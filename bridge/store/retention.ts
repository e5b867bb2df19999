/**
 * Keeps the log to its retention (`EVENT_LOG_RETENTION_HOURS`, default 72 h: what Salesforce itself
 * retains, so nothing older could be replayed anyway): every interval, deletes what is older in
 * small batches, each its own statement. Delivery never waits for it: on PGlite's one connection a
 * batch is a few milliseconds and the event queue's next commit runs between two batches; on a
 * server the pruner uses a connection of its own. A store that does not answer is skipped until the
 * next interval; errors are logged, never thrown.
 */
import type { Logger } from 'pino';
import type { EventStore } from './event-store.js';

/** Tuning of {@link startRetention}. */
export interface RetentionOptions {
  /** Rows older than this are deleted, hours. */
  retentionHours: number;
  /** Time between two prunes, ms; default 10 min. The first runs after `firstAfterMs`. */
  intervalMs?: number;
  /** Delay of the first prune after start, ms; default 30 s (start-up first). */
  firstAfterMs?: number;
  /** Rows per table per statement; default 500. */
  batch?: number;
  logger: Logger;
}

/** A running pruner. */
export interface Retention {
  /** Stops the timer and waits for a prune in progress. */
  stop(): Promise<void>;
}

/** Starts pruning `store` in the background (timers unref'd: they never keep the process alive). */
export function startRetention(store: EventStore, options: RetentionOptions): Retention {
  const { logger } = options;
  const batch = options.batch ?? 500;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function prune(): Promise<number> {
    const before = new Date(Date.now() - options.retentionHours * 3_600_000);
    let total = 0;
    try {
      // A total below one batch means no table filled one: nothing older is left.
      for (let deleted = batch * 3; deleted >= batch && !stopped; ) {
        deleted = await store.prune(before, batch);
        total += deleted;
        await new Promise((resolve) => setImmediate(resolve)); // let queued commits go first
      }
      if (total) logger.info({ deleted: total, before }, 'store: pruned past retention');
    } catch (err) {
      logger.warn({ err }, 'store: pruning failed; next interval retries');
    }
    return total;
  }

  const tick = () => {
    if (store.state() === 'up') running ??= prune().finally(() => (running = undefined));
  };
  const first = setTimeout(tick, options.firstAfterMs ?? 30_000);
  const every = setInterval(tick, options.intervalMs ?? 10 * 60_000);
  first.unref();
  every.unref();

  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
