// A restarted bridge resubscribes from exactly the replay id its store committed, so nothing published while
// it was down is lost.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../bridge/events/contract.js';
import { startStack, type Stack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait-for.js';

let stack: Stack;
afterEach(() => stack.close());

describe('restart', () => {
  it('subscribes with the stored replay id and delivers what was published while down', async () => {
    stack = await startStack();
    await waitFor(() => stack.bridge.subscriber!.state() === 'connected', 'subscribed');
    expect(stack.devOrg.observed.subscribes.at(-1)).toMatchObject({ replayId: -1, successful: true });
    const w = await stack.connect();
    await stack.publish();
    await stack.publish();
    await waitFor(() => w.of('chat:event').length === 2, 'two events');
    const lastSeen = w.of<ChatEvent>('chat:event')[1].replayId;

    await stack.bridge.close();
    await stack.publish('USER_ENTERED');
    await stack.publish('MESSAGE_CREATED');
    await stack.restartBridge();
    await waitFor(() => stack.bridge.subscriber!.state() === 'connected', 'subscribed after restart');
    expect(stack.devOrg.observed.subscribes.at(-1)).toMatchObject({ replayId: lastSeen, successful: true });
    // the two events published while it was down are forwarded by the new process
    await waitFor(async () => {
      const metrics = await (await fetch(`${stack.url}/metrics`)).text();
      return metrics.includes('sfcb_events_forwarded_total{type="USER_ENTERED"} 1') &&
        metrics.includes('sfcb_events_forwarded_total{type="MESSAGE_CREATED"} 1');
    }, 'missed events forwarded');

    const after = await stack.connect();
    const live = await stack.publish('MESSAGE_UPDATED');
    await waitFor(() => after.of('chat:event').length === 1, 'live event after restart');
    expect(after.of<ChatEvent>('chat:event')[0].eventUuid).toBe(live);
    expect(stack.devOrg.observed.activeSubscriptions(stack.config.channel)).toBe(1);
  });
});
