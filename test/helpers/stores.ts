/**
 * The stores tests run on: an in-memory PGlite shared by one test file (opening one costs ~2 s, so
 * a file pays it once), and a real PostgreSQL server (Debian's `postgresql` package) started on a
 * free port in a temporary directory, which a test can stop, start and restart to see what the
 * bridge does when its database goes away (dev/local-servers.ts, shared with `npm run cluster`).
 */
import pino from 'pino';
import type { EventStore } from '../../bridge/store/event-store.js';
import { openMemoryStore } from '../../bridge/store/open-store.js';

let shared: Promise<EventStore> | undefined;

/** This test file's in-memory store (opened at the first call, gone with the test process). */
export const sharedMemoryStore = (): Promise<EventStore> => (shared ??= openMemoryStore(pino({ level: 'silent' })));

/** Real servers for the store and cluster tests: one definition, shared with `npm run cluster`. */
export { freePort, startPostgresServer, type PostgresServer } from '../../dev/local-servers.js';
