// How the command-line tools find dev-mode bridges, with real processes in one working directory:
// a bridge killed with SIGKILL leaves nothing the tools would trip over, and two bridges side by side
// each keep their own session and replay position, the tools asking which one when both run.
import { describe, expect, it } from 'vitest';
import { PUBLISH_EVENT, WATCH, runCli, startDevBridge, startProcess, stop, tempCwd } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

/** `sfcb_events_forwarded_total` of one event type at a bridge. */
async function forwarded(bridgeUrl: string, type: string): Promise<number> {
  const text = await (await fetch(`${bridgeUrl}/metrics`)).text();
  return Number(new RegExp(`sfcb_events_forwarded_total\\{type="${type}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
}

/** The replay id a bridge subscribed with first, from its log. */
function firstSubscribeReplayId(output: string): unknown {
  const line = output.split('\n').find((l) => l.includes('"upstream: subscribing"'));
  return line === undefined ? undefined : (JSON.parse(line) as { replayId?: unknown }).replayId;
}

describe('dev sessions', () => {
  it('after kill -9 of the only dev-mode bridge, the tools say none is running (no ECONNREFUSED)', async () => {
    const bridge = await startDevBridge();
    await stop(bridge, 'SIGKILL');

    for (const [script, args] of [[PUBLISH_EVENT, ['--type', 'USER_ENTERED']], [WATCH, []]] as const) {
      const { code, output } = await runCli(script, [...args], bridge.cwd);
      expect(code, output).toBe(1);
      expect(output).toMatch(/No dev-mode bridge is running here .*start one with `npm start`/);
      expect(output).not.toMatch(/ECONNREFUSED|fetch failed/);
    }
  }, 60_000);

  it('two dev-mode bridges in one directory: own session and replay state each; the tools ask for --url', async () => {
    const cwd = tempCwd();
    const a = await startDevBridge(cwd);
    try {
      expect((await runCli(PUBLISH_EVENT, ['--type', 'USER_ENTERED'], cwd)).code, 'only A runs: no --url needed').toBe(0);
      await waitFor(async () => (await forwarded(a.url, 'USER_ENTERED')) === 1, 'A forwarded its event');

      const b = await startDevBridge(cwd);
      try {
        // B's dev org is new: a replay id A recorded for its own org means nothing there.
        expect(firstSubscribeReplayId(b.output()), 'B subscribes for new events only').toBe(-1);

        for (const [script, args] of [[PUBLISH_EVENT, ['--type', 'USER_ENTERED']], [WATCH, []]] as const) {
          const ambiguous = await runCli(script, [...args], cwd);
          expect(ambiguous.code, ambiguous.output).toBe(1);
          expect(ambiguous.output).toContain(a.url);
          expect(ambiguous.output).toContain(b.url);
          expect(ambiguous.output).toMatch(/pass --url/);
        }
        const watchB = startProcess(WATCH, { args: ['--url', b.url], cwd });
        await waitFor(() => watchB.output().includes('bridge:status'), 'watch --url B connected', { timeoutMs: 20_000 });

        const toB = await runCli(PUBLISH_EVENT, ['--type', 'USER_ENTERED', '--url', b.url], cwd);
        expect(toB.code, toB.output).toBe(0);
        await waitFor(async () => (await forwarded(b.url, 'USER_ENTERED')) === 1, 'B forwarded the event sent to it');
        await waitFor(() => watchB.output().includes('chat:event {"type":"USER_ENTERED"'), 'the watch of B saw it');
        await stop(watchB, 'SIGINT');
        expect(await forwarded(a.url, 'USER_ENTERED'), 'A got nothing of it').toBe(1);

        await stop(a, 'SIGKILL');
        const onlyB = await runCli(PUBLISH_EVENT, ['--type', 'USER_ENTERED'], cwd);
        expect(onlyB.code, `A was killed, B is the only one left: ${onlyB.output}`).toBe(0);
        await waitFor(async () => (await forwarded(b.url, 'USER_ENTERED')) === 2, 'B forwarded it');
      } finally {
        await stop(b);
      }
    } finally {
      await stop(a);
    }
  }, 120_000);
});
