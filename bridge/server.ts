/**
 * The process: configuration → (dev org) → store → bridge → listen; SIGTERM/SIGINT drain
 * within 10 s. The only module that reads process.env (through loadConfig), picks real
 * implementations and exits. Every start-up step is bounded: a step that cannot finish ends the
 * process with a message naming what hung, never a silent wait.
 *
 * Dev mode (no credentials, not production) is loaded with a dynamic `import()` of a specifier tsc
 * does not follow, so neither the production import graph nor `dist/` holds any dev file; a build
 * run without credentials says so instead of failing with a missing module.
 */
import pino from 'pino';
import { createBridge } from './app.js';
import { ConfigError, loadConfig, type BridgeConfig } from './config.js';
import { DeadlineError, withDeadline } from './deadline.js';
import type { DevModeModule, RunningDevMode } from './dev-mode-port.js';
import { login } from './salesforce/login.js';
import { readLegacyReplayFile } from './store/legacy-replay-file.js';
import { openStore } from './store/open-store.js';

/** Dev mode, relative to this file; only a source checkout has it (`npm start` runs bridge/server.ts). */
const DEV_MODE_MODULE = '../dev/dev-mode.js';

/** Longest graceful shutdown before the process exits anyway, ms. */
const SHUTDOWN_DEADLINE_MS = 10_000;

/** Longest dev mode may take to tell the dev org and the CLI tools (a file in `.data/`) where the bridge is, ms. */
const ANNOUNCE_DEADLINE_MS = 5_000;

async function main(): Promise<void> {
  let config: BridgeConfig = loadConfig();
  const logger = pino({ level: config.logLevel, base: { app: 'sf-chat-bridge' } });

  let devMode: RunningDevMode | undefined;
  if (!config.salesforce) {
    devMode = await (await loadDevMode()).startDevMode(config, logger);
    config = devMode.config;
  }
  // Before any login: a store that cannot be used fails start-up before anything else runs. Dev
  // mode runs on the same store; its dev org is a new org at every start, so it resumes from -1 by
  // itself, and a second dev-mode bridge keeps its store in memory rather than refusing.
  const defaultEmbedded = config.database.kind === 'embedded' && !config.database.explicit;
  const store = await openStore(config.database, logger, { memoryWhenInUse: devMode !== undefined && defaultEmbedded });
  // An old replay.json names a real org's position: never imported into a dev org.
  const legacyReplay = devMode ? undefined : await readLegacyReplayFile(config.legacyReplayFile, config.channel, logger);
  const target = { login: config.salesforce!, loginUrl: config.loginUrl, apiVersion: config.apiVersion };
  const bridge = createBridge(config, {
    logger,
    login: () => login(target),
    store,
    legacyReplay,
    routes: devMode?.routes,
  });
  const port = await bridge.listen(config.port).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
    throw new ConfigError([`PORT: cannot listen on ${config.port} (${err.code === 'EADDRINUSE' ? 'already in use by another process' : 'permission denied'})`]);
  });
  const bridgeUrl = `http://localhost:${port}`;
  logger.info({ port, channel: config.channel, flow: target.login.flow }, 'bridge: listening');
  if (devMode) {
    await withDeadline(devMode.announce(bridgeUrl), ANNOUNCE_DEADLINE_MS, 'dev mode: announcing the bridge (.data/dev-sessions/)');
    process.stdout.write(devMode.banner(bridgeUrl));
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'bridge: shutting down');
    const deadline = setTimeout(() => {
      logger.error('bridge: shutdown deadline passed; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    void (async () => {
      await bridge.close();
      await store.close();
      await devMode?.close();
      logger.info('bridge: stopped');
      process.exit(0);
    })().catch((err) => {
      logger.error({ err }, 'bridge: shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * The dev mode module of a source checkout.
 * @throws ConfigError when it is absent (a production build started without credentials).
 */
async function loadDevMode(): Promise<DevModeModule> {
  const specifier: string = DEV_MODE_MODULE;
  try {
    return (await import(specifier)) as DevModeModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new ConfigError([
      'SF_*: no Salesforce credentials set, and this build has no embedded dev org (dev mode runs from a source checkout: `npm start`); set a login (README "Configuration")',
    ]);
  }
}

main().catch((err) => {
  // A configuration problem or a step that hung is the user's to fix: one plain message. Anything
  // else is a bug: its stack.
  const plain = err instanceof ConfigError || err instanceof DeadlineError;
  const text = plain ? err.message : `failed to start: ${(err as Error).stack ?? err}`;
  process.stderr.write(`sf-chat-bridge: ${text}\n`);
  process.exit(1);
});
