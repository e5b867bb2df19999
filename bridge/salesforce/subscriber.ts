/**
 * The one CometD subscription to the chat event channel (jsforce's streaming client, i.e. faye,
 * long-polling `<instance>/cometd/<version>`), kept alive across every failure the Streaming API
 * documents ("Handling Streaming API Errors", "Clients and Timeouts", "Message Durability"):
 *
 * | what the server says                              | what the subscriber does                     |
 * |---------------------------------------------------|----------------------------------------------|
 * | `401::Authentication invalid`, `403::Handshake denied` (401 reason) | log in again, new client, resubscribe |
 * | `403::Unknown client`                             | new client (handshake), resubscribe          |
 * | `400::The replayId {N} you provided was invalid…` | resubscribe with -2, skip seen EventUuids, `bridge:resync` |
 * | no `/meta/connect` answer within advised timeout + margin | watchdog: new client, resubscribe    |
 * | limits, `503::Server is too busy`, refused TCP    | capped exponential back-off with jitter      |
 * | the store does not answer (a write fails)         | retire the client, back-off, resume when it answers |
 *
 * Every message goes through one queue, strictly in order: it is logged in the store (with the
 * replay position it advances, in one commit; the events of one long-poll answer in one commit
 * together) and only then handed to {@link SubscriberOptions.onEvent}.
 * When a write fails, the client is retired and every message still queued from it is dropped
 * uncommitted: they wait in Salesforce and come again after the resubscribe, which asks for the
 * last *committed* replay id, read from the store, keyed by exactly the subscribed channel. An event
 * committed whose acknowledgement was lost (the database went away mid-commit) is found in the log
 * when the store is back and forwarded then. A failed client is retired before the next is built,
 * and messages from a retired client are ignored, so there is exactly one live subscription per
 * process.
 *
 * In a cluster (bridge/cluster/) a subscriber is started for one leadership term: its writes carry
 * the term, and the first one refused as stale ({@link FencedWriteError}: another node leads now)
 * stops it for good, before anything is forwarded — the next leader's subscriber resumes from the
 * committed replay id.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BayeuxMessage, Client, Extension } from 'faye';
import type { Logger } from 'pino';
import { DeadlineError, withDeadline } from '../deadline.js';
import { type ResyncReason, type UpstreamState } from '../events/contract.js';
import { eventIdentity, toChatEvent } from '../events/mapping.js';
import type { BridgeMetrics } from '../http/metrics.js';
import { FencedWriteError, type EventStore, type Incident, type LogEntry, type LoggedEvent, type StreamKey } from '../store/event-store.js';
import type { LegacyReplayPosition } from '../store/legacy-replay-file.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { LoginError, type SalesforceSession } from './login.js';

/** Replay id meaning "only events published after the subscribe". */
export const REPLAY_NEW = -1;
/** Replay id meaning "every event still retained (72 h)". */
export const REPLAY_ALL_RETAINED = -2;

/** The Streaming API's advised `/meta/connect` timeout until the server advises otherwise, ms. */
const DEFAULT_ADVISED_TIMEOUT_MS = 110_000;

/** Longest a login may take before it counts as failed and is retried, ms (jsforce sets no timeout). */
const DEFAULT_LOGIN_DEADLINE_MS = 30_000;
/** Most events one statement logs (a long-poll answer carries far fewer; a replay after an outage may carry more). */
const MAX_EVENTS_PER_COMMIT = 500;

/** What the subscriber needs; every part is passed in (no globals). */
export interface SubscriberOptions {
  /** Channel, e.g. `/event/Chat_Event__e`. */
  channel: string;
  /** Logs in (again); called at start and after `401::Authentication invalid`. */
  login: () => Promise<SalesforceSession>;
  /** The event log and replay position; the caller opens and closes it. */
  store: EventStore;
  /** A replay position from an old `replay.json`, imported at the first login if the org has none. */
  legacyReplay?: LegacyReplayPosition;
  /**
   * Receives every valid event once, in order, after its commit to the log; returns how many sockets
   * it reached (recorded in the log). Exceptions are logged; the event stays processed.
   * `afterSeq` is the `seq` forwarded before it (the log's end when this subscriber started): a
   * node that delivered up to `afterSeq` missed nothing in between.
   */
  onEvent: (logged: LoggedEvent, afterSeq: number) => number;
  /**
   * Cluster only: the leadership term every write carries (see {@link EventStore.logEvent}).
   * Undefined: one bridge, writes not fenced.
   */
  term?: number;
  /** Called once when a write was refused for a stale {@link term}; the subscriber has stopped itself. */
  onFenced?: (err: FencedWriteError) => void;
  /** Continuity could not be guaranteed (the stored replay id had expired). */
  onResync: (reason: ResyncReason) => void;
  /** Upstream state changed (the app shows it: `sfcb_upstream_state`, `bridge:status`). */
  onStateChange: (state: UpstreamState) => void;
  logger: Logger;
  metrics: BridgeMetrics;
  /** Back-off bounds for limits and outages; default 1 s … 5 min. */
  backoff?: BackoffPolicy;
  /** Extra time beyond the advised timeout before the watchdog rebuilds the client, ms; default 15 s. */
  watchdogMarginMs?: number;
  /** Longest one login may take before it counts as failed (`reason="timeout"`) and is retried, ms; default 30 s. */
  loginDeadlineMs?: number;
  random?: () => number;
}

/** Handle on the running subscription. */
export interface Subscriber {
  /** Logs in and subscribes; failures are retried in the background (never rejects). */
  start(): void;
  /** Disconnects from CometD and waits for the event being committed, if any. */
  stop(): Promise<void>;
  state(): UpstreamState;
  /** Last committed replay id of the org logged in to, or undefined before the first. */
  lastReplayId(): number | undefined;
  /** The current session, once logged in (org id for token checks). */
  session(): SalesforceSession | undefined;
  /** Resolves with the session once the first login has succeeded (never rejects). */
  loggedIn(): Promise<SalesforceSession>;
  /**
   * Highest `seq` handed to {@link SubscriberOptions.onEvent} (the log's end at the first subscribe
   * before any), or undefined before the first subscribe. Events of one commit are handed over one
   * per event-loop turn, so the log's end may be ahead of it: a catch-up reads no further than this,
   * and the rest reaches the socket live.
   */
  forwardedThrough(): number | undefined;
}

/** What to do about a failure. */
interface Recovery {
  /** Short name for logs and the reconnect metric. */
  cause: string;
  /** Log in again before the next client (the session is no longer valid). */
  reauth?: boolean;
  /** Subscribe with -2 next time (the stored replay id expired). */
  replayAll?: boolean;
  /** First retry without delay (the fault is cured by the retry itself: new token, new client id). */
  immediate?: boolean;
}

/** One faye client and what the subscriber knows about it. */
interface Attempt {
  client: Client;
  /** When the server last answered anything, ms since the epoch. */
  lastAnswerAt: number;
  advisedTimeoutMs: number;
  subscribed: boolean;
}

// Error strings from "Streaming API Error Codes" / "Handling Streaming API Errors".
const INVALID_REPLAY_ID = /^400::The replayId \{?-?\d+\}? you provided was invalid/;
const AUTH_INVALID = /^401::/;
const UNKNOWN_CLIENT = /^403::Unknown client/;

/**
 * Creates the subscriber; nothing happens until {@link Subscriber.start}.
 */
export function createSubscriber(options: SubscriberOptions): Subscriber {
  const { channel, store, logger, metrics } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const margin = options.watchdogMarginMs ?? 15_000;
  let legacyReplay = options.legacyReplay;
  /** Last replay id committed for the org logged in to; read from the store at every connect. */
  let committed: number | undefined;
  /** Highest seq handed to onEvent by this process; undefined until the first connect. */
  let forwardedSeq: number | undefined;
  /** Since when the store has not answered (ms since the epoch), and its last error. */
  let storeDown: { since: number; error: string } | undefined;
  /** Every store step runs here, one after the other, in arrival order. */
  let queue: Promise<void> = Promise.resolve();
  /** Messages received and not yet taken by a drain job of the queue, in arrival order. */
  const inbox: Array<{ attempt: Attempt; data: unknown; receivedAt: Date }> = [];
  /** Whether a drain of the inbox is queued and has not started yet. */
  let drainQueued = false;
  /** Forwarded events whose forwarding is not recorded yet, and whether a write of them is running. */
  const forwarded: Array<{ seq: number; socketsReached: number }> = [];
  let recordingForwarded = false;
  /** Runs `job` after every job queued before it; settles as `job` does (the queue itself never rejects). */
  const enqueue = (job: () => Promise<void>): Promise<void> => {
    const run = queue.then(job);
    queue = run.catch(() => undefined);
    return run;
  };

  let stopped = false;
  let current: Attempt | undefined;
  let session: SalesforceSession | undefined;
  let state: UpstreamState = 'reconnecting';
  let failures = 0;
  let reauth = false;
  let replayAll = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  let announceLogin: (s: SalesforceSession) => void;
  const firstLogin = new Promise<SalesforceSession>((resolve) => (announceLogin = resolve));

  const setState = (next: UpstreamState) => {
    if (next === state) return;
    state = next;
    logger.info({ upstream: next }, 'upstream: state changed');
    options.onStateChange(next);
  };

  const replayFrom = () => (replayAll ? REPLAY_ALL_RETAINED : (committed ?? REPLAY_NEW));

  /** Records an incident in the background; a store that does not answer just misses it (logged). */
  const incident = (entry: Incident) => {
    store.logIncident(entry).catch((err) => logger.debug({ err, incident: entry }, 'store: incident not recorded'));
  };

  async function connect(): Promise<void> {
    retryTimer = undefined;
    if (stopped) return;
    if (!session || reauth) {
      try {
        session = await withDeadline(options.login(), options.loginDeadlineMs ?? DEFAULT_LOGIN_DEADLINE_MS, 'Salesforce login');
        reauth = false;
        announceLogin(session);
        logger.info({ instanceUrl: session.instanceUrl, orgId: session.orgId }, 'upstream: logged in');
      } catch (err) {
        const reason = loginFailureReason(err);
        metrics.upstreamLoginFailures.inc({ reason });
        logger.error({ err }, 'upstream: login failed');
        incident({ kind: 'login-failed', cause: reason, detail: describe(err) });
        scheduleRetry({ cause: 'login', reauth: true });
        return;
      }
      if (stopped) return;
    }
    const key: StreamKey = { orgId: session.orgId, channel };
    const resumed = await enqueue(() => resume(key)).then(
      () => true,
      (err) => {
        if (err instanceof FencedWriteError) return err;
        storeDown ??= { since: Date.now(), error: describe(err) };
        logger.warn({ err }, 'store: not answering; intake stays paused (the events wait in Salesforce)');
        return false;
      },
    );
    if (stopped) return;
    if (resumed instanceof FencedWriteError) {
      logger.warn({ term: resumed.term }, 'upstream: another node leads the cluster now; not subscribing');
      halt();
      options.onFenced?.(resumed);
      return;
    }
    if (!resumed) {
      scheduleRetry({ cause: 'store' });
      return;
    }
    const attempt: Attempt = {
      client: undefined as unknown as Client,
      lastAnswerAt: Date.now(),
      advisedTimeoutMs: DEFAULT_ADVISED_TIMEOUT_MS,
      subscribed: false,
    };
    // jsforce sets `Authorization: OAuth <token>` once, here: a new token needs a new client.
    attempt.client = session.connection.streaming.createClient([replayExtension(), monitor(attempt)]);
    attempt.client.on('transport:down', () => fail(attempt, { cause: 'transport-down' }));
    current = attempt;
    const from = replayFrom();
    logger.info({ channel, replayId: from }, 'upstream: subscribing');
    const subscription = attempt.client.subscribe(channel, (data: unknown) => {
      if (current === attempt) receive(attempt, key, data);
    });
    // A refused subscribe is handled by the monitor extension, which sees the error text.
    subscription.then(
      () => subscribed(attempt, from),
      () => undefined,
    );
  }

  /** Outgoing: every `/meta/subscribe` carries the replay id keyed by exactly the channel. */
  function replayExtension(): Extension {
    return {
      outgoing(message, callback) {
        if (message.channel === '/meta/subscribe' && message.subscription === channel) {
          const replay = { ...((message.ext?.replay as object) ?? {}), [channel]: replayFrom() };
          message.ext = { ...message.ext, replay };
        }
        callback(message);
      },
    };
  }

  /** Incoming: watches every answer; turns the documented errors into a recovery of our own. */
  function monitor(attempt: Attempt): Extension {
    return {
      incoming(message, callback) {
        if (current === attempt) {
          attempt.lastAnswerAt = Date.now();
          if (typeof message.advice?.timeout === 'number') attempt.advisedTimeoutMs = message.advice.timeout;
          if (message.channel === '/meta/connect' && message.successful && attempt.subscribed) failures = 0;
          if (message.channel.startsWith('/meta/') && message.successful === false) {
            const recovery = classify(message);
            // Keep faye from acting on its own (a `retry` advice with interval 0 is a hot loop; a
            // `none` advice is a silent stop): this subscriber decides.
            message.advice = { ...message.advice, reconnect: 'none' };
            fail(attempt, recovery, message.error);
          }
        }
        callback(message);
      },
    };
  }

  function classify(message: BayeuxMessage): Recovery {
    const error = String(message.error ?? '');
    const sfdc = message.ext?.sfdc as { failureReason?: string } | undefined;
    if (message.channel === '/meta/subscribe' && INVALID_REPLAY_ID.test(error)) {
      return { cause: 'replay-id-invalid', replayAll: true, immediate: true };
    }
    if (AUTH_INVALID.test(error) || AUTH_INVALID.test(sfdc?.failureReason ?? '')) {
      return { cause: 'auth', reauth: true, immediate: true };
    }
    if (UNKNOWN_CLIENT.test(error)) return { cause: 'unknown-client', immediate: true };
    return { cause: 'server-error' };
  }

  function subscribed(attempt: Attempt, from: number) {
    if (current !== attempt) return;
    attempt.subscribed = true;
    logger.info({ channel, replayId: from }, 'upstream: subscribed');
    setState('connected');
    if (replayAll) {
      replayAll = false;
      incident({ kind: 'resync', cause: 'replay-id-expired' });
      options.onResync('replay-id-expired');
    }
  }

  /**
   * Before (re)subscribing, on the queue: where to resume from (the committed position; an old
   * `replay.json` imported if the org has none), and forwarding what was committed but never
   * forwarded (a commit whose answer was lost when the store went away).
   */
  async function resume(key: StreamKey) {
    // A subscription is a write of sorts (Salesforce delivers to it): a node whose term is over
    // (paused past its lease, then resumed) must not open one.
    if (options.term !== undefined && (await store.leadershipTerm()) !== options.term) throw new FencedWriteError(options.term);
    let position = await store.replayPosition(key);
    if (legacyReplay) {
      if (position === undefined) {
        position = await store.seedReplayPosition(key, legacyReplay.replayId);
        logger.info({ path: legacyReplay.path, replayId: position }, 'store: replay position imported from the old replay file');
      }
      await legacyReplay.retire();
      legacyReplay = undefined;
    }
    committed = position;
    if (forwardedSeq === undefined) {
      forwardedSeq = (await store.logPosition()).latestSeq;
    } else {
      const unforwarded = () => store.eventsAfter(forwardedSeq!, { stream: key });
      for (let page = await unforwarded(); page.length > 0; page = await unforwarded()) {
        logger.info({ events: page.length, afterSeq: forwardedSeq }, 'store: forwarding events committed before the store went away');
        for (const logged of page) forward(logged);
      }
    }
    if (storeDown) {
      logger.info({ downMs: Date.now() - storeDown.since }, 'store: answering again; resuming intake');
      incident({ kind: 'store-down', cause: 'unreachable', detail: `${storeDown.error} (for ${Date.now() - storeDown.since} ms)` });
      storeDown = undefined;
    }
  }

  /**
   * A message from the live client: into the inbox, then committed and forwarded in arrival order.
   * faye hands over the messages of one long-poll answer one by one in the same tick; whatever
   * waits in the inbox when the queue gets to it (that answer, and any that came during the commit
   * before) is committed by ONE statement: a burst costs a commit per answer, not per event.
   */
  function receive(attempt: Attempt, key: StreamKey, data: unknown) {
    inbox.push({ attempt, data, receivedAt: new Date() });
    if (drainQueued) return; // the queued drain takes this message too
    drainQueued = true;
    void enqueue(async () => {
      drainQueued = false;
      // Messages of a retired client are dropped: they come again after the resubscribe.
      const batch = inbox.splice(0, inbox.length).filter((message) => message.attempt === current);
      if (batch.length === 0) return;
      try {
        await intake(key, batch);
      } catch (err) {
        storeFailed(batch[0]!.attempt, err);
      }
    });
  }

  /** Commits then forwards `batch` in order: runs of valid events in one statement each, a rejected message on its own. */
  async function intake(key: StreamKey, batch: ReadonlyArray<{ data: unknown; receivedAt: Date }>) {
    let run: LogEntry[] = [];
    for (const { data, receivedAt } of batch) {
      const identity = eventIdentity(data);
      const mapped = toChatEvent(data, identity);
      if (mapped.ok) {
        run.push({ event: mapped.event, receivedAt, provenance: mapped.provenance });
        if (run.length === MAX_EVENTS_PER_COMMIT) {
          await commitRun(key, run);
          run = [];
        }
        continue;
      }
      await commitRun(key, run);
      run = [];
      const logged = await store.logRejected(key, { identity, reason: mapped.reason, detail: mapped.detail, message: data }, receivedAt, options.term);
      if (identity && logged) committed = identity.replayId;
      metrics.eventsRejected.inc({ reason: logged ? mapped.reason : 'duplicate' });
      logger.warn({ reason: mapped.reason, detail: mapped.detail, ...identity, data: identity ? undefined : preview(data) }, 'event: not forwarded');
    }
    await commitRun(key, run);
  }

  /** Logs a run of valid events in one commit, then forwards those that were new. */
  async function commitRun(key: StreamKey, run: ReadonlyArray<LogEntry>): Promise<void> {
    if (run.length === 0) return;
    const seqs = await store.logEvents(key, run, options.term);
    const logged: LoggedEvent[] = [];
    run.forEach(({ event }, i) => {
      const seq = seqs[i];
      if (seq === undefined) {
        metrics.eventsRejected.inc({ reason: 'duplicate' });
        logger.debug({ replayId: event.replayId, eventUuid: event.eventUuid }, 'upstream: already processed; skipped');
        return;
      }
      committed = event.replayId;
      logged.push({ seq, event });
    });
    for (const [i, each] of logged.entries()) {
      // One event per turn of the event loop, as when each had its own commit: a run of hundreds
      // broadcast in one synchronous stretch would starve faye's long-poll (the org forgets a
      // client that sends no /meta/connect for 40 s) and the sockets' pings.
      if (i > 0) await nextTurn();
      forward(each);
    }
  }

  /** Hands a committed event to the sockets, then records in the background when and to how many. */
  function forward(logged: LoggedEvent) {
    const afterSeq = forwardedSeq!;
    forwardedSeq = logged.seq;
    let reached = 0;
    try {
      reached = options.onEvent(logged, afterSeq);
    } catch (err) {
      logger.error({ err, seq: logged.seq, eventUuid: logged.event.eventUuid }, 'upstream: event handler failed');
    }
    forwarded.push({ seq: logged.seq, socketsReached: reached });
    void recordForwarded();
  }

  /**
   * Writes `forwarded_at` / `sockets_reached` of what was forwarded, off the intake path: one
   * statement at a time for everything forwarded meanwhile. A failure loses only this bookkeeping.
   */
  async function recordForwarded() {
    if (recordingForwarded) return;
    recordingForwarded = true;
    try {
      while (forwarded.length > 0) {
        const entries = forwarded.splice(0, forwarded.length);
        await store.markForwarded(entries, new Date()).catch((err) => logger.debug({ err, events: entries.length }, 'store: forwarding not recorded'));
      }
    } finally {
      recordingForwarded = false;
    }
  }

  function storeFailed(attempt: Attempt, err: unknown) {
    if (current !== attempt || stopped) return;
    if (err instanceof FencedWriteError) {
      logger.warn({ term: err.term }, 'upstream: another node leads the cluster now (write refused for a stale term); unsubscribing');
      halt();
      options.onFenced?.(err);
      return;
    }
    storeDown ??= { since: Date.now(), error: describe(err) };
    logger.error({ err }, 'store: write failed; pausing intake (the events wait in Salesforce)');
    fail(attempt, { cause: 'store' }, describe(err));
  }

  function fail(attempt: Attempt, recovery: Recovery, error?: string) {
    if (current !== attempt || stopped) return;
    logger.warn({ cause: recovery.cause, error }, 'upstream: subscription lost; rebuilding the client');
    metrics.upstreamReconnects.inc({ cause: recovery.cause });
    if (!storeDown) incident({ kind: 'subscription-lost', cause: recovery.cause, detail: error });
    current = undefined;
    retire(attempt.client);
    scheduleRetry(recovery);
  }

  function scheduleRetry(recovery: Recovery) {
    if (stopped) return;
    reauth ||= Boolean(recovery.reauth);
    replayAll ||= Boolean(recovery.replayAll);
    const delay = recovery.immediate && failures === 0 ? 0 : backoffDelay(failures, backoff, options.random);
    failures += 1;
    setState(failures > 2 || !recovery.immediate ? 'degraded' : 'reconnecting');
    logger.info({ delayMs: delay, attempt: failures }, 'upstream: reconnect scheduled');
    retryTimer = setTimeout(() => void connect(), delay);
  }

  function checkWatchdog() {
    const attempt = current;
    if (!attempt) return;
    const silentMs = Date.now() - attempt.lastAnswerAt;
    if (silentMs > attempt.advisedTimeoutMs + margin) {
      fail(attempt, { cause: 'watchdog', immediate: true }, `no answer for ${silentMs} ms`);
    }
  }

  /** Retires the client and every timer at once; nothing queued from it is processed afterwards. */
  function halt() {
    stopped = true;
    clearInterval(watchdog);
    clearTimeout(retryTimer);
    if (current) retire(current.client);
    current = undefined;
  }

  return {
    start() {
      if (watchdog || stopped) return;
      watchdog = setInterval(checkWatchdog, Math.max(100, Math.min(5_000, margin / 2)));
      watchdog.unref();
      void connect();
    },
    async stop() {
      halt();
      await queue; // the store is the caller's to close: let the last commit finish first
    },
    state: () => state,
    lastReplayId: () => committed,
    session: () => session,
    loggedIn: () => firstLogin,
    forwardedThrough: () => forwardedSeq,
  };
}

/** faye internals the retirement needs (jsforce itself reaches into `_dispatcher` the same way). */
interface FayeInternals {
  _advice: { reconnect: string };
  _dispatcher: { close(): void };
}

/**
 * Stops a faye client for good: no further handshake, connect or retry can leave it. faye's own
 * `disconnect()` does nothing unless the client is connected, and pending retries would otherwise
 * keep a stale client (and its subscription) alive next to the new one.
 */
function retire(client: Client) {
  const internals = client as unknown as FayeInternals;
  internals._advice.reconnect = 'none';
  try {
    client.disconnect();
  } catch {
    // a client that never connected has nothing to disconnect
  }
  // Let the /meta/disconnect leave, then drop the transport so no retry timer can send again.
  setImmediate(() => internals._dispatcher.close());
}

function loginFailureReason(err: unknown): string {
  if (err instanceof LoginError) return err.reason;
  return err instanceof DeadlineError ? 'timeout' : 'other';
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return [e?.code, e?.message].filter(Boolean).join(' ') || String(err);
}

function preview(data: unknown): string {
  try {
    return JSON.stringify(data)?.slice(0, 500) ?? String(data);
  } catch {
    return '[unserialisable]';
  }
}
