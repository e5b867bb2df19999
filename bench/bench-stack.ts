/**
 * The benchmark's own stack: the dev org and a bridge wired as `npm start` wires them
 * (dev/local-bridge.ts), with a long advised timeout as a real org has, so the numbers measure
 * fan-out and not test-speed CometD tuning. Kept apart from the tests' helpers: a benchmark must not
 * change when a test helper does.
 */
import type { ChatEvent } from '../bridge/events/contract.js';
import { connectSocket, startLocalBridge, type LocalBridge } from '../harness/local-bridge.js';

/** The Streaming API's own `/meta/connect` hold is 110 s; 20 s keeps a run short yet quiet. */
const ADVISED_TIMEOUT_MS = 20_000;

/** A subscribed bridge on the dev org, ready for sockets and events. */
export interface BenchStack {
  /**
   * Connects `count` sockets (distinct users); `onEvent` receives every `chat:event` each one gets.
   * Sockets connect one after another, as browsers arriving do.
   */
  connectSockets(count: number, onEvent: (event: ChatEvent) => void): Promise<void>;
  /** Publishes one `MESSAGE_CREATED` through the dev org's publish path; returns its EventUuid. */
  publish(): Promise<string>;
  close(): Promise<void>;
}

/** Starts the dev org and the bridge and resolves once the bridge is subscribed. */
export async function startBenchStack(): Promise<BenchStack> {
  const local: LocalBridge = await startLocalBridge({ devOrg: { advisedTimeoutMs: ADVISED_TIMEOUT_MS } });
  while (local.bridge.subscriber.state() !== 'connected') await new Promise((r) => setTimeout(r, 20));
  const sockets: Array<{ close(): void }> = [];
  return {
    async connectSockets(count, onEvent) {
      for (let i = 0; i < count; i++) {
        const token = await local.tokenFor({ userId: `005${String(i).padStart(12, '0')}AAA`, name: `User ${i}` });
        const socket = await connectSocket(local.url, token);
        socket.on('chat:event', onEvent);
        sockets.push(socket);
      }
    },
    async publish() {
      const { devOrg } = local;
      const result = await devOrg.publishEvent({
        Type__c: 'MESSAGE_CREATED',
        Record_Id__c: 'a00000000000001AAA',
        User_Id__c: devOrg.credentials.userId,
      });
      return result.eventUuid;
    },
    async close() {
      for (const socket of sockets) socket.close();
      await local.close();
    },
  };
}
