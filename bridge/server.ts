/**
 * The process: configuration → (dev org) → bridge → listen; SIGTERM/SIGINT drain within 10 s.
 * The only module that reads process.env (through loadConfig), picks real implementations and exits.
 */
import pino from 'pino';
import { createBridge } from './app.js';
import { ConfigError, loadConfig, type BridgeConfig } from './config.js';
import { startDevMode, type DevMode } from './dev-mode.js';
import { login } from './salesforce/login.js';

/** Longest graceful shutdown before the process exits anyway, ms. */
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  let config: BridgeConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`sf-chat-bridge: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { app: 'sf-chat-bridge' } });

  let devMode: DevMode | undefined;
  if (!config.salesforce) {
    devMode = await startDevMode(config, logger);
    config = devMode.config;
  }
  const target = { login: config.salesforce!, loginUrl: config.loginUrl, apiVersion: config.apiVersion };
  const bridge = await createBridge(config, {
    logger,
    login: () => login(target),
    routes: devMode?.routes,
  });
  const port = await bridge.listen(config.port);
  const bridgeUrl = `http://localhost:${port}`;
  logger.info({ port, channel: config.channel, flow: target.login.flow }, 'bridge: listening');
  if (devMode) {
    await devMode.announce(bridgeUrl);
    process.stdout.write(devBanner(bridgeUrl, devMode));
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

function devBanner(bridgeUrl: string, devMode: DevMode): string {
  const line = '─'.repeat(72);
  return [
    line,
    ' sf-chat-bridge is running on the EMBEDDED DEV ORG (no Salesforce credentials set)',
    ` bridge          ${bridgeUrl}`,
    ` dev org         ${devMode.devOrg.url}  (org ${devMode.devOrg.orgId})`,
    ` local preview   ${bridgeUrl}/  (the websocketChat LWC; open two tabs as two users)`,
    ` channel         ${devMode.config.channel}`,
    ' watch events    npm run watch',
    ' publish event   npm run publish-event -- --type MESSAGE_CREATED',
    ' real org        set SF_* variables (see README "Point it at a real org")',
    line,
    '',
  ].join('\n');
}

main().catch((err) => {
  process.stderr.write(`sf-chat-bridge: failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
