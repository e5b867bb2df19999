// Smoke test of `npm run bench`: at a tiny size the side-by-side benchmark starts the three servers
// in their processes (the bridge from a production build, made here in a temporary directory so
// dist/ is left alone) and prints the table and the ratios. No figure is asserted: timings belong to
// the benchmark, not to tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/processes.js';

const TSC = join(ROOT, 'node_modules/.bin/tsc');
// Inside the checkout, so the built bridge resolves its packages from node_modules.
mkdirSync(join(ROOT, '.data'), { recursive: true });
const outDir = mkdtempSync(join(ROOT, '.data', 'dist-bench-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('npm run bench', () => {
  it('compares the bridge, plain socket.io and raw ws at a tiny size and prints the table with ratios', () => {
    const built = spawnSync(TSC, ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, encoding: 'utf8' });
    expect(built.status, built.stdout + built.stderr).toBe(0);

    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/fan-out.ts', '20', '--bridge', join(outDir, 'bridge/server.js')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });

    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/sockets\s+server\s+CPU µs\/delivery\s+burst deliveries\/s\s+spread p50\/p99 ms/);
    for (const name of ['socket.io', 'ws', 'bridge']) expect(run.stdout).toMatch(new RegExp(`^\\s+20  ${name.replace('.', '\\.')}\\s+\\d`, 'm'));
    expect(run.stdout).toMatch(/bridge \/ socket\.io\s+[\d.]+×/);
    expect(run.stdout, 'one frame per event per socket').toMatch(/^\s+20  bridge\s.*\s1\.00$/m);
  }, 150_000);
});
