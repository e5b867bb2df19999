/**
 * What the dev org's Streaming API refuses, message by message, before faye handles a message:
 * a URL without a served API version, an invalid token (checked on every message, as Salesforce
 * re-validates authentication), connection types other than long-polling, subscribes to channels
 * that do not exist or without a valid replay id, publishes from clients, and the injected faults.
 * Pure decisions: the CometD layer applies them.
 */
import type { BayeuxMessage } from 'faye';
import type { IncomingMessage } from 'node:http';
import { isServedApiVersion } from './api-versions.js';
import {
  BAYEUX_ERROR,
  channelDoesNotExist,
  invalidConnectionType,
  invalidReplayId,
  publishForbidden,
  replayIdMissing,
  versionMissing,
  versionUnsupported,
} from './bayeux-errors.js';
import type { FaultSwitches } from './fault-switches.js';
import { accessTokenFromHeader, type SessionStore } from './sessions.js';

/** The only connection type Salesforce supports. */
export const LONG_POLLING = 'long-polling';

const META = {
  handshake: '/meta/handshake',
  connect: '/meta/connect',
  subscribe: '/meta/subscribe',
} as const;

/** What to do with an incoming message: pass it on, refuse it with an error, or never answer it. */
export type Verdict = { kind: 'pass' } | { kind: 'refuse'; error: string } | { kind: 'stall' };

/** What the policy needs to know about the org. */
export interface BayeuxPolicyOptions {
  /** Served API version, for error texts (`62.0`). */
  apiVersion: string;
  sessions: SessionStore;
  switches: FaultSwitches;
  /** Channels that exist (`/event/Chat_Event__e`). */
  channels: ReadonlySet<string>;
  /** Whether a subscribe may replay from this id (see EventLog). */
  isValidReplayFrom: (replayId: number) => boolean;
}

/** Why a request is not authenticated, or `undefined` when it is. */
export type AuthProblem = 'missing' | 'invalid';

/** Decides, for each incoming Bayeux message from the network, whether faye may handle it. */
export class BayeuxPolicy {
  readonly #o: BayeuxPolicyOptions;

  constructor(options: BayeuxPolicyOptions) {
    this.#o = options;
  }

  /** Judges one message of an HTTP request. Consumes a "busy" answer when that fault is on. */
  judge(message: BayeuxMessage, request: IncomingMessage): Verdict {
    const versionError = this.#checkVersion(request.url ?? '');
    if (versionError) return refuse(versionError);
    if (message.channel === META.connect && this.#o.switches.stallConnects) return { kind: 'stall' };
    if (this.#o.switches.takeBusy()) return refuse(BAYEUX_ERROR.busy);

    const auth = this.authProblem(request);
    if (auth && message.channel === META.handshake) return refuse(BAYEUX_ERROR.handshakeDenied);
    if (auth === 'missing') return refuse(BAYEUX_ERROR.authenticationRequired);
    if (auth === 'invalid') return refuse(BAYEUX_ERROR.authenticationInvalid);

    const limited = [META.handshake, META.connect, META.subscribe] as string[];
    if (this.#o.switches.dailyLimit && limited.includes(message.channel)) return refuse(BAYEUX_ERROR.dailyLimit);

    const error = this.#checkChannelRules(message);
    return error ? refuse(error) : { kind: 'pass' };
  }

  /** Whether the request carries a valid token (`Authorization: Bearer|OAuth <token>`). */
  authProblem(request: IncomingMessage): AuthProblem | undefined {
    const token = accessTokenFromHeader(request.headers.authorization);
    if (token === undefined) return 'missing';
    return this.#o.sessions.resolve(token) ? undefined : 'invalid';
  }

  #checkVersion(url: string): string | undefined {
    const pathname = new URL(url, 'http://dev-org.invalid').pathname;
    const version = pathname.split('/')[2];
    if (!version) return versionMissing(this.#o.apiVersion);
    return isServedApiVersion(version) ? undefined : versionUnsupported(this.#o.apiVersion);
  }

  #checkChannelRules(message: BayeuxMessage): string | undefined {
    switch (message.channel) {
      case META.handshake: {
        const types = Array.isArray(message.supportedConnectionTypes) ? (message.supportedConnectionTypes as unknown[]) : [];
        return types.includes(LONG_POLLING) ? undefined : invalidConnectionType(types.join(','));
      }
      case META.connect:
        return message.connectionType === LONG_POLLING ? undefined : invalidConnectionType(String(message.connectionType));
      case META.subscribe:
        return this.#checkSubscribe(message);
      default:
        return message.channel.startsWith('/meta/') ? undefined : publishForbidden(message.channel);
    }
  }

  #checkSubscribe(message: BayeuxMessage): string | undefined {
    const channels = subscribedChannels(message);
    if (channels.length === 0) return BAYEUX_ERROR.channelNotSpecified;
    for (const channel of channels) {
      if (channel === '') return BAYEUX_ERROR.channelNotSpecified;
      if (!channel.startsWith('/')) return BAYEUX_ERROR.channelWithoutSlash;
      if (!this.#o.channels.has(channel)) return channelDoesNotExist(channel);
      const replayId = requestedReplayIds(message).get(channel);
      if (replayId === undefined) return replayIdMissing(channel);
      if (typeof replayId !== 'number' || !this.#o.isValidReplayFrom(replayId)) return invalidReplayId(replayId);
    }
    return undefined;
  }
}

function refuse(error: string): Verdict {
  return { kind: 'refuse', error };
}

/** The channels a /meta/subscribe names (`subscription` is one channel or a list). */
export function subscribedChannels(message: BayeuxMessage): string[] {
  const { subscription } = message;
  if (subscription === undefined) return [];
  return (Array.isArray(subscription) ? subscription : [subscription]).map((c) => (typeof c === 'string' ? c : ''));
}

/** `ext.replay` of a /meta/subscribe: the requested replay id per channel, as sent (may be anything). */
export function requestedReplayIds(message: BayeuxMessage): Map<string, unknown> {
  const replay = message.ext?.replay;
  if (typeof replay !== 'object' || replay === null) return new Map();
  return new Map(Object.entries(replay));
}
