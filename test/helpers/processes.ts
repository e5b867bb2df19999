/**
 * Runs the project's entry points as an operator or developer does — `tsx bridge/server.ts`,
 * `tsx cli/*.ts` — as real child processes in a working directory of the test's choosing.
 *
 * Why this exists: what the process writes (`.data/…`), its exit status and what it prints are the
 * behaviour under test, and only a real process shows them; several tests (server, CLI) start the
 * same processes the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { waitFor } from './wait-for.js';

/** Root of the checkout. */
export const ROOT = resolve(import.meta.dirname, '../..');
/**
 * tsx as a loader of this very node process (`node --import tsx`), not the `tsx` command, which runs
 * the script in a second process: a signal sent to the child here reaches the bridge itself, as
 * when the OS kills it. Absolute, because the working directory has no node_modules.
 */
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
/** The production entry, run from source (`npm start`). */
export const SERVER = join(ROOT, 'bridge/server.ts');
/** `npm run publish-event`. */
export const PUBLISH_EVENT = join(ROOT, 'cli/publish-event.ts');
/** `npm run watch`. */
export const WATCH = join(ROOT, 'cli/watch.ts');

/** A started child process and everything it printed so far. */
export interface RunningProcess {
  child: ChildProcess;
  /** Its working directory. */
  cwd: string;
  /** Resolves with the exit code (`null` when killed by a signal). */
  exited: Promise<number | null>;
  /** stdout and stderr so far, interleaved. */
  output(): string;
}

/** A fresh temporary directory, e.g. a working directory no other test shares. */
export const tempCwd = (): string => mkdtempSync(join(tmpdir(), 'bridge-run-'));

/**
 * Starts `script` with tsx in one process, with only PATH and HOME from the test's environment plus `PORT=0`
 * and `LOG_LEVEL=info` (so no SF_* variable of the developer's shell leaks in).
 * @param cwd working directory; default a fresh temporary one.
 */
export function startProcess(
  script: string,
  options: { env?: NodeJS.ProcessEnv; args?: string[]; cwd?: string } = {},
): RunningProcess {
  const cwd = options.cwd ?? tempCwd();
  const child = spawn(process.execPath, ['--import', TSX_LOADER, script, ...(options.args ?? [])], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'info', ...options.env },
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, cwd, exited, output: () => output };
}

/** Runs a command-line tool to its end; resolves with its exit code and output. */
export async function runCli(script: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const run = startProcess(script, { args, cwd });
  const code = await run.exited;
  return { code, output: run.output() };
}

/**
 * Starts a dev-mode bridge (`npm start` without credentials) in `cwd` and waits until it printed
 * its banner and subscribed to the dev org. The banner's first URL is the bridge's.
 */
export async function startDevBridge(cwd = tempCwd()): Promise<RunningProcess & { url: string }> {
  const server = startProcess(SERVER, { cwd });
  await waitFor(() => server.output().includes('EMBEDDED DEV ORG'), 'dev org banner', { timeoutMs: 30_000 });
  await waitFor(() => server.output().includes('upstream: subscribed'), 'subscribed', { timeoutMs: 15_000 });
  const url = /^ bridge +(http\S+)/m.exec(server.output())?.[1];
  if (!url) throw new Error(`no bridge URL in the banner:\n${server.output()}`);
  return { ...server, url };
}

/** Sends `signal` and waits for the exit; resolves at once if the process has already exited. */
export async function stop(run: RunningProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(signal);
  return run.exited;
}
