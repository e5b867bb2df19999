/**
 * `npm run watch [-- --url <bridge url> --token <jwt>]`
 *
 * Connects to the bridge as a browser would and prints every socket event. Against a dev-mode bridge
 * it needs no arguments: it mints its own token with the dev secret (and a fresh one on reconnect).
 * Against a real deployment, pass the bridge URL and a token from `ChatController.getBridgeConnection`.
 */
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { readDevSession } from '../dev-mode.js';
import { signBridgeToken } from '../dev-org/bridge-token.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, token: { type: 'string' }, origin: { type: 'string' } },
  });
  let url = values.url;
  let mint: () => Promise<string>;
  if (values.token) {
    const token = values.token;
    mint = async () => token;
  } else {
    const dev = await readDevSession();
    url ??= dev.bridgeUrl;
    mint = () =>
      signBridgeToken(
        { userId: '005WATCH0000000', name: 'watch (CLI)', orgId: dev.orgId },
        { secret: dev.tokenSecret, audience: dev.audience },
      );
  }
  if (!url) throw new Error('--url is required with --token');

  const socket = io(url, {
    auth: (cb) => void mint().then((token) => cb({ token })),
    extraHeaders: values.origin ? { origin: values.origin } : undefined,
    transports: ['websocket'],
  });
  const print = (name: string, payload?: unknown) =>
    process.stdout.write(`${new Date().toISOString()} ${name} ${payload === undefined ? '' : JSON.stringify(payload)}\n`);
  socket.on('connect', () => print('connect', { id: socket.id, url }));
  socket.on('disconnect', (reason) => print('disconnect', { reason }));
  socket.on('connect_error', (err) => print('connect_error', { message: err.message }));
  socket.onAny((name: string, payload: unknown) => print(name, payload));
  process.on('SIGINT', () => {
    socket.close();
    process.exit(0);
  });
}

main().catch((err) => {
  process.stderr.write(`watch: ${(err as Error).message}\n`);
  process.exit(1);
});
