// The process as an operator runs it: `npm start` with and without valid configuration, and SIGTERM.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { settle, waitFor } from '../helpers/wait-for.js';
import { PUBLISH_EVENT, SERVER, WATCH, startDevBridge, startProcess } from '../helpers/processes.js';

describe('server process', () => {
  it('refuses to start on bad configuration, naming every bad variable', async () => {
    const server = startProcess(SERVER, { env: { PORT: 'eighty', SF_USERNAME: 'bridge@acme.com', CHAT_TOKEN_SECRET: 'short' } });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/Invalid configuration/);
    expect(server.output()).toContain('PORT');
    expect(server.output()).toContain('CHAT_TOKEN_SECRET');
  });

  it('refuses to start in production without Salesforce credentials', async () => {
    const server = startProcess(SERVER, { env: { NODE_ENV: 'production' } });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/NODE_ENV=production needs Salesforce credentials/);
  });

  it('refuses to start when PORT is in use: one message, no stack trace', async () => {
    // The bridge listens on every interface (no host); a loopback listener is enough to collide.
    const blocker = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    try {
      const server = startProcess(SERVER, { env: { PORT: String(port) } });
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain(`sf-chat-bridge: Invalid configuration:\n  - PORT: cannot listen on ${port} (already in use by another process)\n`);
      expect(server.output()).not.toMatch(/^\s+at /m);
    } finally {
      blocker.close();
    }
  });

  it('refuses to start in production without a store that outlives the process, naming both variables', async () => {
    const server = startProcess(SERVER, { env: { NODE_ENV: 'production', SF_INSTANCE_URL: 'http://127.0.0.1:9', SF_ACCESS_TOKEN: 'unused', CHAT_TOKEN_SECRET: 'store-test-secret-0123456789abcdefgh' } });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('DATABASE_URL or EMBEDDED_DATABASE_DIR: NODE_ENV=production needs a store that outlives the process');
  });

  it('refuses to start when EMBEDDED_DATABASE_DIR never answers (under /proc), naming it, within 15 s', async () => {
    const path = '/proc/sf-chat-bridge-test/pglite'; // Node's recursive mkdir loops forever here
    const started = Date.now();
    const server = startProcess(SERVER, { env: { EMBEDDED_DATABASE_DIR: path, SF_INSTANCE_URL: 'http://127.0.0.1:9', SF_ACCESS_TOKEN: 'unused', CHAT_TOKEN_SECRET: 'store-test-secret-0123456789abcdefgh' } });
    const code = await Promise.race([server.exited, settle(15_000).then(() => 'still running')]);
    if (code === 'still running') server.child.kill('SIGKILL');
    expect(code).toBe(1);
    // The 5 s deadline plus start-up, not the race's 15 s (which `code` already bounds).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.output()).toContain(`sf-chat-bridge: Invalid configuration:\n  - EMBEDDED_DATABASE_DIR: ${path} did not answer within 5 s\n`);
    expect(server.output()).not.toMatch(/^\s+at /m);
  }, 30_000);

  it('starts on the dev org with a banner, and drains on SIGTERM within 10 s', async () => {
    const server = await startDevBridge();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // README's quick start: `npm run watch` in one terminal, `npm run publish-event` in another
    const watch = startProcess(WATCH, { cwd: server.cwd });
    await waitFor(() => watch.output().includes('bridge:status'), 'watch connected', { timeoutMs: 20_000 });
    const publish = startProcess(PUBLISH_EVENT, { args: ['--type', 'USER_ENTERED'], cwd: server.cwd });
    expect(await publish.exited).toBe(0);
    expect(publish.output()).toMatch(/published Chat_Event__e .*"success":true/);
    const unknown = startProcess(PUBLISH_EVENT, { args: ['--type', 'NOPE'], cwd: server.cwd });
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toMatch(/unknown --type NOPE/);
    await waitFor(() => /chat:event \{"type":"USER_ENTERED"/.test(watch.output()), 'event at the watching client');
    expect(watch.output(), 'legacy names are opt-in').not.toMatch(/refreshChatUsers/);
    watch.child.kill('SIGINT');
    await watch.exited;
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.output()).toContain('bridge: stopped');
  }, 60_000);
});
