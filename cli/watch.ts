/**
 * `npm run watch [-- --url <bridge url> --token <jwt> --origin <origin> --rooms <id,id…>]`
 *
 * Connects to the bridge as a browser would and prints every socket event. Against a dev-mode bridge
 * it needs no arguments (`--url` picks one when several run): it mints its own token with the dev
 * secret, re-reading that bridge's dev session on every handshake so it follows a restarted
 * `npm start`. Against a real deployment, pass the bridge URL and a token from
 * `ChatController.getBridgeConnection`; a refused token then ends the watch with exit status 1.
 * `--rooms` (contract 2.3.0): the chat rooms to hear — signed into the minted token's `rooms` claim in
 * dev mode, sent as `auth.rooms` (a subset of the token's) with `--token`. Without it a minted token
 * has no rooms: only room-less events (org-wide presence) arrive. An id that is not a Salesforce id
 * exits with status 2 before connecting.
 * In dev mode a refusal is retried every 2 s with a fresh token only when a restarted `npm start`
 * explains it (new secret or org, expired, the bridge starting or stopping); any other refusal
 * (a malformed handshake, a room outside the token) would repeat forever and ends the watch (exit 1).
 */
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { readDevSession } from '../dev/dev-sessions.js';
import { signBridgeToken } from '../dev/org/data/bridge-token.js';
import { isSalesforceId } from '../bridge/salesforce/salesforce-id.js';

const USAGE = 'usage: npm run watch [-- --url <bridge url> --token <jwt> --origin <origin> --rooms <id,id…>]';

/** `connect_error` reasons a restarted dev-mode bridge explains: a fresh token may be let in. */
const RETRIED_IN_DEV_MODE: ReadonlySet<string> = new Set(['bad-signature', 'wrong-org', 'wrong-audience', 'expired', 'internal', 'closing']);

/** Exits with status 2, the reason and the usage: a command line to fix. */
function refuse(reason: string): never {
  process.stderr.write(`watch: ${reason}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { url: { type: 'string' }, token: { type: 'string' }, origin: { type: 'string' }, rooms: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (err) {
    refuse((err as Error).message); // an unknown flag, a flag without its value
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const rooms = values.rooms?.split(',').map((id) => id.trim()).filter((id) => id !== '');
  const notAnId = rooms?.find((id) => !isSalesforceId(id));
  if (notAnId !== undefined) refuse(`--rooms ${notAnId} is not a Salesforce id (15 or 18 characters)`);
  let url = values.url;
  let mint: () => Promise<string>;
  if (values.token) {
    if (!url) throw new Error(`--url is required with --token\n${USAGE}`);
    const token = values.token;
    mint = async () => token;
  } else {
    // Up front, so that no running dev-mode bridge (or none at --url) is said at once, in plain words.
    const { bridgeUrl } = await readDevSession({ bridgeUrl: url });
    url ??= bridgeUrl;
    mint = async () => {
      const dev = await readDevSession({ bridgeUrl });
      return signBridgeToken(
        { userId: '005WATCH0000000', name: 'watch (CLI)', orgId: dev.orgId },
        { secret: dev.tokenSecret, audience: dev.audience, rooms },
      );
    };
  }
  new URL(url); // throws "Invalid URL" for a malformed --url

  const socket = io(url, {
    auth: (cb) => void mint().then((token) => cb(values.token && rooms ? { token, rooms } : { token }), () => cb({})),
    extraHeaders: values.origin ? { origin: values.origin } : undefined,
    transports: ['websocket'],
  });
  const print = (name: string, payload?: unknown) =>
    process.stdout.write(`${new Date().toISOString()} ${name} ${payload === undefined ? '' : JSON.stringify(payload)}\n`);
  socket.on('connect', () => print('connect', { id: socket.id, url }));
  socket.on('disconnect', (reason) => {
    print('disconnect', { reason });
    if (reason === 'io server disconnect') socket.connect(); // e.g. the token expired: handshake again
  });
  socket.on('connect_error', (err: Error & { data?: unknown }) => {
    print('connect_error', { message: err.message, data: err.data });
    if (socket.active) return; // transport trouble: socket.io retries by itself
    const reason = (err.data as { reason?: unknown } | undefined)?.reason;
    // A given token, or a refusal no restart explains: nothing will change.
    if (values.token || typeof reason !== 'string' || !RETRIED_IN_DEV_MODE.has(reason)) process.exit(1);
    setTimeout(() => socket.connect(), 2_000); // dev mode: a fresh token after a restart
  });
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
