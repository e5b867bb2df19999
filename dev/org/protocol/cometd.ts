/**
 * The dev org's Streaming API endpoint, `/cometd/<version>`: faye's own Bayeux server
 * (NodeAdapter) with the dev org's engine and two server extensions that make it answer like
 * Salesforce — the incoming one applies {@link BayeuxPolicy}; the outgoing one adds what Salesforce
 * adds to replies (`ext.replay`, `ext['payload.format']`, `ext.sfdc.failureReason`, long-polling
 * only), rewrites faye's own `Unknown client` error to Salesforce's, sets the advice of each
 * error, and records what subscribers did. Replay ("Message Durability") happens in the engine's
 * backlog hook, so replayed events reach the subscribing client alone, before live ones.
 */
import type { BayeuxMessage, ServerExtension } from 'faye';
import { createRequire } from 'node:module';
import type { IncomingMessage, Server } from 'node:http';
import type { Logger } from 'pino';
import { DEFAULT_CHAT_EVENT_CHANNEL } from '../../../bridge/events/contract.js';
import { BAYEUX_ERROR, adviceFor } from './bayeux-errors.js';
import { BayeuxEngine } from './bayeux-engine.js';
import { BayeuxPolicy, LONG_POLLING, requestedReplayIds, subscribedChannels } from './bayeux-policy.js';
import { toEventData, type StoredChatEvent } from '../data/chat-event.js';
import type { EventLog } from './event-log.js';
import type { FaultSwitches } from './fault-switches.js';
import type { SessionStore } from './sessions.js';

// faye is CommonJS and names its exports on an object Node's ESM loader cannot see through.
const { NodeAdapter } = createRequire(import.meta.url)('faye') as typeof import('faye');

/** Where the endpoint is mounted; `/cometd/<version>` and anything below it are served. */
export const COMETD_MOUNT = '/cometd';

/** Whether an HTTP request path belongs to the CometD endpoint. */
export function isCometdPath(pathname: string): boolean {
  return pathname === COMETD_MOUNT || pathname.startsWith(`${COMETD_MOUNT}/`) || pathname.startsWith(`${COMETD_MOUNT}.`);
}

/** One /meta/subscribe as the dev org answered it. */
export interface SubscribeAttempt {
  clientId: string;
  channel: string;
  /** `ext.replay[channel]` if it was a number. */
  replayId: number | undefined;
  successful: boolean;
  error?: string;
}

/** What subscribers did, for assertions. */
export interface Observations {
  /** Successful handshakes so far. */
  readonly handshakes: number;
  /** Every subscribe answered so far, oldest first (one entry per channel). */
  readonly subscribes: SubscribeAttempt[];
  /** Clients subscribed to `channel` right now. */
  activeSubscriptions(channel: string): number;
}

/** Options of {@link createCometdEndpoint}. */
export interface CometdOptions {
  /** Served API version, for error texts (`62.0`). */
  apiVersion: string;
  /** How long a /meta/connect is held, and the advised `timeout`, ms. */
  advisedTimeoutMs: number;
  /** A client silent this long after its last /meta/connect ended is forgotten, ms. */
  clientExpiryMs: number;
  sessions: SessionStore;
  log: EventLog<StoredChatEvent>;
  switches: FaultSwitches;
  logger: Logger;
}

/** The CometD endpoint of one dev org. */
export interface CometdEndpoint {
  /** Serves `/cometd/…` on the server (call before installing anything that wraps its listeners). */
  attach(server: Server): void;
  /** Delivers a published event to its live subscribers. */
  deliver(event: StoredChatEvent): void;
  /** Delivers an arbitrary `data` on the chat event channel (not retained). */
  deliverRaw(data: unknown): void;
  /** Forgets every client now. */
  forgetClients(): void;
  readonly observed: Observations;
  /** Answers held long-polls and forgets every client. */
  close(): void;
}

const CHANNEL = DEFAULT_CHAT_EVENT_CHANNEL;
/** faye's own error for an unknown client id: `401:<clientId>:Unknown client`. */
const FAYE_UNKNOWN_CLIENT = /^401:[^:]*:Unknown client$/;

/** Builds the endpoint; nothing is served until {@link CometdEndpoint.attach}. */
export function createCometdEndpoint(o: CometdOptions): CometdEndpoint {
  const logger = o.logger.child({ module: 'cometd' });
  /** Replay id each client asked for, per channel, between its subscribe and the reply. */
  const requestedReplay = new Map<string, unknown>();
  const replayKey = (clientId: unknown, channel: string) => `${String(clientId)}\n${channel}`;

  const policy = new BayeuxPolicy({
    apiVersion: o.apiVersion,
    sessions: o.sessions,
    switches: o.switches,
    channels: new Set([CHANNEL]),
    isValidReplayFrom: (replayId) => o.log.isValidReplayFrom(replayId),
  });

  const engine = new BayeuxEngine({
    clientExpiryMs: o.clientExpiryMs,
    maxHoldMs: o.advisedTimeoutMs,
    backlog(clientId, channel) {
      const replayFrom = requestedReplay.get(replayKey(clientId, channel));
      if (channel !== CHANNEL || typeof replayFrom !== 'number' || !o.log.isValidReplayFrom(replayFrom)) return [];
      return o.log.replay(replayFrom).map((event) => ({ channel, data: toEventData(event) }));
    },
  });

  let handshakes = 0;
  const subscribes: SubscribeAttempt[] = [];

  const incoming: ServerExtension['incoming'] = (message, request, callback) => {
    if (request === null) return callback(message);
    if (message.channel === '/meta/subscribe') {
      const replayIds = requestedReplayIds(message);
      for (const channel of subscribedChannels(message)) {
        requestedReplay.set(replayKey(message.clientId, channel), replayIds.get(channel));
      }
    }
    const verdict = policy.judge(message, request);
    if (verdict.kind === 'stall') {
      logger.debug({ clientId: message.clientId }, 'connect held unanswered (stallConnects)');
      return;
    }
    if (verdict.kind === 'refuse') message.error = verdict.error;
    callback(message);
  };

  const outgoing: ServerExtension['outgoing'] = (reply, request, callback) => {
    if (!reply.channel.startsWith('/meta/')) return callback(reply);
    if (reply.error && FAYE_UNKNOWN_CLIENT.test(reply.error)) reply.error = BAYEUX_ERROR.unknownClient;
    const advice = reply.error ? adviceFor(reply.error) : undefined;
    if (advice) reply.advice = advice;
    if (reply.channel === '/meta/handshake') decorateHandshake(reply, request);
    if (reply.channel === '/meta/subscribe') recordSubscribe(reply);
    if (reply.error) logger.debug({ channel: reply.channel, error: reply.error }, 'bayeux request refused');
    callback(reply);
  };

  function decorateHandshake(reply: BayeuxMessage, request: IncomingMessage | null): void {
    const ext: Record<string, unknown> = { replay: true, 'payload.format': true };
    if (reply.error === BAYEUX_ERROR.handshakeDenied && request) {
      const failureReason =
        policy.authProblem(request) === 'missing' ? BAYEUX_ERROR.authenticationRequired : BAYEUX_ERROR.authenticationInvalid;
      ext.sfdc = { failureReason };
    }
    reply.ext = ext;
    if (reply.successful) {
      reply.supportedConnectionTypes = [LONG_POLLING];
      reply.minimumVersion = '1.0';
      if (request) handshakes += 1;
      logger.debug({ clientId: reply.clientId }, 'client handshaken');
    }
  }

  function recordSubscribe(reply: BayeuxMessage): void {
    for (const channel of subscribedChannels(reply)) {
      const key = replayKey(reply.clientId, channel);
      const replayId = requestedReplay.get(key);
      requestedReplay.delete(key);
      const attempt: SubscribeAttempt = {
        clientId: String(reply.clientId),
        channel,
        replayId: typeof replayId === 'number' ? replayId : undefined,
        successful: reply.successful === true,
        ...(reply.error ? { error: reply.error } : {}),
      };
      subscribes.push(attempt);
      logger.info(attempt, 'subscribe answered');
    }
  }

  const adapter = new NodeAdapter({
    mount: COMETD_MOUNT,
    timeout: o.advisedTimeoutMs / 1000,
    engine: { type: engine.type },
  });
  adapter.addExtension({ incoming, outgoing });

  return {
    attach: (server) => adapter.attach(server),
    deliver(event) {
      engine.broadcast({ channel: CHANNEL, data: toEventData(event) });
    },
    deliverRaw(data) {
      engine.broadcast({ channel: CHANNEL, data });
    },
    forgetClients() {
      engine.forgetAll();
    },
    observed: {
      get handshakes() {
        return handshakes;
      },
      subscribes,
      activeSubscriptions: (channel) => engine.subscriberCount(channel),
    },
    close() {
      adapter.close();
    },
  };
}
