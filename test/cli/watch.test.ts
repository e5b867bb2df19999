// `npm run watch` against a running dev-mode bridge: a command line it cannot use ends it with
// exit 2 and a reason, and a refusal that no restart of `npm start` explains ends it (exit 1)
// instead of being retried forever with fresh tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCH, runCli, startDevBridge, startProcess, stop, type RunningProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

let bridge: RunningProcess & { url: string };
beforeAll(async () => {
  bridge = await startDevBridge();
});
afterAll(async () => {
  if (bridge) await stop(bridge);
});

describe('watch', () => {
  it.each([
    ['a room that is not a Salesforce id', ['--rooms', 'notanid'], /--rooms notanid is not a Salesforce id/],
    ['one bad id among good ones', ['--rooms', 'a02000000000001,general'], /--rooms general is not a Salesforce id/],
    ['a flag without its value', ['--rooms'], /--rooms/],
  ])('refuses %s with exit 2 before connecting', async (_what, args, reason) => {
    const { code, output } = await runCli(WATCH, args, bridge.cwd);
    expect(code, output).toBe(2);
    expect(output).toMatch(reason);
    expect(output).not.toMatch(/connect_error|bridge:status/);
  });

  it('ends with exit 1 on a refusal a fresh token cannot change (an origin the bridge does not allow)', async () => {
    const { code, output } = await runCli(WATCH, ['--origin', 'https://evil.example'], bridge.cwd);
    expect(code, output).toBe(1);
    expect(output.match(/connect_error/g), output).toHaveLength(1);
  }, 20_000);

  it('hears the bridge with valid rooms', async () => {
    const watch = startProcess(WATCH, { args: ['--rooms', 'a02000000000001'], cwd: bridge.cwd });
    try {
      await waitFor(() => watch.output().includes('bridge:status'), 'watch connected', { timeoutMs: 20_000 });
      expect(watch.output(), 'the token names the room, in its 18-character form').toContain('"rooms":["a02000000000001AAA"]');
    } finally {
      await stop(watch, 'SIGINT');
    }
  });
});
