// The socket.io handshake over real sockets: origin first, then the token, with a plain-words
// connect_error and a machine reason for every refusal, counted, and nothing internal leaked.
import type { IncomingMessage } from 'node:http';
import { connect as connectTcp, Socket } from 'node:net';
import type { JWTPayload } from 'jose';
import { io as connectClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CONTRACT_VERSION, DEFAULT_TOKEN_AUDIENCE } from '../../../bridge/events/contract.js';
import { MAX_TOKEN_CHARS, createTokenVerifier } from '../../../bridge/gateway/token.js';
import { MAX_MESSAGE_BYTES, ORG_ID, connected, metricValue, nextEvent, refused, startGateway, TEST_EPOCH, type Harness } from './support/harness.js';
import { rsaFixture, signToken, type RsaFixture } from './support/keys.js';

const SECRET = 'handshake-test-secret-0123456789abcdef';
const LIGHTNING = 'https://acme.lightning.force.com';

let rsa: RsaFixture;
let other: RsaFixture;
let h: Harness;
const tokensUsed: string[] = [];

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const nowS = Math.floor(Date.now() / 1000);
  const base: Record<string, unknown> = { sub: '005000000000001', name: 'Ann Author', org: ORG_ID, aud: DEFAULT_TOKEN_AUDIENCE, iat: nowS, exp: nowS + 600 };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base as JWTPayload;
}

async function hs(overrides: Record<string, unknown> = {}): Promise<string> {
  const token = await signToken(claims(overrides), SECRET);
  tokensUsed.push(token);
  return token;
}

beforeAll(async () => {
  rsa = rsaFixture();
  other = rsaFixture();
  h = await startGateway({
    deps: {
      verifyToken: createTokenVerifier({
        secret: SECRET,
        publicKeyPem: rsa.certificatePem,
        audience: DEFAULT_TOKEN_AUDIENCE,
        orgId: () => `${ORG_ID}EAA`, // the bridge knows the 18-character form; tokens carry 15
      }),
    },
  });
});
afterAll(() => h.close());

describe('handshake: token', () => {
  it('admits HS256 and RS256 (certificate) tokens and greets with bridge:status', async () => {
    for (const token of [await hs(), await signToken(claims(), rsa.privateKey)]) {
      const client = h.connect(token, { origin: LIGHTNING });
      const status = nextEvent(client, 'bridge:status');
      await connected(client);
      expect(await status).toEqual({ upstream: 'connected', contractVersion: CONTRACT_VERSION, epoch: TEST_EPOCH, rooms: [] });
      client.disconnect();
    }
  });

  const cases: Array<[string, string, () => Promise<unknown>]> = [
    ['missing', 'token missing', async () => undefined],
    ['malformed', 'token malformed', async () => 'not.a.jwt'],
    ['malformed', 'token malformed', async () => ({ nested: 'object' })],
    ['bad-signature', 'token signature invalid', async () => signToken(claims(), 'wrong-secret-wrong-secret-wrong-secret')],
    ['bad-signature', 'token signature invalid', async () => signToken(claims(), other.privateKey)],
    ['bad-signature', 'token signature invalid', async () => signToken(claims(), rsa.publicKeyPem, 'HS256')],
    ['wrong-audience', 'token audience invalid', async () => hs({ aud: 'another-app' })],
    ['expired', 'token expired', async () => hs({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['expired', 'token expired', async () => signToken(claims({ exp: Math.floor(Date.now() / 1000) - 60 }), rsa.privateKey)],
    ['no-expiry', 'token has no expiry', async () => hs({ exp: undefined })],
    ['lifetime-too-long', 'token lifetime too long', async () => hs({ exp: Math.floor(Date.now() / 1000) + 7_200 })],
    ['wrong-org', 'token for another org', async () => hs({ org: '00D000000000002' })],
    ['missing-claims', 'token claims missing', async () => hs({ name: undefined })],
    ['malformed', 'token malformed', async () => hs({ sub: 'ann@example.com' })],
  ];

  it.each(cases)('refuses %s with "%s", data.reason, and a count', async (reason, message, makeToken) => {
    const before = await metricValue(h.metrics.socketsRefused, { reason });
    const token = await makeToken();
    if (typeof token === 'string') tokensUsed.push(token);
    const err = await refused(h.connect(token, { origin: LIGHTNING }));
    expect(err.message).toBe(message);
    expect(err.data).toEqual({ reason });
    expect(await metricValue(h.metrics.socketsRefused, { reason })).toBe(before + 1);
  });

  it('admits 15- and 18-character org ids alike (the bridge knows the 18-character form)', async () => {
    for (const org of [ORG_ID, `${ORG_ID}EAA`]) {
      const client = h.connect(await hs({ org }));
      await expect(connected(client), org).resolves.toBe(client);
      client.disconnect();
    }
  });

  it('fits a large real-world token (RS256, 121-character non-ASCII name, 18-char ids) in maxHttpBufferSize', async () => {
    const name = 'Zoë Ångström-Øberg '.repeat(7).slice(0, 121);
    const token = await signToken(claims({ name, sub: '005000000000001AAA', org: `${ORG_ID}EAA`, jti: 'x'.repeat(36) }), rsa.privateKey);
    const client = h.connect(token, { transports: ['polling'] }); // polling: the whole CONNECT packet is one POST body
    await expect(connected(client)).resolves.toBe(client);
    client.disconnect();
  });

  it.each([['websocket'], ['polling']] as const)(
    'admits a valid token of up to MAX_TOKEN_CHARS over %s, though its handshake is over the 4 KB message limit',
    async (transport) => {
      const padding = 'p'.repeat(MAX_TOKEN_CHARS * 0.7); // base64url grows it by 4/3: just under the limit
      const token = await hs({ padding });
      expect(token.length).toBeGreaterThan(MAX_MESSAGE_BYTES);
      expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_CHARS);
      const client = h.connect(token, { transports: [transport] });
      await expect(connected(client)).resolves.toBe(client);
      client.disconnect();
    },
  );

  it.each([['websocket'], ['polling']] as const)(
    'refuses an over-size token over %s at once with a readable connect_error, not a silent drop',
    async (transport) => {
      const before = await metricValue(h.metrics.socketsRefused, { reason: 'too-large' });
      const started = Date.now();
      const err = await refused(h.connect('x'.repeat(MAX_TOKEN_CHARS + 1), { transports: [transport] }));
      expect(err.message).toBe('token too large');
      expect(err.data).toEqual({ reason: 'too-large' });
      expect(Date.now() - started, 'prompt, not a timeout').toBeLessThan(1_000);
      expect(await metricValue(h.metrics.socketsRefused, { reason: 'too-large' })).toBe(before + 1);
    },
  );

  it('never writes a token to the log', () => {
    expect(tokensUsed.length).toBeGreaterThan(5);
    const log = h.rawLogs.join('');
    expect(log).toContain('handshake refused');
    for (const jwt of tokensUsed.filter((t) => t.split('.').length === 3 && t.length > 100)) {
      expect(log).not.toContain(jwt.split('.')[2]); // the signature: the secret part of a bearer token
    }
  });
});

describe('handshake: origin', () => {
  it('admits allowed origins (wildcard and exact), no Origin, and the bridge itself, on both transports', async () => {
    const self = h.url; // Origin http://127.0.0.1:<port>, Host 127.0.0.1:<port>
    for (const transports of [['websocket'], ['polling']] as const) {
      for (const origin of ['https://acme--uat.sandbox.lightning.force.com', 'http://localhost:3000', self, undefined]) {
        const client = h.connect(await hs(), { origin, transports: [...transports] });
        await expect(connected(client), `${origin} over ${transports[0]}`).resolves.toBe(client);
        client.disconnect();
      }
    }
  });

  it('refuses other origins before looking at the token, on both transports', async () => {
    for (const transports of [['websocket'], ['polling']] as const) {
      for (const origin of ['https://evil.example.com', 'http://acme.lightning.force.com', 'null']) {
        const before = await metricValue(h.metrics.socketsRefused, { reason: 'origin' });
        const err = await refused(h.connect(undefined, { origin, transports: [...transports] }));
        expect(err.message, `${origin} over ${transports[0]}`).toBe('origin not allowed');
        expect(err.data).toEqual({ reason: 'origin' });
        expect(await metricValue(h.metrics.socketsRefused, { reason: 'origin' })).toBe(before + 1);
      }
    }
  });

  it('answers long-polling CORS, preflight included, only for allowed origins', async () => {
    const poll = (origin: string) => fetch(`${h.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const ok = await poll(LIGHTNING);
    expect(ok.headers.get('access-control-allow-origin')).toBe(LIGHTNING);
    const evil = await poll('https://evil.example.com');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = (origin: string) =>
      fetch(`${h.url}/socket.io/?EIO=4&transport=polling`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const allowed = await preflight(LIGHTNING);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(LIGHTNING);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('upgrades an allowed origin to a websocket without CORS headers (browsers apply none to websockets)', async () => {
    const ws = new WebSocket(`${h.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { origin: LIGHTNING });
    const upgrade = new Promise<IncomingMessage>((resolve, reject) => {
      ws.once('upgrade', resolve);
      ws.once('error', reject);
    });
    const open = new Promise<string>((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString())));
    const [response, first] = await Promise.all([upgrade, open]);
    ws.terminate();
    expect(response.statusCode).toBe(101);
    expect(first, 'engine.io OPEN packet').toMatch(/^0\{"sid":/);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('handshake: writes', () => {
  it('writes the HTTP 101 with engine.io OPEN, and the CONNECT with the greeting, one socket write each', async () => {
    // What a connect storm costs the bridge is mostly syscalls: plain socket.io writes these four in
    // three. Each `_write` / `_writev` call of a net.Socket is one write to the kernel.
    const writes: string[] = [];
    const text = (chunk: unknown): string => (Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk));
    const { _write: write, _writev: writev } = Socket.prototype;
    Socket.prototype._write = function (this: Socket, chunk, encoding, callback) {
      writes.push(text(chunk));
      write.call(this, chunk, encoding, callback);
    };
    Socket.prototype._writev = function (this: Socket, chunks, callback) {
      writes.push(chunks.map(({ chunk }) => text(chunk)).join(''));
      writev!.call(this, chunks, callback);
    };
    try {
      const client = h.connect(await hs(), { origin: LIGHTNING, transports: ['websocket'] });
      await connected(client); // the server wrote its CONNECT before the client could see it
      client.disconnect();
    } finally {
      Socket.prototype._write = write;
      Socket.prototype._writev = writev;
    }
    expect(writes.find((w) => w.includes('101 Switching')), 'the 101 write').toMatch(/101 Switching[\s\S]*0\{"sid":/);
    expect(writes.find((w) => w.includes('40{"sid"')), 'the CONNECT write').toMatch(/40\{"sid":[\s\S]*"bridge:status"/);
  });

  it('still sends engine.io\'s refusal of a websocket it upgraded (EIO=3: an unsupported protocol version), not a bare close', async () => {
    const { hostname, port } = new URL(h.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const tcp = connectTcp(Number(port), hostname, () =>
        tcp.write(
          'GET /socket.io/?EIO=3&transport=websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Origin: ${LIGHTNING}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
      );
      let received = '';
      tcp.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      tcp.on('close', () => resolve(received));
      tcp.on('error', reject);
    });
    expect(answer).toContain('400 Bad Request');
    expect(answer).toContain('Unsupported protocol version');
  });
});

describe('handshake: other paths', () => {
  it('refuses namespaces other than the main one', async () => {
    const client = connectClient(`${h.url}/admin`, { forceNew: true, reconnection: false, transports: ['websocket'], auth: { token: await hs() } });
    const err = await refused(client);
    expect(err.message).toBe('Invalid namespace');
    client.disconnect();
  });

  it('keeps internal verification errors out of the client message, logging them instead', async () => {
    const broken = await startGateway({
      deps: {
        verifyToken: async () => {
          throw new Error('connection refused to key store at 10.0.0.7 (secret=hunter2)');
        },
      },
    });
    try {
      const err = await refused(broken.connect('anything'));
      expect(err.message).toBe('token could not be verified');
      expect(err.data).toEqual({ reason: 'internal' });
      expect(JSON.stringify(err)).not.toContain('hunter2');
      expect(broken.rawLogs.join('')).toContain('key store at 10.0.0.7');
      expect(await metricValue(broken.metrics.socketsRefused, { reason: 'internal' })).toBe(1);
    } finally {
      await broken.close();
    }
  });
});
