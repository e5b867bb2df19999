// The CSV export of 100,000 logged events streams with flat memory. The admin API runs in a process
// of its own (support/admin-api-server.ts: the bridge's routes, authorizer and store) on a real
// PostgreSQL server; its RSS is read from /proc every 20 ms while this process downloads the CSV
// chunk by chunk, throwing each chunk away. The growth over its RSS before the download must stay
// far below what holding the rows would take (100,000 rows as objects plus 25 MB of text: well over
// 100 MB). The process runs with a 40 MB old generation: V8 otherwise lets garbage pile up to
// ~100 MB before collecting (measured: +92 MB, all of it collectable), which says nothing about
// what the export keeps; under the cap a process that held the rows dies of heap exhaustion (checked:
// with one page of 200,000 rows it does), one that streams stays within a few MB of its start.
// The figures are printed (README quotes them).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssBytes } from '../../../bench/proc-stats.js';
import { AUDIT_SCOPE, DEFAULT_CHAT_EVENT_CHANNEL, DEFAULT_TOKEN_AUDIENCE } from '../../../bridge/events/contract.js';
import { migrate } from '../../../bridge/store/migrate.js';
import { openPostgresDatabase } from '../../../bridge/store/postgres-database.js';
import { signToken } from '../gateway/support/keys.js';
import { startProcess, stop, type RunningProcess } from '../../helpers/processes.js';
import { startPostgresServer, type PostgresServer } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait-for.js';

const ROWS = 100_000;
const CHUNK = 10_000;
/** Most the API process may grow while streaming, bytes: a fraction of what the rows take held at once. */
const MAX_GROWTH_BYTES = 48 * 1024 * 1024;
/** The API process's old generation, MB: collected garbage instead of lazily grown heap. */
const OLD_SPACE_MB = 40;
const ORG_ID = '00DDv000001AbCdMAK';
const SECRET = 'csv-memory-secret-csv-memory-secret!';
const logger = pino({ level: 'silent' });

let postgres: PostgresServer;
let api: RunningProcess;
let url: string;
beforeAll(async () => {
  postgres = await startPostgresServer();
  const db = openPostgresDatabase(postgres.url, logger);
  await migrate(db, logger);
  // The rows as the subscriber writes them, made in the database (publishing 100,000 events through
  // CometD would measure the dev org, not the export), in chunks within the driver's query timeout.
  for (let first = 1; first <= ROWS; first += CHUNK) {
    await db.query(
      `INSERT INTO event_log (event_uuid, org_id, channel, replay_id, type, record_id, user_id, created_by_id, created_date,
                              received_at, forwarded_at, sockets_reached, source, request_id, changed_fields)
       SELECT gen_random_uuid()::text, $1, $2, g, 'MESSAGE_UPDATED', 'a01Dv00fVylCLGAII4', '005Dv000001AbCdIAK', '005Dv000001EfGhIAK',
              now() - interval '1 second' - g * interval '1 ms', now() - g * interval '1 ms', now() - g * interval '1 ms' + interval '3 ms', 250,
              'BULK_API', md5(g::text), '{Content__c,User__c}'
         FROM generate_series($3::int, $4::int) AS g`,
      [ORG_ID, DEFAULT_CHAT_EVENT_CHANNEL, first, Math.min(ROWS, first + CHUNK - 1)],
    );
  }
  await db.close();
  api = startProcess(new URL('./support/admin-api-server.ts', import.meta.url).pathname, {
    env: { DATABASE_URL: postgres.url, ORG_ID, CHAT_TOKEN_SECRET: SECRET, NODE_OPTIONS: `--max-old-space-size=${OLD_SPACE_MB}` },
  });
  await waitFor(() => /"port":\d+/.test(api.output()), 'the admin API process', { timeoutMs: 30_000 });
  url = `http://127.0.0.1:${/"port":(\d+)/.exec(api.output())![1]}`;
}, 180_000);
afterAll(async () => {
  if (api) await stop(api);
  await postgres?.close();
});

/** Downloads `path` chunk by chunk, keeping nothing; answers the status, bytes and lines. */
async function download(path: string, token: string): Promise<{ status: number; bytes: number; lines: number }> {
  const response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  let bytes = 0;
  let lines = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = value.indexOf(0x0a); i !== -1; i = value.indexOf(0x0a, i + 1)) lines += 1;
  }
  return { status: response.status, bytes, lines };
}

describe('CSV export of 100,000 events', () => {
  it('streams every row while the API process stays flat in memory', async () => {
    const token = await signToken(
      { sub: '005Dv000001AbCdIAK', name: 'Auditor', org: ORG_ID, aud: DEFAULT_TOKEN_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600, scope: AUDIT_SCOPE },
      SECRET,
    );
    const pid = api.child.pid!;
    expect((await download('/admin/api/events.csv?type=USER_LEFT', token)).lines).toBe(1); // warm-up: code loaded, pool open
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
    const started = Date.now();

    const result = await download('/admin/api/events.csv', token);
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(pid));

    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `csv export: ${ROWS} rows, ${mb(result.bytes)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `API process RSS ${mb(before)} MB before, peak ${mb(peak)} MB (+${mb(peak - before)} MB)`,
    );
    expect(result.status).toBe(200);
    expect(result.lines).toBe(ROWS + 1); // the header row, then one per event, each ended by CRLF
    expect(result.bytes).toBeGreaterThan(ROWS * 200);
    expect(peak - before).toBeLessThan(MAX_GROWTH_BYTES);
  }, 300_000);
});
