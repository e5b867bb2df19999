// Browsers reconnect the moment a restarted bridge listens, before it has logged in to Salesforce
// and learned its org id: their handshakes wait for the login instead of being refused.
import pino from 'pino';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridge, type Bridge } from '../../../bridge/app.js';
import { loadConfig } from '../../../bridge/config.js';
import { signBridgeToken } from '../../../dev/org/data/bridge-token.js';
import { startDevOrg, type DevOrg } from '../../../dev/org/index.js';
import { login } from '../../../bridge/salesforce/login.js';
import { AUDIENCE, TOKEN_SECRET } from '../../helpers/stack.js';
import { sharedMemoryStore } from '../../helpers/stores.js';

let devOrg: DevOrg;
let bridge: Bridge;
afterEach(async () => {
  await bridge.close();
  await devOrg.close();
});

describe('startup', () => {
  it('a handshake that arrives before the first login waits for it and is accepted', async () => {
    devOrg = await startDevOrg();
    const config = loadConfig({ CHAT_TOKEN_SECRET: TOKEN_SECRET });
    const session = () => login({ login: { flow: 'access-token', instanceUrl: devOrg.url, accessToken: devOrg.issueAccessToken() }, loginUrl: devOrg.url, apiVersion: '62.0' });
    bridge = createBridge(config, {
      logger: pino({ level: 'silent' }),
      login: () => new Promise((resolve) => setTimeout(resolve, 800)).then(session), // a slow login
      store: await sharedMemoryStore(),
    });
    const port = await bridge.listen(0, '127.0.0.1');
    const token = await signBridgeToken({ userId: '005000000000001AAA', name: 'Early', orgId: devOrg.orgId }, { secret: TOKEN_SECRET, audience: AUDIENCE });
    const socket = io(`http://127.0.0.1:${port}`, { auth: { token }, forceNew: true, reconnection: false, transports: ['websocket'] });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (err) => resolve(`refused: ${err.message}`));
    });
    socket.close();
    expect(outcome).toBe('connected');
    expect(bridge.subscriber!.session()).toBeDefined();
  });
});
