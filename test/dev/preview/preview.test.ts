// The local preview's serving side, without a browser: what `/` answers in each build state, what
// `/record` takes (a record, passed through to the page) and refuses, the header's links, that
// the socket.io client is the org's own static resource, that SLDS is served, that a second start
// finds the bundle in the cache, and that the bundle runs on the LWC engine it was compiled for.
import { cpSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey } from '../../../dev/preview/build-key.js';
import { createPreview, recordPageAddress, type Preview } from '../../../dev/preview/index.js';
import { renderPage, SAMPLE_RECORD_PAGE } from '../../../dev/preview/page.js';
import { previewPaths } from '../../../dev/preview/paths.js';
import { startStack, type Stack } from '../../helpers/stack.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const SOCKET_IO_RESOURCE = join(ROOT, 'force-app/main/default/staticresources/socketiojs.resource');

/** GET with an explicit Host header (fetch does not let a caller set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolvePromise({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('preview page states', () => {
  it('shows a building notice that reloads by itself, and build errors as text', () => {
    const building = renderPage({ state: 'building' });
    expect(building).toContain('Building the preview');
    expect(building).toContain("fetch('/preview/status'");
    const failed = renderPage({ state: 'failed', message: 'c/websocketChat: <bad> template' });
    expect(failed).toContain('c/websocketChat: &lt;bad&gt; template');
  });

  it('embeds the configuration so that no </script> in it can end the script', () => {
    const page = renderPage({ state: 'ready', bundleUrl: '/preview/build/k/main.js', devOrgUrl: 'http://127.0.0.1:1/</script>', bridgeUrl: undefined });
    expect(page).not.toContain('1/</script>');
    expect(page).toContain('<script type="module" src="/preview/build/k/main.js"');
  });

  it('links the chat, the sample record page and the audit, keeping ?user=, the current one marked', () => {
    const page = renderPage({ state: 'ready', bundleUrl: '/b.js', devOrgUrl: 'http://127.0.0.1:1', bridgeUrl: undefined, view: 'record', user: 'Ana & co', record: 'Acme Corp' });
    const links = [...page.matchAll(/<a href="([^"]+)" data-preview-nav="(\w+)"( aria-current="page")?/g)].map(([, href, view, current]) => ({ href, view, current: !!current }));

    expect(links).toEqual([
      { href: '/?user=Ana+%26+co', view: 'chat', current: false },
      { href: '/record?user=Ana+%26+co&amp;record=Acme+Corp', view: 'record', current: true },
      { href: '/admin?user=Ana+%26+co', view: 'admin', current: false },
    ]);
    expect(page).toContain('data-id="preview-record"');
    expect(page).toContain('<title>Record page · sf-chat-bridge preview</title>');
    expect(renderPage({ state: 'building', view: 'admin' })).toContain('<a href="/record?record=Acme+Corp" data-preview-nav="record">');
  });

  it('takes a record page address with one record and at most one user, and says what is wrong with any other', () => {
    expect(recordPageAddress({ user: 'Ana', record: ' Acme Corp ' })).toEqual({ user: 'Ana', record: 'Acme Corp' });
    expect(recordPageAddress({ record: '001000000000001AAA' })).toEqual({ user: undefined, record: '001000000000001AAA' });
    expect(recordPageAddress({ user: 'Ana' })).toEqual({ refused: 'The record page needs ?record=<record name or id>.' });
    expect(recordPageAddress({ record: '  ' })).toEqual({ refused: 'The record page needs ?record=<record name or id>.' });
    expect(recordPageAddress({ record: ['Acme Corp', 'Globex'] })).toEqual({ refused: 'Give ?record= once.' });
    expect(recordPageAddress({ record: 'Acme Corp', recrd: 'x' })).toEqual({ refused: 'The record page takes ?user= and ?record= only, not ?recrd=.' });
    expect(recordPageAddress({ record: 'x'.repeat(256) })).toMatchObject({ refused: expect.stringContaining('longer than 255 characters') });
  });

  it('serves a bundle found in the cache at once, without building (a second start)', async () => {
    const paths = previewPaths(undefined, mkdtempSync(join(tmpdir(), 'preview-cache-')));
    const key = buildKey(paths);
    mkdirSync(join(paths.cache, key));
    writeFileSync(join(paths.cache, key, 'manifest.json'), JSON.stringify({ key, entry: 'main.js', durationMs: 1, builtAt: '' }));
    const preview = createPreview({ devOrgUrl: 'http://127.0.0.1:1', logger: pino({ level: 'silent' }), paths });

    const started = Date.now();
    await preview.ready();

    expect(preview.status()).toEqual({ state: 'ready', key, durationMs: 0, cached: true });
    expect(Date.now() - started).toBeLessThan(500);
  });
});

/** A copy of the project (sources copied, node_modules linked) with one file of websocketChat edited. */
function projectWithEditedChat(file: string, edit: (text: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'preview-broken-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'sf-chat-bridge' }));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  cpSync(join(ROOT, 'dev/preview'), join(root, 'dev/preview'), { recursive: true });
  for (const dir of ['lwc', 'staticresources']) {
    cpSync(join(ROOT, 'force-app/main/default', dir), join(root, 'force-app/main/default', dir), { recursive: true });
  }
  const path = join(root, 'force-app/main/default/lwc/websocketChat', file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return root;
}

/** Serves a preview of `root` on port 0 while `body` runs. */
async function withPreview(root: string, body: (preview: Preview, url: string) => Promise<void>): Promise<void> {
  const preview = createPreview({ devOrgUrl: 'http://127.0.0.1:1', logger: pino({ level: 'silent' }), paths: previewPaths(root) });
  const app = express();
  preview.routes(app);
  const server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    await body(preview, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
    rmSync(root, { recursive: true, force: true }); // removes the node_modules link, not its target
  }
}

describe('a component the preview cannot build', () => {
  it('shows the compiler’s message on the page, and does not retry until the sources change', async () => {
    const root = projectWithEditedChat('websocketChat.html', (html) => html.replace('{statusLabel}', '{statusLabel.}'));
    await withPreview(root, async (preview, url) => {
      await expect(preview.ready()).rejects.toThrow(/LWC1083.*statusLabel\./);

      const page = await fetch(`${url}/`);
      expect(page.status).toBe(500);
      expect(await page.text()).toMatch(/The preview could not be built:\n.*LWC1083: Error parsing template expression: Invalid expression \{statusLabel\.\}/);
      expect(preview.status()).toMatchObject({ state: 'failed' });
    });
  }, 60_000);

  it('names a platform module that has no shim instead of shipping a bare import', async () => {
    const root = projectWithEditedChat('websocketChat.js', (js) =>
      js.replace("import { reduceErrors } from 'c/chatErrors';", "import { reduceErrors } from 'c/chatErrors';\nimport GREETING from '@salesforce/label/c.Greeting';\nexport { GREETING };"),
    );
    await withPreview(root, async (preview) => {
      await expect(preview.ready()).rejects.toThrow(
        /@salesforce\/label\/c\.Greeting \(imported by .*websocketChat\.js\) has no shim in dev\/preview\/build\.ts/,
      );
    });
  }, 60_000);
});

describe('preview routes on a dev-mode bridge', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({}, {}, { preview: true });
    await stack.devMode!.preview.ready(); // cold: 10–30 s (shared with the browser test through the cache)
  }, 180_000);
  afterAll(() => stack?.close());

  it('serves the page with the dev org URL and a bundle that loads', async () => {
    const response = await fetch(`${stack.url}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const config = JSON.parse(/<script type="application\/json" id="preview-config">(.*?)<\/script>/.exec(html)![1]!);
    expect(config).toEqual({ devOrgUrl: stack.devOrg.url, bridgeUrl: stack.url, view: 'chat' });
    const bundleUrl = /<script type="module" src="([^"]+)"/.exec(html)![1]!;
    const bundle = await fetch(`${stack.url}${bundleUrl}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
  });

  it('serves the admin audit page at /admin: the same bundle, running chatAudit', async () => {
    const [chat, admin] = await Promise.all([fetch(`${stack.url}/`), fetch(`${stack.url}/admin`)]);
    const [chatHtml, adminHtml] = await Promise.all([chat.text(), admin.text()]);
    const config = JSON.parse(/<script type="application\/json" id="preview-config">(.*?)<\/script>/.exec(adminHtml)![1]!);

    expect(admin.status).toBe(200);
    expect(config).toEqual({ devOrgUrl: stack.devOrg.url, bridgeUrl: stack.url, view: 'admin' });
    expect(adminHtml).toContain('<title>Chat audit · sf-chat-bridge preview</title>');
    const bundleOf = (html: string) => /<script type="module" src="([^"]+)"/.exec(html)![1]!;
    expect(bundleOf(adminHtml)).toBe(bundleOf(chatHtml));
  });

  it('serves the record page at /record: the same bundle, view record, the record passed through', async () => {
    const [chat, record] = await Promise.all([fetch(`${stack.url}/`), fetch(`${stack.url}/record?user=Ana&record=Acme%20Corp`)]);
    const [chatHtml, recordHtml] = await Promise.all([chat.text(), record.text()]);
    const config = JSON.parse(/<script type="application\/json" id="preview-config">(.*?)<\/script>/.exec(recordHtml)![1]!);

    expect(record.status).toBe(200);
    expect(config).toEqual({ devOrgUrl: stack.devOrg.url, bridgeUrl: stack.url, view: 'record', record: 'Acme Corp' });
    expect(recordHtml).toContain('<a href="/admin?user=Ana" data-preview-nav="admin">');
    const bundleOf = (html: string) => /<script type="module" src="([^"]+)"/.exec(html)![1]!;
    expect(bundleOf(recordHtml)).toBe(bundleOf(chatHtml));
  });

  it('answers a record page address without a record, or with a parameter it does not take, with a page saying so', async () => {
    for (const [query, message] of [
      ['?user=Ana', 'The record page needs ?record=&lt;record name or id&gt;.'],
      ['?user=Ana&record=Acme%20Corp&room=General', 'The record page takes ?user= and ?record= only, not ?room=.'],
      ['?record=Acme%20Corp&record=Globex', 'Give ?record= once.'],
    ]) {
      const response = await fetch(`${stack.url}/record${query}`);
      const html = await response.text();

      expect(response.status).toBe(400);
      expect(html).toContain('data-id="preview-refused"');
      expect(html).toContain(`${message} For example: <a href="${SAMPLE_RECORD_PAGE.replace('&', '&amp;')}">`);
      expect(html).not.toContain('id="preview-config"');
    }
  });

  it('redirects another loopback spelling of the host to the bridge URL (the socket Origin must be its own)', async () => {
    const port = new URL(stack.url).port;
    const answer = await getWithHost(`${stack.url}/?user=Ana`, `localhost:${port}`);
    expect(answer).toEqual({ status: 302, location: `${stack.url}/?user=Ana` });
  });

  it('serves the socket.io client from the static resource file the org gets', async () => {
    const response = await fetch(`${stack.url}/preview/resources/socketiojs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(SOCKET_IO_RESOURCE))).toBe(true);
    expect((await fetch(`${stack.url}/preview/resources/nothere`)).status).toBe(404);
  });

  it('serves SLDS styles and icons', async () => {
    const css = await fetch(`${stack.url}/assets/styles/salesforce-lightning-design-system.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    expect((await fetch(`${stack.url}/assets/icons/standard-sprite/svg/symbols.svg`)).status).toBe(200);
  });

  it('compiled the component for the engine it ships, with every platform import resolved', () => {
    const { key } = stack.devMode!.preview.status() as { key: string };
    const dir = join(previewPaths().cache, key);
    const files = [join(dir, 'main.js'), ...readdirSync(join(dir, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => join(dir, 'chunks', f))];
    const code = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    const lwcVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/lwc/package.json'), 'utf8')) as { version: string }).version;
    expect(code).toContain(`const LWC_VERSION = "${lwcVersion}"`);
    expect(code).not.toMatch(/from ['"](@salesforce\/|lightning\/platformResourceLoader)/);
    expect(code).not.toContain('import.meta.env');
    expect(code).toContain('"/preview/resources/socketiojs"');
  });
});
