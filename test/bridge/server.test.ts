// The process as an operator runs it: `npm start` with and without valid configuration, and SIGTERM.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
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
    expect(watch.output()).toMatch(/refreshChatUsers \{"type":"USER_ENTERED"/);
    watch.child.kill('SIGINT');
    await watch.exited;
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.output()).toContain('bridge: stopped');
  }, 60_000);
});
