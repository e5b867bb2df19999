/**
 * A Redis server of the test's own (Debian's `redis-server`), which a test can stop (SIGKILL: as a
 * crash, everything it held is gone) and start again on the same port: the "Redis restarted" fault
 * of a cluster. The launcher is shared with `npm run cluster` (dev/local-servers.ts).
 */
export { startRedisServer, type RedisServer } from '../../dev/local-servers.js';
