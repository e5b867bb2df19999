// A socket is disconnected once its token expires (never before), over real sockets; sockets whose
// tokens expire in the same second share one timer (bridge/gateway/expiry.ts), and a socket gone
// before its expiry leaves nothing behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExpirySchedule } from '../../../bridge/gateway/expiry.js';
import { connected, startGateway, waitFor, type Harness, type TestClient } from './support/harness.js';

/** Resolves with the reason once `client` is disconnected. */
const disconnected = (client: TestClient): Promise<string> => new Promise((resolve) => client.once('disconnect', (reason) => resolve(reason)));

describe('token expiry over real sockets', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startGateway();
  });
  afterEach(() => h.close());

  it('disconnects each socket once its token expires, and only that one', async () => {
    const soon = Date.now() + 300;
    const expiring = [0, 1, 2].map((i) => h.connect(h.issue({ userId: `00500000000000${i}AAA`, name: `Soon ${i}`, expiresAt: soon + i * 50 })));
    const lasting = h.connect(h.issue({ userId: '005000000000009AAA', name: 'Later', expiresAt: Date.now() + 60_000 }));
    await Promise.all([...expiring, lasting].map((c) => connected(c)));
    const gone = expiring.map(disconnected);

    const reasons = await Promise.all(gone);

    expect(reasons, 'the server closed each expiring socket').toEqual(['io server disconnect', 'io server disconnect', 'io server disconnect']);
    expect(Date.now(), 'not before the token expired').toBeGreaterThanOrEqual(soon + 100);
    expect(lasting.connected, 'the socket with a lasting token stays').toBe(true);
    await waitFor(() => h.gateway.socketCount() === 1, 'one socket left', { timeoutMs: 2_000 });
    const lines = h.logs.filter((l) => l.msg === 'token expired, disconnecting').map((l) => l.userId);
    expect(lines.sort(), 'one log line per expired socket').toEqual(['005000000000000AAA', '005000000000001AAA', '005000000000002AAA']);
  });
});

describe('createExpirySchedule', () => {
  it('calls back each item once, none that was deleted, and goes on after a throwing callback', async () => {
    const expired: string[] = [];
    const schedule = createExpirySchedule<string>((item) => {
      expired.push(item);
      if (item === 'b') throw new Error('callback failed');
    }, Date.now);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const at = Date.now() + 100;
      for (const item of ['a', 'b', 'c', 'd']) schedule.add(item, at);
      schedule.delete('d', at);
      schedule.delete('never-added', at); // a no-op

      await waitFor(() => expired.length >= 3, 'three items expired', { timeoutMs: 3_000 });
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect(expired.sort(), 'a, b and c once each; d was deleted').toEqual(['a', 'b', 'c']);
      expect(uncaught.map((e) => (e as Error).message), 'the callback error is not swallowed').toEqual(['callback failed']);
    } finally {
      process.off('uncaughtException', onUncaught);
      schedule.clear();
    }
  });
});
