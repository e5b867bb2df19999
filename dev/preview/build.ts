/**
 * Builds the local preview's page bundle with rollup + LWC OSS: the page entry
 * (client/main.js), the REAL websocketChat component from force-app and the lightning base
 * components it uses, compiled exactly as the platform compiles them, with the few platform modules
 * the component imports resolved to small browser shims (see {@link platformModules}).
 *
 * Dev-only: rollup, lwc and lightning-base-components are devDependencies, so nothing on the
 * production path imports this module; only the build process (./build-child.ts) loads it, when the
 * cache has no bundle for the current build key (./build-key.ts).
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import lwc from '@lwc/rollup-plugin';
import replaceModule from '@rollup/plugin-replace';
import { rollup, type Plugin, type RollupLog } from 'rollup';
import type { BuildManifest } from './build-process.js';
import { RESOURCE_URL_PREFIX, type PreviewPaths } from './paths.js';

// The package's types are CommonJS-style (`export default` in a .d.ts without "type": "module"), so
// NodeNext types the default import as the namespace; at run time ESM gets the function itself.
const replace = replaceModule as unknown as typeof replaceModule.default;

const APEX = /^@salesforce\/apex\/(\w+)\.(\w+)$/;
const RESOURCE_URL = /^@salesforce\/resourceUrl\/(\w+)$/;
const VIRTUAL = '\0preview:';
/**
 * The base components' gate for ElementInternals in lightning-base-combobox (lightning-combobox, the
 * time part of lightning-input type="datetime"). LWC OSS stubs every gate as on, but ElementInternals
 * does not work under the synthetic shadow the preview runs (as Lightning Experience does): the
 * component would throw "attachInternals API is not supported in synthetic shadow". Closed here.
 */
const COMBOBOX_INTERNALS_GATE = '@salesforce/gate/bc.260.enableComboboxElementInternals';

/**
 * Resolves the platform modules the component imports to browser shims. Only these are handled
 * here; the `@salesforce/label|i18n|client|gate…` imports of the base components themselves are
 * mapped to stubs by lightning-base-components' own LWC config.
 * - `@salesforce/apex/<Class>.<method>` → a call to the dev org (client/shims/apex.js);
 * - `@salesforce/user/Id` → this tab's user (client/shims/user-id.js);
 * - `@salesforce/resourceUrl/<name>` → the URL the bridge serves force-app's `<name>.resource` at;
 * - `lightning/platformResourceLoader` → a `<script>` loader (client/shims/platform-resource-loader.js);
 * - one gate of the base components, {@link COMBOBOX_INTERNALS_GATE}, → off.
 */
function platformModules(paths: PreviewPaths, knownResources: Set<string>): Plugin {
  const shim = (name: string) => join(paths.client, 'shims', name);
  return {
    name: 'sf-chat-bridge-preview-platform-modules',
    resolveId(source) {
      if (source === COMBOBOX_INTERNALS_GATE) return `${VIRTUAL}${source}`;
      if (source === '@salesforce/user/Id') return shim('user-id.js');
      if (source === 'lightning/platformResourceLoader') return shim('platform-resource-loader.js');
      if (APEX.test(source) || RESOURCE_URL.test(source)) return `${VIRTUAL}${source}`;
      return null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      const source = id.slice(VIRTUAL.length);
      if (source === COMBOBOX_INTERNALS_GATE) return 'export default { isOpen: () => false };'; // the shape of lightning-base-components' gate stub
      const apex = APEX.exec(source);
      if (apex) {
        const [, className, method] = apex;
        return [
          `import { apexMethod } from ${JSON.stringify(shim('apex.js'))};`,
          `export default apexMethod(${JSON.stringify(className)}, ${JSON.stringify(method)});`,
        ].join('\n');
      }
      const name = RESOURCE_URL.exec(source)![1];
      if (!knownResources.has(name)) {
        this.error(`${source}: force-app has no static resource "${name}" (${name}.resource)`);
      }
      return `export default ${JSON.stringify(RESOURCE_URL_PREFIX + name)};`;
    },
  };
}

/** `c/<folder>` → the bundle's main module, for every LWC bundle in force-app (no namespace folder there). */
function componentAliases(paths: PreviewPaths): Array<{ name: string; path: string }> {
  return readdirSync(paths.lwc, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => ({ name: `c/${entry.name}`, path: join(paths.lwc, entry.name, `${entry.name}.js`) }));
}

/**
 * The LWC runtime modules (`lwc` → engine-dom, synthetic shadow, wire service) of exactly the
 * version the rollup plugin compiles with. npm hoists sfdx-lwc-jest's older engine to the top of
 * node_modules and nests lwc's own under node_modules/lwc, so resolving by name from the project
 * root picks the wrong one ("template was compiled with v9, engine is v8").
 * @throws Error naming the package when no copy of the right version is installed.
 */
function runtimeModules(paths: PreviewPaths): Array<{ name: string; path: string }> {
  const nodeModules = join(paths.root, 'node_modules');
  const version = (JSON.parse(readFileSync(join(nodeModules, '@lwc', 'rollup-plugin', 'package.json'), 'utf8')) as { version: string }).version;
  const searched = [join(nodeModules, 'lwc', 'node_modules'), join(nodeModules, '@lwc', 'rollup-plugin', 'node_modules'), nodeModules];
  return ['@lwc/engine-dom', '@lwc/synthetic-shadow', '@lwc/wire-service'].flatMap((name) => {
    for (const base of searched) {
      const manifestPath = join(base, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        version: string;
        lwc?: { modules?: Array<{ name: string; path: string }> };
      };
      if (manifest.version !== version) continue;
      return (manifest.lwc?.modules ?? []).map((m) => ({ name: m.name, path: join(base, name, m.path) }));
    }
    throw new Error(`preview: no ${name}@${version} installed (the version @lwc/rollup-plugin compiles for); run npm ci`);
  });
}

function staticResourceNames(paths: PreviewPaths): Set<string> {
  return new Set(
    readdirSync(paths.staticResources)
      .filter((file) => file.endsWith('.resource'))
      .map((file) => file.slice(0, -'.resource'.length)),
  );
}

/**
 * Builds the bundle for `key` into `<cache>/<key>/` (written to a temporary folder, then renamed, so
 * a half-written build is never served and two processes building at once do not clash), then
 * removes cache folders untouched for a day.
 * @param onWarn - rollup warnings (unused imports in the base components and the like).
 * @returns the manifest of the build.
 * @throws Error with rollup's message (e.g. a template error, an unresolved import) when it fails.
 */
export async function buildPreviewBundle(
  paths: PreviewPaths,
  key: string,
  onWarn: (log: RollupLog) => void = () => undefined,
): Promise<BuildManifest> {
  const started = Date.now();
  const target = join(paths.cache, key);
  const temporary = join(paths.cache, `.tmp-${key}-${process.pid}-${started}`);
  await mkdir(paths.cache, { recursive: true });

  const bundle = await rollup({
    input: { main: join(paths.client, 'main.js') },
    plugins: [
      platformModules(paths, staticResourceNames(paths)),
      replace({
        preventAssignment: true,
        values: {
          // LWC OSS reads these; the browser has neither.
          'import.meta.env.SSR': 'false',
          'process.env.NODE_ENV': JSON.stringify('development'),
        },
      }),
      lwc({
        rootDir: paths.root,
        // lightning-datatable (chatAudit) pulls in a base component that uses lwc:component, as the
        // platform allows; LWC OSS only compiles it with dynamic components enabled.
        enableDynamicComponents: true,
        modules: [...componentAliases(paths), { npm: 'lightning-base-components' }],
        defaultModules: runtimeModules(paths),
      }),
    ],
    onwarn(warning) {
      // Rollup would leave an unresolved import as a bare specifier the browser cannot load: a
      // platform module without a shim here (see platformModules) must fail the build, by name.
      if (warning.code === 'UNRESOLVED_IMPORT') {
        throw new Error(`preview: ${warning.exporter ?? 'a module'} (imported by ${warning.id?.split('?')[0] ?? '?'}) has no shim in dev/preview/build.ts and is not in lightning-base-components`);
      }
      onWarn(warning);
    },
  });
  try {
    await bundle.write({
      dir: temporary,
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      sourcemap: true,
    });
  } catch (err) {
    await rm(temporary, { recursive: true, force: true });
    throw err;
  } finally {
    await bundle.close();
  }
  const manifest: BuildManifest = {
    key,
    entry: 'main.js',
    durationMs: Date.now() - started,
    builtAt: new Date().toISOString(),
  };
  await writeFile(join(temporary, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    await rename(temporary, target);
  } catch (err) {
    // Another process finished the same build first: keep theirs.
    await rm(temporary, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  await pruneCache(paths.cache, key);
  return manifest;
}

const DAY_MS = 24 * 3_600_000;

/** Removes cache folders (other than `keep`) not modified for a day. */
async function pruneCache(cache: string, keep: string): Promise<void> {
  for (const name of await readdir(cache)) {
    if (name === keep) continue;
    const dir = join(cache, name);
    const info = await stat(dir).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > DAY_MS) await rm(dir, { recursive: true, force: true });
  }
}
