// The file replay store: survives a reopen, ignores what is not its own, refuses an unusable folder
// by naming REPLAY_STORE, and never leaves a half-written file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openFileReplayStore } from '../../../bridge/store/file-replay-store.js';

const logger = pino({ level: 'silent' });
const CHANNEL = '/event/Chat_Event__e';
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'replay-')), 'nested', 'replay.json');

describe('file replay store', () => {
  it('starts empty, persists the last recorded id, and reopens with it', async () => {
    const path = tempFile();
    const store = await openFileReplayStore(path, CHANNEL, logger);
    expect(store.current()).toBeUndefined();
    for (const id of [11, 15, 42]) store.record(id);
    await store.flush();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ channel: CHANNEL, replayId: 42 });
    const reopened = await openFileReplayStore(path, CHANNEL, logger);
    expect(reopened.current()).toBe(42);
  });

  it('ignores an id stored for another channel, and a malformed file', async () => {
    const path = tempFile();
    const store = await openFileReplayStore(path, '/event/Other__e', logger);
    store.record(7);
    await store.flush();
    expect((await openFileReplayStore(path, CHANNEL, logger)).current()).toBeUndefined();
    writeFileSync(path, '{not json');
    expect((await openFileReplayStore(path, CHANNEL, logger)).current()).toBeUndefined();
  });

  it('refuses to open where it cannot write, naming REPLAY_STORE', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'replay-')), 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(openFileReplayStore(join(file, 'replay.json'), CHANNEL, logger)).rejects.toThrow(/REPLAY_STORE: cannot write/);
  });

  it('never leaves a half-written file behind (rename is atomic)', async () => {
    const path = tempFile();
    const store = await openFileReplayStore(path, CHANNEL, logger);
    for (let i = 1; i <= 500; i++) store.record(i * 3);
    await store.flush();
    expect(JSON.parse(readFileSync(path, 'utf8')).replayId).toBe(1500);
  });
});
