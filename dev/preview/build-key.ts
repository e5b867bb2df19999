/**
 * The content key of a preview build: a hash of everything the bundle is made from — the page's
 * browser sources, the force-app LWC bundles (tests excluded), the build recipe and the versions of
 * the packages compiled in. Same key, same bundle: a second start finds the bundle in the cache and
 * never loads rollup. Computing it reads ~30 small files (a few ms), so the page can check it on
 * every load and rebuild after an edit.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PreviewPaths } from './paths.js';

/** Packages whose code ends up in (or shapes) the bundle. */
export const BUNDLED_PACKAGES = [
  'lwc',
  '@lwc/rollup-plugin',
  '@lwc/synthetic-shadow',
  'lightning-base-components',
  'rollup',
  '@rollup/plugin-replace',
] as const;

/** The build recipe (its sources, also when running from dist/): a changed configuration rebuilds. */
const RECIPE = [join('dev', 'preview', 'build.ts'), join('dev', 'preview', 'paths.ts')];

function files(dir: string, skip: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !skip(entry.name))
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name), skip) : [join(dir, entry.name)]))
    .sort();
}

/** Installed versions by project root: they change only with `npm install`, which restarts the process. */
const versionsByRoot = new Map<string, string>();

function installedVersions(root: string): string {
  let versions = versionsByRoot.get(root);
  if (versions === undefined) {
    versions = BUNDLED_PACKAGES.map((name) => `${name}@${installedVersion(root, name)}`).join('\0');
    versionsByRoot.set(root, versions);
  }
  return versions;
}

function installedVersion(root: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

/**
 * Computes the build key.
 * @returns 16 hex characters.
 */
export function buildKey(paths: PreviewPaths): string {
  const hash = createHash('sha256');
  const inputs = [
    ...files(paths.client, () => false),
    ...files(paths.lwc, (name) => name === '__tests__' || name.startsWith('.') || name.endsWith('.js-meta.xml')),
    ...RECIPE.map((file) => join(paths.root, file)),
  ];
  for (const file of inputs) {
    hash.update(relative(paths.root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(installedVersions(paths.root));
  return hash.digest('hex').slice(0, 16);
}
