/**
 * Entry of the child process ./build-process.ts forks for a preview build: the only place that
 * loads ./build.ts and with it rollup and the LWC compiler. It takes one {@link BuildRequest},
 * relays rollup's warnings, answers with the manifest or the compiler's message, and exits, which
 * gives the build's memory back to the OS.
 */
import type { BuildReply, BuildRequest } from './build-process.js';

function send(reply: BuildReply, sent?: (err: Error | null) => void): void {
  process.send!(reply, undefined, {}, sent);
}

async function build({ paths, key }: BuildRequest): Promise<BuildReply> {
  try {
    // Loaded here rather than imported at the top, so a missing dev dependency is a message to the
    // bridge (and the page), not a crash with a stack trace.
    const { buildPreviewBundle } = await import('./build.js').catch((cause: unknown) => {
      throw new Error('the preview needs the dev dependencies (rollup, lwc, lightning-base-components): run `npm install`', { cause });
    });
    const manifest = await buildPreviewBundle(paths, key, (warning) => send({ type: 'warning', warning: { code: warning.code, message: warning.message } }));
    return { type: 'built', manifest };
  } catch (err) {
    return { type: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}

// The bridge went away (killed, crashed) mid-build: no one is waiting for the bundle.
process.once('disconnect', () => process.exit(1));
process.once('message', async (request: BuildRequest) => {
  send(await build(request), (err) => process.exit(err ? 1 : 0));
});
