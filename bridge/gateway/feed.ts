/**
 * The live feed of one cluster node: hands every logged event to this node's own sockets exactly
 * once, strictly in `seq` order, whichever node logged it and whatever Redis lost.
 *
 * Why this exists: in a cluster only the leader holds the CometD subscription and logs events; it
 * then tells every node "seq N logged, after M" through the socket.io adapter (Redis). Those notices
 * are fast but not reliable (Redis restarts, the adapter drops what it could not publish). The event
 * log is reliable. So a notice whose `afterSeq` is what this node delivered last is delivered at
 * once; any other notice — and a poll of the log every second, the safety net when notices stop —
 * makes the feed read the log after its last delivered `seq` and deliver what it finds, in order.
 * One bridge alone needs none of this: its subscriber feeds its gateway directly.
 */
import type { Logger } from 'pino';
import type { SequencedChatEvent } from '../events/contract.js';
import type { LogPosition, LoggedEvent } from '../store/event-store.js';

/** How often the feed reads the log even without notices, ms. */
export const FEED_POLL_MS = 1_000;
/** Rows per log read. */
const PAGE_SIZE = 500;

/** The part of the event log the feed reads (the app binds it to the store and its stream). */
export interface FeedLog {
  /** @see EventStore.logPosition */
  position(): Promise<LogPosition>;
  /** This cluster's logged events with `seq > afterSeq`, in order, at most `limit`. */
  eventsAfter(afterSeq: number, limit: number): Promise<LoggedEvent[]>;
}

/** What {@link createFeed} needs. */
export interface FeedDeps {
  log: FeedLog;
  /** Sends one event to this node's sockets; called once per event, in `seq` order. */
  deliver: (event: SequencedChatEvent) => void;
  /** Default {@link FEED_POLL_MS}. */
  pollMs?: number;
  /** Receives the lag (log end − delivered, in `seq`) at every poll. */
  onLag?: (lagSeq: number) => void;
  logger: Logger;
}

/** A running feed. */
export interface Feed {
  /** Starts after the log's current end (events logged before reach sockets by catch-up only) and polls. */
  start(): Promise<void>;
  /** A node logged `logged`, the next event after `afterSeq`. */
  notify(logged: LoggedEvent, afterSeq: number): void;
  /** Highest `seq` delivered to this node's sockets. */
  deliveredSeq(): number;
  /**
   * Resolves once every event through `seq` has been delivered (reading the log at once if needed).
   * @throws Error when the log cannot be read (the caller bounds the wait).
   */
  reached(seq: number): Promise<void>;
  /** Stops polling. */
  stop(): void;
}

/** Creates a feed; nothing is delivered before {@link Feed.start}. */
export function createFeed(deps: FeedDeps): Feed {
  const log = deps.logger.child({ module: 'feed' });
  let delivered = -1;
  let started = false;
  let poll: NodeJS.Timeout | undefined;
  /** The read under way, and whether another was asked for meanwhile (it may have missed a commit). */
  let reading: Promise<void> | undefined;
  let again = false;

  const deliver = ({ seq, event }: LoggedEvent) => {
    if (seq <= delivered) return;
    delivered = seq;
    try {
      deps.deliver({ ...event, seq });
    } catch (err) {
      log.error({ err, seq }, 'feed: delivery failed');
    }
  };

  /** Reads the log after what was delivered, in pages, until it is exhausted; one read at a time. */
  function fill(): Promise<void> {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      try {
        do {
          again = false;
          for (;;) {
            const page = await deps.log.eventsAfter(delivered, PAGE_SIZE);
            for (const logged of page) deliver(logged);
            if (page.length < PAGE_SIZE) break;
          }
        } while (again);
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  }

  const fillQuietly = () => {
    fill().catch((err) => log.debug({ err }, 'feed: event log not readable; next poll retries'));
  };

  async function tick() {
    try {
      const { latestSeq } = await deps.log.position();
      await fill();
      deps.onLag?.(Math.max(0, latestSeq - delivered));
    } catch (err) {
      log.debug({ err }, 'feed: event log not readable; next poll retries');
    }
  }

  return {
    async start() {
      if (started) return;
      started = true;
      delivered = Math.max(delivered, (await deps.log.position()).latestSeq);
      poll = setInterval(() => void tick(), deps.pollMs ?? FEED_POLL_MS);
      poll.unref();
    },
    notify(logged, afterSeq) {
      if (!started || logged.seq <= delivered) return;
      // The next one after what was delivered, and no read is due to deliver something first.
      if (afterSeq <= delivered && !reading) deliver(logged);
      else fillQuietly();
    },
    deliveredSeq: () => delivered,
    async reached(seq) {
      while (delivered < seq) {
        const before = delivered;
        await fill();
        if (delivered === before && delivered < seq) {
          // The log's end is past every event of this stream (another org's rows): nothing to wait for.
          return;
        }
      }
    },
    stop() {
      clearInterval(poll);
      poll = undefined;
    },
  };
}
