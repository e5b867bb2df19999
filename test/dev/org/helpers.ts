/**
 * Helpers of the dev org tests: a raw Bayeux exchange over HTTP (to assert exact error strings and
 * advice), and a real jsforce streaming client with the Replay extension that records what it sees
 * (to assert what the production subscriber would receive).
 */
import type { BayeuxMessage, Extension } from 'faye';
import jsforce from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import { DEFAULT_CHAT_EVENT_CHANNEL } from '../../../bridge/events/contract.js';
import { startDevOrg, type DevOrg, type DevOrgOptions } from '../../../dev/org/index.js';
import { waitFor } from '../../helpers/wait-for.js';

export { waitFor };

export const CHANNEL = DEFAULT_CHAT_EVENT_CHANNEL;

/** Advised timeout used by the tests, ms: long-polls are held this long. */
export const TEST_TIMEOUT_MS = 1_500;

/** Starts a dev org on port 0 with test timings. */
export function startTestOrg(options: DevOrgOptions = {}): Promise<DevOrg> {
  return startDevOrg({ advisedTimeoutMs: TEST_TIMEOUT_MS, ...options });
}

/** Sends Bayeux messages in one HTTP POST, as faye's long-polling transport does. */
export async function bayeux(
  org: DevOrg,
  messages: Array<Record<string, unknown>>,
  options: { token?: string | null; scheme?: 'OAuth' | 'Bearer'; path?: string; signal?: AbortSignal } = {},
): Promise<BayeuxMessage[]> {
  const token = options.token === undefined ? org.issueAccessToken() : options.token;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `${options.scheme ?? 'OAuth'} ${token}`;
  const response = await fetch(`${org.url}${options.path ?? `/cometd/${org.apiVersion}`}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(messages),
    signal: options.signal,
  });
  if (response.status !== 200) throw new Error(`Bayeux POST answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as BayeuxMessage[];
}

/** A handshake message as faye sends it. */
export function handshakeMessage(): Record<string, unknown> {
  return { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' };
}

/** Handshakes and returns the client id. */
export async function handshake(org: DevOrg, token?: string): Promise<string> {
  const [reply] = await bayeux(org, [handshakeMessage()], { token });
  if (!reply?.successful || typeof reply.clientId !== 'string') throw new Error(`Handshake failed: ${JSON.stringify(reply)}`);
  return reply.clientId;
}

/** A subscribe message with a replay id (omit `replayId` to leave `ext.replay` out). */
export function subscribeMessage(clientId: string, replayId?: unknown, channel = CHANNEL): Record<string, unknown> {
  const ext = replayId === undefined ? {} : { ext: { replay: { [channel]: replayId } } };
  return { channel: '/meta/subscribe', clientId, subscription: channel, id: '2', ...ext };
}

/** A long-polling connect message. */
export function connectMessage(clientId: string): Record<string, unknown> {
  return { channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '3' };
}


/** The `data` of a delivered platform event. */
export interface DeliveredEvent {
  schema: string;
  payload: Record<string, unknown>;
  event: { EventUuid: string; replayId: number };
}

/** A jsforce streaming client subscribed to the chat event channel, recording what it receives. */
export interface RecordingSubscriber {
  /** Event `data` received, in order. */
  readonly events: DeliveredEvent[];
  /** Every /meta reply received, in order. */
  readonly meta: BayeuxMessage[];
  /** Settles when the subscribe is answered (rejects on a refused subscribe). */
  readonly subscribed: Promise<void>;
  /** Replies that carried `advice.reconnect: 'none'` (what jsforce's AuthFailure extension reports). */
  readonly authFailures: BayeuxMessage[];
  disconnect(): void;
}

/** Subscribes with jsforce (`Authorization: OAuth <token>`, Replay extension from `replayFrom`). */
export function subscribeWithJsforce(org: DevOrg, replayFrom: number, token = org.issueAccessToken()): RecordingSubscriber {
  const conn = new jsforce.Connection({ instanceUrl: org.url, accessToken: token, version: org.apiVersion });
  const events: DeliveredEvent[] = [];
  const meta: BayeuxMessage[] = [];
  const authFailures: BayeuxMessage[] = [];
  const recorder: Extension = {
    incoming(message, callback) {
      if (message.channel.startsWith('/meta/')) meta.push(message);
      callback(message);
    },
  };
  const client = conn.streaming.createClient([
    new StreamingExtension.AuthFailure((message: BayeuxMessage) => authFailures.push(message)),
    new StreamingExtension.Replay(CHANNEL, replayFrom),
    recorder,
  ]);
  const subscription = client.subscribe(CHANNEL, (data: DeliveredEvent) => events.push(data));
  const subscribed = new Promise<void>((resolve, reject) => {
    subscription.then(resolve, reject);
  });
  subscribed.catch(() => undefined);
  return { events, meta, authFailures, subscribed, disconnect: () => client.disconnect() };
}

/** Record_Id__c of the sentinel event {@link eventsDuring} publishes. */
const SENTINEL_RECORD_ID = 'sentinel';

/** Publishes a sentinel event and waits until `subscriber` has it: everything published before has arrived. */
async function settle(org: DevOrg, subscriber: RecordingSubscriber): Promise<number> {
  const { replayId } = await org.publishEvent({ Type__c: 'USER_LEFT', Record_Id__c: SENTINEL_RECORD_ID });
  await waitFor(() => subscriber.events.some((e) => e.event.replayId === replayId), 'the sentinel event', { timeoutMs: 5_000 });
  return subscriber.events.findIndex((e) => e.event.replayId === replayId);
}

/**
 * Runs `action` (which may throw or reject; the error is returned) between two sentinel events, so
 * that exactly the events published while it ran are caught: returns the payloads `subscriber`
 * received in between, in order.
 */
export async function eventsDuring(
  org: DevOrg,
  subscriber: RecordingSubscriber,
  action: () => unknown,
): Promise<{ payloads: Array<Record<string, unknown>>; error: unknown }> {
  await subscriber.subscribed;
  const start = await settle(org, subscriber);
  let error: unknown;
  try {
    await action();
  } catch (err) {
    error = err;
  }
  const end = await settle(org, subscriber);
  return { payloads: subscriber.events.slice(start + 1, end).map((e) => e.payload), error };
}
