/**
 * Where the local preview finds what it builds and serves: the project root (found from this file,
 * so `tsx bridge/…` and `node dist/bridge/…` agree), the browser sources of the page, the force-app
 * LWC bundles, static resources and SLDS assets, and the build cache under `.data/`.
 * Imports nothing but node: the preview's routes use it without loading the build toolchain.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** URL prefix under which the preview serves force-app's static resources (`@salesforce/resourceUrl/<name>`). */
export const RESOURCE_URL_PREFIX = '/preview/resources/';

/** URL prefix of the built bundles (`/preview/build/<key>/main.js`). */
export const BUILD_URL_PREFIX = '/preview/build/';

/** Every path the preview reads or writes, absolute. */
export interface PreviewPaths {
  /** Repository root (holds package.json). */
  root: string;
  /** Browser sources of the page: entry, picker, shims (`dev/preview/client`). */
  client: string;
  /** LWC bundles of the Salesforce package; each folder is one `c/<name>` module. */
  lwc: string;
  /** Static resources of the package (`<name>.resource` + `<name>.resource-meta.xml`). */
  staticResources: string;
  /** SLDS assets (styles, icons, images) served at `/assets`. */
  sldsAssets: string;
  /** Build cache: one folder per build key. */
  cache: string;
}

/** Walks up from this module to the directory whose package.json is this project's. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sf-chat-bridge') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('preview: cannot find the sf-chat-bridge project root above this module');
    dir = parent;
  }
}

/**
 * The preview's paths.
 * @param root - project root; found from this module's location when omitted.
 * @param cache - build cache folder; default `<root>/.data/preview`.
 */
export function previewPaths(root: string = findRoot(), cache?: string): PreviewPaths {
  const forceApp = join(root, 'force-app', 'main', 'default');
  return {
    root,
    client: join(root, 'dev', 'preview', 'client'),
    lwc: join(forceApp, 'lwc'),
    staticResources: join(forceApp, 'staticresources'),
    sldsAssets: join(root, 'node_modules', '@salesforce-ux', 'design-system', 'assets'),
    cache: cache ?? join(root, '.data', 'preview'),
  };
}
