/**
 * The local preview: in dev mode the bridge serves, at `/`, a page running the REAL websocketChat
 * LWC from force-app (LWC OSS + lightning-base-components + SLDS) against the embedded dev org for
 * "Apex" and against this bridge for the socket. This module owns the preview's state (which bundle
 * is current, whether one is being built) and its express routes:
 *
 * - `GET /`                       the page: user picker or chat room (or "building…", or the build error)
 * - `GET /admin`                  the same page running chatAudit (the Chat Admin app's audit) instead
 * - `GET /record?record=<name|id>` the same page running websocketChat on a record page (its `recordId`
 *                                  set to the record `/dev/records` names); 400 without `record`
 * - `GET /preview/status`         `{ state, key, durationMs?, message? }`, polled by the building page
 * - `GET /preview/build/<key>/…`  the bundle (content-addressed, cached for a year)
 * - `GET /preview/resources/<n>`  force-app's static resource `<n>` — the very file the org gets
 * - `GET /assets/…`               SLDS styles, icons and images
 *
 * The bundle is built, only when the cache has no bundle for the current build key, in a child
 * process (./build-process.ts) that alone loads rollup and LWC (devDependencies): the bridge keeps
 * answering probes, sockets and "building…" meanwhile, and never loads the toolchain itself.
 * Mounted through `createBridge(config, { routes })`.
 */
import { existsSync, mkdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { buildKey } from './build-key.js';
import { buildOnce } from './build-lock.js';
import { buildInChildProcess, type BuildManifest } from './build-process.js';
import { renderPage, type PageAddress, type PreviewView } from './page.js';
import { BUILD_URL_PREFIX, previewPaths, RESOURCE_URL_PREFIX, type PreviewPaths } from './paths.js';
import { isLoopbackHost } from '../../bridge/loopback.js';

/** Options of {@link createPreview}. */
export interface PreviewOptions {
  /** Dev org base URL: the page calls its `/dev/*` API (users, sessions, Apex). */
  devOrgUrl: string;
  logger: Logger;
  /** Paths; default {@link previewPaths}() (cache in `.data/preview`). */
  paths?: PreviewPaths;
}

/** State of the preview bundle, as `/preview/status` reports it. */
export type PreviewStatus =
  | { state: 'idle' }
  | { state: 'building'; key: string }
  | { state: 'ready'; key: string; durationMs: number; cached: boolean }
  | { state: 'failed'; key: string; message: string };

/** The preview's handle. */
export interface Preview {
  /** Mounts the routes listed in the module comment. */
  routes(app: Express): void;
  /**
   * Tells the preview the bridge's URL (the page redirects other loopback spellings of the host to
   * it, so the socket's Origin is the bridge's own) and builds the bundle if the cache lacks it.
   */
  start(bridgeUrl: string): void;
  /**
   * Resolves when the bundle of the current sources is ready (building it if needed).
   * @throws Error with the build error when the build fails.
   */
  ready(): Promise<BuildManifest>;
  status(): PreviewStatus;
}

/** The query parameters `/record` takes; anything else is refused (a mistyped address). */
const RECORD_PAGE_PARAMS = ['user', 'record'];
/** Longest `?record=` accepted, characters (an Account name is at most 255). */
const MAX_RECORD_PARAM_LENGTH = 255;

/** `?user=` when given once: the header links keep it. */
function userParam(query: Request['query']): string | undefined {
  return typeof query.user === 'string' && query.user.trim() !== '' ? query.user.trim() : undefined;
}

/**
 * Reads the address of `/record`: `record` (a record name or id) once, `user` at most once, nothing else.
 * @returns The address, or the message of a page refusing it.
 */
export function recordPageAddress(query: Request['query']): Omit<PageAddress, 'view'> | { refused: string } {
  const unknown = Object.keys(query).find((name) => !RECORD_PAGE_PARAMS.includes(name));
  if (unknown !== undefined) return { refused: `The record page takes ?user= and ?record= only, not ?${unknown}=.` };
  for (const name of RECORD_PAGE_PARAMS) {
    if (query[name] !== undefined && typeof query[name] !== 'string') return { refused: `Give ?${name}= once.` };
  }
  const record = typeof query.record === 'string' ? query.record.trim() : '';
  if (record === '') return { refused: 'The record page needs ?record=<record name or id>.' };
  if (record.length > MAX_RECORD_PARAM_LENGTH) return { refused: `?record= is longer than ${MAX_RECORD_PARAM_LENGTH} characters: give a record name or id.` };
  return { user: userParam(query), record };
}

const YEAR_S = 365 * 24 * 3600;

/** Creates the preview (nothing is built until {@link Preview.start} or a page request). */
export function createPreview(options: PreviewOptions): Preview {
  const paths = options.paths ?? previewPaths();
  const log = options.logger.child({ module: 'preview' });
  let bridgeUrl: string | undefined;
  let status: PreviewStatus = { state: 'idle' };
  let building: { key: string; done: Promise<BuildManifest> } | undefined;

  function readManifest(key: string): BuildManifest | undefined {
    const file = join(paths.cache, key, 'manifest.json');
    if (!existsSync(file)) return undefined;
    try {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as BuildManifest;
      const now = new Date();
      utimesSync(join(paths.cache, key), now, now); // in use: keep it out of the cache pruning
      return manifest;
    } catch {
      return undefined;
    }
  }

  /** Makes sure the bundle of the current sources exists; starts a build when it does not. */
  function ensure(): Promise<BuildManifest> {
    const key = buildKey(paths);
    if (building?.key === key) return building.done;
    // Read the manifest even when already ready: the cache folder may have been deleted meanwhile.
    const cached = readManifest(key);
    if (cached && status.state === 'ready' && status.key === key) return Promise.resolve(cached);
    // A failed build is not retried until the sources change (the failure page would loop otherwise).
    if (!cached && status.state === 'failed' && status.key === key) return Promise.reject(new Error(status.message));
    if (cached) {
      status = { state: 'ready', key, durationMs: 0, cached: true };
      log.info({ key }, 'preview: bundle found in the cache');
      return Promise.resolve(cached);
    }
    status = { state: 'building', key };
    log.info({ key }, 'preview: building the page bundle (rollup + LWC OSS)');
    mkdirSync(paths.cache, { recursive: true });
    const done = buildOnce(join(paths.cache, `.lock-${key}`), () => readManifest(key), () =>
      buildInChildProcess(paths, key, (warning) => log.debug({ code: warning.code }, `preview: ${warning.message}`)),
    );
    building = { key, done };
    done.then(
      (manifest) => {
        if (building?.done !== done) return;
        building = undefined;
        status = { state: 'ready', key, durationMs: manifest.durationMs, cached: false };
        log.info({ key, durationMs: manifest.durationMs }, 'preview: bundle built');
      },
      (err: unknown) => {
        if (building?.done !== done) return;
        building = undefined;
        const message = err instanceof Error ? err.message : String(err);
        status = { state: 'failed', key, message };
        log.error({ err, key }, 'preview: build failed');
      },
    );
    return done;
  }

  /** Starts a build if needed; a failure is already in `status` and the log. */
  function ensureQuietly(): void {
    try {
      ensure().catch(() => undefined);
    } catch (err) {
      status = { state: 'failed', key: 'unknown', message: (err as Error).message };
    }
  }

  /** The same path on the bridge's canonical origin, when the request came to another loopback host name. */
  function canonicalRedirect(req: Request): string | undefined {
    if (!bridgeUrl) return undefined;
    const canonical = new URL(bridgeUrl);
    const host = req.headers.host;
    if (!host || host === canonical.host) return undefined;
    const requested = new URL(`http://${host}`);
    if (!isLoopbackHost(requested.hostname) || !isLoopbackHost(canonical.hostname) || requested.port !== canonical.port) return undefined;
    return new URL(req.originalUrl, canonical).toString();
  }

  function page(view: PreviewView, req: Request, res: Response, address: Omit<PageAddress, 'view'> = { user: userParam(req.query) }): void {
    const redirect = canonicalRedirect(req);
    if (redirect) {
      res.redirect(302, redirect);
      return;
    }
    ensureQuietly();
    res.set('Cache-Control', 'no-store');
    if (status.state === 'ready') {
      res.type('html').send(
        renderPage({
          state: 'ready',
          bundleUrl: `${BUILD_URL_PREFIX}${status.key}/main.js`,
          devOrgUrl: options.devOrgUrl,
          bridgeUrl,
          view,
          ...address,
        }),
      );
    } else if (status.state === 'failed') {
      res.status(500).type('html').send(renderPage({ state: 'failed', message: status.message, view, ...address }));
    } else {
      // 200, not 503: the page works (it waits and reloads), and browsers log a 503 as an error.
      res.type('html').send(renderPage({ state: 'building', view, ...address }));
    }
  }

  function recordPage(req: Request, res: Response): void {
    const address = recordPageAddress(req.query);
    if ('refused' in address) {
      res.status(400).set('Cache-Control', 'no-store').type('html').send(renderPage({ state: 'refused', message: address.refused, view: 'record', user: userParam(req.query) }));
      return;
    }
    page('record', req, res, address);
  }

  function staticResource(req: Request, res: Response): void {
    const name = String(req.params.name);
    const file = join(paths.staticResources, `${name}.resource`);
    if (!/^\w+$/.test(name) || !existsSync(file)) {
      res.status(404).type('text').send(`no static resource ${name}`);
      return;
    }
    const meta = readFileSync(`${file}-meta.xml`, 'utf8');
    const contentType = /<contentType>([^<]+)<\/contentType>/.exec(meta)?.[1] ?? 'application/octet-stream';
    res.set('Cache-Control', 'no-cache').type(contentType).sendFile(file);
  }

  return {
    routes(app) {
      app.get('/', (req, res) => page('chat', req, res));
      app.get('/admin', (req, res) => page('admin', req, res));
      app.get('/record', recordPage);
      app.get('/preview/status', (_req, res) => {
        res.set('Cache-Control', 'no-store').json(status);
      });
      app.use(BUILD_URL_PREFIX.slice(0, -1), express.static(paths.cache, { immutable: true, maxAge: YEAR_S * 1000, index: false, dotfiles: 'ignore' }));
      app.get(`${RESOURCE_URL_PREFIX}:name`, staticResource);
      app.use('/assets', express.static(paths.sldsAssets, { maxAge: 3_600_000, index: false }));
      app.get('/favicon.ico', (_req, res) => {
        res.status(204).end();
      });
    },
    start(url) {
      bridgeUrl = url;
      ensureQuietly();
    },
    ready: ensure,
    status: () => status,
  };
}
