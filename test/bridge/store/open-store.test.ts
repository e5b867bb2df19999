// The embedded database on disk: what a bridge commits is there after it closes and reopens (a
// restart), a directory is held by one bridge at a time (two processes on one PGlite directory
// would corrupt it), a lock left by a dead process is taken over, and dev mode's default
// directory falls back to memory instead of refusing. Failures name the variable to fix.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../bridge/store/open-store.js';

const logger = pino({ level: 'silent' });
const key = { orgId: '00D000000000001AAA', channel: '/event/Chat_Event__e' };

describe('embedded store on disk', () => {
  it('keeps what was committed across a close and reopen; the directory is held while open', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bridge-store-')), 'pglite');
    const choice = { kind: 'embedded', dir, explicit: true } as const;
    const first = await openStore(choice, logger);
    const { epoch } = await first.logPosition();
    await first.logEvent(key, {
      type: 'USER_ENTERED', recordId: '005000000000001AAA', userId: '005000000000001AAA', createdById: '005000000000001AAA',
      createdDate: new Date().toISOString(), replayId: 31, eventUuid: randomUUID(), roomId: null,
    }, new Date());

    await expect(openStore(choice, logger)).rejects.toThrow(/EMBEDDED_DATABASE_DIR: cannot open .*pglite \(in use by another bridge \(pid \d+\)/);
    const fallback = await openStore(choice, logger, { memoryWhenInUse: true });
    expect((await fallback.logPosition()).epoch, 'a store of its own, in memory').not.toBe(epoch);
    await fallback.close();

    await first.close();
    const reopened = await openStore(choice, logger);
    expect(await reopened.replayPosition(key)).toBe(31);
    expect((await reopened.logPosition()).epoch).toBe(epoch);
    await reopened.close();
  }, 60_000);

  it('takes over a lock whose process is gone (a crash)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bridge-store-')), 'pglite');
    writeFileSync(`${dir}.lock`, '2147483646\n'); // no such process
    const store = await openStore({ kind: 'embedded', dir, explicit: true }, logger);
    expect(store.kind).toBe('pglite');
    await store.close();
  }, 30_000);

  it('refuses a directory that holds other files and no database, and leaves it as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-foreign-'));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(openStore({ kind: 'embedded', dir, explicit: true }, logger)).rejects.toThrow(/EMBEDDED_DATABASE_DIR: cannot open .* \(it holds other files and no database/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('holds the directory under its real path: a symlink to it meets the same lock', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bridge-real-')), 'pglite');
    const link = join(mkdtempSync(join(tmpdir(), 'bridge-link-')), 'pglite');
    const first = await openStore({ kind: 'embedded', dir, explicit: true }, logger);
    try {
      symlinkSync(dir, link);
      await expect(openStore({ kind: 'embedded', dir: link, explicit: true }, logger)).rejects.toThrow(/in use by another bridge/);
    } finally {
      await first.close();
    }
  });

  it('names DATABASE_URL, without its password, when the server cannot be reached', async () => {
    const opened = openStore({ kind: 'postgres', url: 'postgres://bridge:s3cret@127.0.0.1:9/bridge' }, logger);
    await expect(opened).rejects.toThrow(/DATABASE_URL: cannot open postgres:\/\/bridge:\*\*\*@127\.0\.0\.1:9\/bridge \(ECONNREFUSED\)/);
    await expect(opened).rejects.not.toThrow(/s3cret/);
  });
});
