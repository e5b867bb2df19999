/**
 * The Bayeux error strings Salesforce's Streaming API answers, and the `advice` that goes with each
 * ("Streaming API Error Codes", "Handling Streaming API Errors"). Clients match on these strings,
 * so they live in one place and tests import them instead of repeating them.
 */

/** Advice of a Bayeux reply. */
export interface BayeuxAdvice {
  reconnect: 'retry' | 'handshake' | 'none';
  interval?: number;
  timeout?: number;
}

/** Fixed error strings. */
export const BAYEUX_ERROR = {
  /** Handshake refused; `ext.sfdc.failureReason` says why. */
  handshakeDenied: '403::Handshake denied',
  /** The token is invalid, expired or revoked. */
  authenticationInvalid: '401::Authentication invalid',
  /** No token was sent. */
  authenticationRequired: '401::Request requires authentication',
  /** The server forgot the client (timed out, or the `forgetClients` fault). */
  unknownClient: '403::Unknown client',
  dailyLimit: '403::Organization total events daily limit exceeded',
  busy: '503::Server is too busy',
  channelNotSpecified: '400::Channel name not specified',
  channelWithoutSlash: "400::Channel subscriptions must start with a leading '/'",
} as const;

/**
 * Wait a client is advised after a limit or overload error (`reconnect: 'retry'`), ms. Salesforce
 * does not document this advice; one second keeps a faye client from hammering the dev org while
 * still leaving back-off to the subscriber.
 */
export const OVERLOAD_RETRY_INTERVAL_MS = 1_000;

/** `400::API version in the URI is mandatory. URI format: '/cometd/62.0'`. */
export function versionMissing(apiVersion: string): string {
  return `400::API version in the URI is mandatory. URI format: '/cometd/${apiVersion}'`;
}

/** A version below 37.0 or not written like `62.0`. */
export function versionUnsupported(apiVersion: string): string {
  return `400::Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/${apiVersion}'`;
}

/** Anything but long-polling (WebSocket, callback-polling, …). */
export function invalidConnectionType(connectionType: string): string {
  return `400::Invalid connection type {${connectionType}}`;
}

/** Subscribe to a channel that does not exist. */
export function channelDoesNotExist(channel: string): string {
  return `400::The channel you requested to subscribe to does not exist {${channel}}`;
}

/** Subscribe with a replay id that is not `-1`, `-2` or a retained event's id. */
export function invalidReplayId(replayId: unknown): string {
  return `400::The replayId {${String(replayId)}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`;
}

/**
 * Subscribe without `ext.replay[<channel>]`. Salesforce would fall back to `-1`; the dev org refuses,
 * so a subscriber that forgets its replay id fails in tests instead of silently losing events.
 */
export function replayIdMissing(channel: string): string {
  return `400::The replayId for channel {${channel}} is missing. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`;
}

/** A client tried to publish over CometD (Salesforce publishes platform events; clients cannot). */
export function publishForbidden(channel: string): string {
  return `403::Publishing is not allowed {${channel}}`;
}

/** The advice sent with an error, or `undefined` to keep faye's own. */
export function adviceFor(error: string): BayeuxAdvice | undefined {
  if (error === BAYEUX_ERROR.handshakeDenied) return { reconnect: 'none' };
  if (error.startsWith('401::')) return { reconnect: 'none', interval: 0 };
  if (error === BAYEUX_ERROR.unknownClient) return { reconnect: 'handshake', interval: 0 };
  if (error === BAYEUX_ERROR.dailyLimit || error === BAYEUX_ERROR.busy) {
    return { reconnect: 'retry', interval: OVERLOAD_RETRY_INTERVAL_MS };
  }
  return undefined;
}
