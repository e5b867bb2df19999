// The production process (`node dist/bridge/server.js` with credentials) holds no development tool:
// not the embedded dev org, not the local preview and its build toolchain (devDependencies, absent
// after `npm ci --omit=dev`), not the CLI. Proven three ways: the import graph of the entry file, what
// tsc emits for `npm run build`, and a production build that starts, subscribes and serves from a
// folder that holds nothing but what tsc emitted.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevOrg } from '../../dev/org/index.js';
import { startPostgresServer } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait-for.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSC = join(ROOT, 'node_modules/.bin/tsc');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Value-level imports of a module: static imports and re-exports (not `import type`) and `import('literal')`. */
function imports(source: string): string[] {
  const found: string[] = [];
  const patterns = [/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (let m = pattern.exec(source); m; m = pattern.exec(source)) found.push(m[1]!);
  return found;
}

const packageName = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

/** Every module reachable from `entry`, and every package they import. */
function graph(entry: string): { modules: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of imports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
      else if (!specifier.startsWith('node:')) packages.add(packageName(specifier));
    }
  }
  return { modules: [...seen].map((f) => relative(ROOT, f)), packages };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('production entry (bridge/server.ts)', () => {
  const production = graph(join(ROOT, 'bridge', 'server.ts'));

  it('reaches only bridge/ modules', () => {
    expect(production.modules).toEqual(expect.arrayContaining(['bridge/app.ts', 'bridge/gateway/gateway.ts', 'bridge/salesforce/subscriber.ts']));
    expect(production.modules.filter((m) => !m.startsWith('bridge/'))).toEqual([]);
  });

  it('imports only production dependencies', () => {
    expect([...production.packages].filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });

  it('npm run build emits nothing outside bridge/ (no dev org, preview or CLI)', () => {
    const listed = spawnSync(TSC, ['-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: ROOT, encoding: 'utf8' });
    expect(listed.status, listed.stderr).toBe(0);
    const own = listed.stdout.split('\n').filter((f) => f && !f.includes('/node_modules/')).map((f) => relative(ROOT, f));
    expect(own).toContain('bridge/server.ts');
    expect(own.filter((f) => !f.startsWith('bridge/') && !f.startsWith('types/'))).toEqual([]);
  });
});

describe('development tree', () => {
  it('dev/ uses no bridge internals: only the contract, the configuration types, the dev-mode port, the pid check and the loopback hosts', () => {
    const devFiles = walk(join(ROOT, 'dev')).filter((f) => /\.(ts|js)$/.test(f));
    const reached = devFiles.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+['"](\.[^'"]+)['"]/g)]
        .map((m) => relative(ROOT, resolve(dirname(file), m[1]!)))
        .filter((target) => target.startsWith('bridge/'))
        .map((target) => `${relative(ROOT, file)} → ${target}`),
    );
    expect(reached.length).toBeGreaterThan(0);
    expect(reached.filter((r) => !/→ bridge\/(events\/contract|config|dev-mode-port|process-alive|loopback)\.js$/.test(r))).toEqual([]);
  });

  it('the preview’s serving modules do not load its build toolchain, not even dynamically (only its build process does)', () => {
    const serving = graph(join(ROOT, 'dev', 'preview', 'index.ts'));
    expect(serving.modules).not.toContain('dev/preview/build.ts');
    expect([...serving.packages].filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });
});

describe('production build', () => {
  // Inside the checkout so node_modules resolves; holds only what tsc emits.
  mkdirSync(join(ROOT, '.data'), { recursive: true }); // a fresh clone has none yet
  const outDir = mkdtempSync(join(ROOT, '.data', 'dist-test-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  function start(env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, [join(outDir, 'bridge', 'server.js')], {
      cwd: outDir,
      env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', ...env },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    return { child, exited, output: () => output };
  }

  it('builds', () => {
    const built = spawnSync(TSC, ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, encoding: 'utf8' });
    expect(built.status, built.stdout + built.stderr).toBe(0);
    expect(walk(outDir).map((f) => relative(outDir, f)).filter((f) => !f.startsWith('bridge/'))).toEqual([]);
  }, 60_000);

  it('starts with NODE_ENV=production, credentials and DATABASE_URL, migrates, subscribes and serves, with no dev file present', async () => {
    const org = await startDevOrg();
    const database = await startPostgresServer(); // the migrations run from what tsc emitted
    let server: ReturnType<typeof start> | undefined;
    try {
      const running = start({
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        SF_LOGIN_URL: org.url,
        SF_INSTANCE_URL: org.url,
        SF_ACCESS_TOKEN: org.issueAccessToken(),
        CHAT_TOKEN_SECRET: 'production-build-test-secret-0123456789',
      });
      server = running;
      await waitFor(() => running.output().includes('upstream: subscribed'), 'subscribed', { timeoutMs: 20_000 });
      const port = Number(/"port":(\d+)/.exec(running.output())?.[1]);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404); // no preview page
      expect(running.output()).toMatch(/"applied":\["0001-event-log"(,"[^"]+")*\],"database":"postgres".*store: schema migrated/);
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
    } finally {
      if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL'); // a failed wait leaves no process behind
      await org.close();
      await database.close();
    }
  }, 30_000);

  it('started without credentials (not production), says dev mode needs a source checkout', async () => {
    const server = start({});
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/sf-chat-bridge: Invalid configuration:\n {2}- SF_\*: no Salesforce credentials set, and this build has no embedded dev org/);
    expect(server.output()).not.toMatch(/\n\s+at /); // one message, no stack trace
  });
});
