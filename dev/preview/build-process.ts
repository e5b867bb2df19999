/**
 * Runs a preview build (./build.ts) in a child process. Rollup and the LWC compiler hold their
 * thread for seconds at a time and peak at several hundred MB: inside the bridge they starved
 * `/healthz` (2 s and more per probe) and sockets during a first start's build. A child process,
 * rather than a worker thread, because a worker shares the bridge's RSS (what a dyno's memory limit
 * counts) and its freed heap mostly stays with the process, while a child's memory goes back to the
 * OS when it exits, and an out-of-memory build kills the child, not the bridge.
 *
 * This module is the parent's side and the wire format; ./build-child.ts is the child's entry. It
 * imports nothing but node, so the preview's routes load without the build toolchain.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { PreviewPaths } from './paths.js';

/** What a finished build wrote (`manifest.json` of a cache folder). */
export interface BuildManifest {
  key: string;
  /** Entry file name inside the build folder. */
  entry: string;
  /** How long the build took, ms. */
  durationMs: number;
  builtAt: string;
}

/** A rollup warning, as much of it as the log shows. */
export interface BuildWarning {
  code?: string;
  message: string;
}

/** Parent → child: the one message the child waits for. */
export interface BuildRequest {
  paths: PreviewPaths;
  key: string;
}

/** Child → parent: any number of warnings, then one `built` or `failed`. */
export type BuildReply =
  | { type: 'warning'; warning: BuildWarning }
  | { type: 'built'; manifest: BuildManifest }
  | { type: 'failed'; message: string };

// dev/ only ever runs from source, through tsx (it is never compiled into dist/), so the child is
// the .ts file and needs tsx's loader; resolved here so the child finds it whatever its cwd.
const CHILD_ENTRY = new URL('./build-child.ts', import.meta.url);
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Builds the bundle for `key` into `<cache>/<key>/` in a child process (see ./build.ts for what is
 * built and how the cache folder is written).
 * @param onWarn - rollup warnings, relayed from the child.
 * @returns the manifest of the build.
 * @throws Error with the compiler's message (e.g. a template error, an import without a shim) when
 *   the build fails, or saying how the child ended when it ends without a result (killed, crashed).
 */
export function buildInChildProcess(paths: PreviewPaths, key: string, onWarn: (warning: BuildWarning) => void): Promise<BuildManifest> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD_ENTRY, { execArgv: ['--import', TSX_LOADER] });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    child.on('message', (reply: BuildReply) => {
      if (reply.type === 'warning') onWarn(reply.warning);
      else if (reply.type === 'built') settle(() => resolve(reply.manifest));
      else settle(() => reject(new Error(reply.message)));
    });
    child.once('error', (err) => settle(() => reject(new Error('preview: cannot run the build process', { cause: err }))));
    child.once('exit', (code, signal) =>
      settle(() => reject(new Error(`preview: the build process ended (${signal ? `signal ${signal}` : `exit code ${code}`}) without a result`))),
    );
    child.send({ paths, key } satisfies BuildRequest);
  });
}
