// Upgrading from the bridge that kept its replay position in `.data/replay.json`: the first start
// on the store resubscribes from the file's position (nothing published meanwhile is lost), the
// store holds it from then on, and the file is renamed so it is never imported again.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridge, type Bridge } from '../../../bridge/app.js';
import { loadConfig } from '../../../bridge/config.js';
import type { ChatEvent } from '../../../bridge/events/contract.js';
import { login } from '../../../bridge/salesforce/login.js';
import { readLegacyReplayFile } from '../../../bridge/store/legacy-replay-file.js';
import { signBridgeToken } from '../../../dev/org/data/bridge-token.js';
import { startDevOrg, type DevOrg } from '../../../dev/org/index.js';
import { AUDIENCE, TOKEN_SECRET } from '../../helpers/stack.js';
import { sharedMemoryStore } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait-for.js';

const logger = pino({ level: 'silent' });
const CHANNEL = '/event/Chat_Event__e';
const fileWith = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'bridge-legacy-')), 'replay.json');
  writeFileSync(path, content);
  return path;
};

let devOrg: DevOrg | undefined;
let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  await devOrg?.close();
});

describe('old replay.json', () => {
  it('is imported at the first login: the bridge resubscribes from it, the store keeps it, the file is renamed', async () => {
    devOrg = await startDevOrg();
    const publish = (type: string) => devOrg!.publishEvent({ Type__c: type, Record_Id__c: 'a00000000000001AAA', User_Id__c: devOrg!.credentials.userId });
    const lastProcessed = await publish('MESSAGE_CREATED'); // what the old bridge had processed
    const missed = await publish('USER_ENTERED'); // published while it was being upgraded
    const path = fileWith(JSON.stringify({ channel: CHANNEL, replayId: lastProcessed.replayId, updatedAt: new Date().toISOString() }));
    const store = await sharedMemoryStore();

    const org = devOrg;
    bridge = createBridge(loadConfig({ CHAT_TOKEN_SECRET: TOKEN_SECRET }), {
      logger,
      login: () => login({ login: { flow: 'access-token', instanceUrl: org.url, accessToken: org.issueAccessToken() }, loginUrl: org.url, apiVersion: '62.0' }),
      store,
      legacyReplay: await readLegacyReplayFile(path, CHANNEL, logger),
    });
    const port = await bridge.listen(0, '127.0.0.1');
    await waitFor(() => bridge!.subscriber!.state() === 'connected', 'subscribed');
    expect(devOrg.observed.subscribes.at(-1)).toMatchObject({ replayId: lastProcessed.replayId, successful: true });
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.imported`)).toBe(true);

    // The missed event was replayed and logged; it is the store's position now.
    const token = await signBridgeToken({ userId: '005000000000001AAA', name: 'Upgrader', orgId: devOrg.orgId }, { secret: TOKEN_SECRET, audience: AUDIENCE });
    await waitFor(async () => (await store.replayPosition({ orgId: bridge!.subscriber!.session()!.orgId, channel: CHANNEL })) === missed.replayId, 'position of the missed event');
    const logged = await store.eventsAfter(0, { limit: 100_000 });
    expect(logged.filter((l) => l.event.eventUuid === missed.eventUuid)).toHaveLength(1);
    const socket = io(`http://127.0.0.1:${port}`, { auth: { token }, forceNew: true, reconnection: false, transports: ['websocket'] });
    const live: ChatEvent[] = [];
    socket.on('chat:event', (e) => live.push(e));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const next = await publish('MESSAGE_UPDATED');
    await waitFor(() => live.length === 1, 'live event');
    expect(live[0]!.eventUuid).toBe(next.eventUuid);
    socket.close();
  });

  it('is ignored when missing, malformed or of another channel', async () => {
    expect(await readLegacyReplayFile('/nonexistent/replay.json', CHANNEL, logger)).toBeUndefined();
    expect(await readLegacyReplayFile(fileWith('{not json'), CHANNEL, logger)).toBeUndefined();
    expect(await readLegacyReplayFile(fileWith(JSON.stringify({ channel: '/event/Other__e', replayId: 5 })), CHANNEL, logger)).toBeUndefined();
    expect(await readLegacyReplayFile(fileWith(JSON.stringify({ channel: CHANNEL, replayId: 'five' })), CHANNEL, logger)).toBeUndefined();
    expect((await readLegacyReplayFile(fileWith(JSON.stringify({ channel: CHANNEL, replayId: 5 })), CHANNEL, logger))?.replayId).toBe(5);
  });

  it('is ignored, not thrown at, when it holds null, a fraction or an id no bigint holds (the store would refuse them at every start)', async () => {
    for (const content of ['null', '5', '[]', JSON.stringify({ channel: CHANNEL, replayId: 1.5 }), JSON.stringify({ channel: CHANNEL, replayId: 1e20 })]) {
      expect(await readLegacyReplayFile(fileWith(content), CHANNEL, logger), content).toBeUndefined();
    }
  });

  it('is renamed beside an earlier .imported file, never over it', async () => {
    const path = fileWith(JSON.stringify({ channel: CHANNEL, replayId: 7 }));
    writeFileSync(`${path}.imported`, 'an earlier import');
    await (await readLegacyReplayFile(path, CHANNEL, logger))!.retire();
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(`${path}.imported`, 'utf8')).toBe('an earlier import');
    const renamed = readdirSync(dirname(path)).filter((f) => /^replay\.json\.imported-\d+$/.test(f));
    expect(renamed).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dirname(path), renamed[0]!), 'utf8')).replayId).toBe(7);
  });
});
