// The production process (`node dist/bridge/server.js` with credentials) must never load the local
// preview's build toolchain: rollup, lwc and lightning-base-components are devDependencies, absent
// after `npm ci --omit=dev`. This walks the static import graph of the entry file and checks it.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Static, value-level imports and re-exports of a module (not `import type`, not `import()`). */
function staticImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (let m = pattern.exec(source); m; m = pattern.exec(source)) specifiers.push(m[1]!);
  return specifiers;
}

const packageName = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

/** Every module reachable from `entry` through static imports, and every package they import. */
function staticGraph(entry: string): { modules: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
      else if (!specifier.startsWith('node:')) packages.add(packageName(specifier));
    }
  }
  return { modules: [...seen].map((f) => relative(ROOT, f)), packages };
}

describe('production entry', () => {
  const graph = staticGraph(join(ROOT, 'bridge', 'server.ts'));

  it('walks the real graph', () => {
    expect(graph.modules).toEqual(expect.arrayContaining(['bridge/app.ts', 'bridge/dev-mode.ts', 'bridge/gateway/gateway.ts']));
  });

  it('statically imports only production dependencies', () => {
    const devOnly = [...graph.packages].filter((name) => !(name in manifest.dependencies));
    expect(devOnly).toEqual([]);
  });

  it('does not statically reach the local preview (dev mode imports it dynamically)', () => {
    expect(graph.modules.filter((m) => m.startsWith('bridge/preview/'))).toEqual([]);
    expect(readFileSync(join(ROOT, 'bridge', 'dev-mode.ts'), 'utf8')).toMatch(/await import\('\.\/preview\/index\.js'\)/);
  });

  it('keeps the build toolchain out of the preview’s serving modules (only build.ts loads it)', () => {
    const serving = staticGraph(join(ROOT, 'bridge', 'preview', 'index.ts'));
    expect(serving.modules).not.toContain('bridge/preview/build.ts');
    expect([...serving.packages].filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });
});
