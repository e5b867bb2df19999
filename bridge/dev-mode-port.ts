/**
 * What the production entry (server.ts) expects of dev mode, which lives outside `bridge/` (in
 * `dev/dev-mode.ts`) and is never compiled into `dist/`. Declared here, on the production side, so
 * the entry can type the module it loads with a dynamic `import()` without importing dev code; dev
 * mode checks itself against it (`satisfies DevModeModule`).
 */
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { BridgeConfig } from './config.js';

/** A running dev org and the bridge configuration that logs in to it. */
export interface RunningDevMode {
  /** The input configuration with a login to the dev org and a browser token secret. */
  readonly config: BridgeConfig;
  /** Extra routes (the local preview) for `createBridge(config, { routes })`. */
  readonly routes: (app: Express) => void;
  /** Once the bridge listens at `bridgeUrl`: tells the dev org and the CLI tools where it is. */
  announce(bridgeUrl: string): Promise<unknown>;
  /** The banner `npm start` prints once the bridge listens (URLs, what to try next). */
  banner(bridgeUrl: string): string;
  close(): Promise<void>;
}

/** The module `dev/dev-mode.ts`, as the production entry loads it. */
export interface DevModeModule {
  /** Starts the embedded dev org for a configuration without Salesforce credentials. */
  startDevMode(config: BridgeConfig, logger: Logger): Promise<RunningDevMode>;
}
