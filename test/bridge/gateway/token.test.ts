// The browser token verifier: every refusal reason, HS256 and RS256 (SPKI key and X.509 certificate),
// 15- vs 18-character org ids, and no algorithm confusion between the two keys.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_SCOPE, DEFAULT_TOKEN_AUDIENCE, MAX_TOKEN_LIFETIME_MS, MAX_TOKEN_ROOMS } from '../../../bridge/events/contract.js';
import {
  MAX_TOKEN_CHARS,
  TOKEN_REFUSAL_MESSAGES,
  TokenError,
  createTokenClaimsVerifier,
  createTokenVerifier,
  type TokenRefusal,
  type TokenVerifierOptions,
} from '../../../bridge/gateway/token.js';
import { b64url, rsaFixture, signToken, type RsaFixture } from './support/keys.js';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ORG_15 = '00D000000000001';
const ORG_18 = '00D000000000001EAA';
const USER = '005000000000001';
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const nowS = NOW / 1000;

let rsa: RsaFixture;
let otherRsa: RsaFixture;
beforeAll(() => {
  rsa = rsaFixture();
  otherRsa = rsaFixture();
});

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const base: Record<string, unknown> = { sub: USER, name: 'Ann Author', org: ORG_15, aud: DEFAULT_TOKEN_AUDIENCE, iat: nowS, exp: nowS + 600 };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base as JWTPayload;
}

function verifier(overrides: Partial<TokenVerifierOptions> = {}) {
  return createTokenVerifier({
    secret: SECRET,
    publicKeyPem: rsa.publicKeyPem,
    audience: DEFAULT_TOKEN_AUDIENCE,
    orgId: () => ORG_15,
    now: () => NOW,
    ...overrides,
  });
}

async function refusalOf(promise: Promise<unknown>): Promise<TokenRefusal> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'token should have been refused').toBeInstanceOf(TokenError);
  const tokenError = err as TokenError;
  expect(tokenError.message, 'client-facing message is the plain-words one').toBe(TOKEN_REFUSAL_MESSAGES[tokenError.reason]);
  return tokenError.reason;
}

describe('createTokenVerifier: set-up', () => {
  it('needs a secret or a public key', () => {
    expect(() => createTokenVerifier({ audience: 'a', orgId: () => ORG_15 })).toThrow(/secret .* publicKeyPem/);
    expect(() => createTokenVerifier({ secret: '', audience: 'a', orgId: () => ORG_15 })).toThrow(/secret is empty/);
  });

  it('refuses unusable public key material at creation, saying why', () => {
    const base = { audience: 'a', orgId: () => ORG_15 };
    expect(() => createTokenVerifier({ ...base, publicKeyPem: 'not a pem' })).toThrow(/not a PEM public key or X.509 certificate/);
    const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => createTokenVerifier({ ...base, publicKeyPem: privatePem })).toThrow(/private key/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createTokenVerifier({ ...base, publicKeyPem: ec })).toThrow(/ec key; RS256 needs RSA/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createTokenVerifier({ ...base, publicKeyPem: small })).toThrow(/1024-bit/);
  });
});

describe('scopes (the admin token)', () => {
  const options: TokenVerifierOptions = { secret: SECRET, audience: DEFAULT_TOKEN_AUDIENCE, orgId: () => ORG_15, now: () => NOW };

  it('the claims verifier answers the space-delimited scopes, and nothing for a missing or non-string scope', async () => {
    const verify = createTokenClaimsVerifier(options);
    expect((await verify(await signToken(claims({ scope: `chat:read ${AUDIT_SCOPE}` }), SECRET))).scopes).toEqual(['chat:read', AUDIT_SCOPE]);
    expect((await verify(await signToken(claims(), SECRET))).scopes).toEqual([]);
    expect((await verify(await signToken(claims({ scope: [AUDIT_SCOPE] }), SECRET))).scopes).toEqual([]);
  });

  it('refuses exactly what the socket verifier refuses: a scope opens no token the identity would not', async () => {
    const verify = createTokenClaimsVerifier(options);
    for (const bad of [claims({ scope: AUDIT_SCOPE, org: '00D000000000002' }), claims({ scope: AUDIT_SCOPE, exp: nowS - 60 }), claims({ scope: AUDIT_SCOPE, aud: 'other' })]) {
      const token = await signToken(bad, SECRET);
      expect(await refusalOf(verify(token))).toBe(await refusalOf(createTokenVerifier(options)(token)));
    }
  });

  it('sockets get the identity only: an admin token gives the socket data a chat token gives', async () => {
    const socketVerifier = createTokenVerifier(options);
    const chat = await socketVerifier(await signToken(claims(), SECRET));
    const withScope = await socketVerifier(await signToken(claims({ scope: AUDIT_SCOPE }), SECRET));
    expect(withScope).toEqual(chat);
    expect(Object.keys(withScope).sort()).toEqual(['expiresAt', 'name', 'orgId', 'rooms', 'userId']);
  });
});

describe('createTokenVerifier: the rooms claim', () => {
  it.each([
    ['not an array', 'a0B000000000001EAA', /rooms claim is not an array/],
    ['an id that is not a Salesforce id', ['a0B000000000001EAA', 'room-b'], /rooms claim\[1\] is not a Salesforce id/],
    ['a number', [42], /rooms claim\[0\]/],
    ['null', null, /rooms claim is not an array/],
    ['more than MAX_TOKEN_ROOMS', Array.from({ length: MAX_TOKEN_ROOMS + 1 }, () => 'a0B000000000001'), /at most 200/],
  ])('refuses a rooms claim that is %s as malformed, naming the claim', async (_what, rooms, detail) => {
    const err = await verifier()(await signToken(claims({ rooms }), SECRET)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect((err as TokenError).reason).toBe('malformed');
    expect((err as TokenError).detail).toMatch(detail);
  });
});

describe('createTokenVerifier: accepted tokens', () => {
  it('turns a valid HS256 token into socket data (exp in ms)', async () => {
    const data = await verifier()(await signToken(claims(), SECRET));
    expect(data).toEqual({ userId: USER, name: 'Ann Author', orgId: ORG_15, expiresAt: (nowS + 600) * 1000, rooms: [] });
  });

  it('reads the rooms claim (contract 2.3.0) as canonical room keys: 15/18-character forms and casings of one id are one room', async () => {
    const ROOM_A_15 = 'a0B000000000001';
    const ROOM_A_18 = 'a0B000000000001EAA';
    const ROOM_B_15 = 'a0b000000000001'; // differs from A only in case: another room
    const data = await verifier()(await signToken(claims({ rooms: [ROOM_A_18, ROOM_A_15, ROOM_A_18.toLowerCase(), ROOM_B_15] }), SECRET));
    expect(data.rooms).toEqual([ROOM_A_15, ROOM_B_15]);
    expect((await verifier()(await signToken(claims({ rooms: [] }), SECRET))).rooms, 'an empty claim: no rooms').toEqual([]);
  });

  it('accepts RS256 with an SPKI public key, with an X.509 certificate, and with env-style escaped newlines', async () => {
    const token = await signToken(claims(), rsa.privateKey);
    const withKey = verifier({ secret: undefined });
    const withCert = verifier({ secret: undefined, publicKeyPem: rsa.certificatePem });
    const escaped = verifier({ secret: undefined, publicKeyPem: rsa.certificatePem.replace(/\n/g, '\\n') });
    expect((await withKey(token)).userId).toBe(USER);
    expect((await withCert(token)).userId).toBe(USER);
    expect((await escaped(token)).userId).toBe(USER);
  });

  it('with both keys configured, accepts either algorithm', async () => {
    const verify = verifier();
    expect((await verify(await signToken(claims(), SECRET))).name).toBe('Ann Author');
    expect((await verify(await signToken(claims(), rsa.privateKey))).name).toBe('Ann Author');
  });

  it('treats the 15- and 18-character org ids as one org, either way round', async () => {
    const token18 = await signToken(claims({ org: ORG_18 }), SECRET);
    const token15 = await signToken(claims({ org: ORG_15 }), SECRET);
    expect((await verifier({ orgId: () => ORG_15 })(token18)).orgId).toBe(ORG_18);
    expect((await verifier({ orgId: () => ORG_18 })(token15)).orgId).toBe(ORG_15);
  });

  it('allows the clock tolerance on exp and exactly the maximum lifetime', async () => {
    const verify = verifier();
    await expect(verify(await signToken(claims({ exp: nowS - 4 }), SECRET)), 'expired 4 s ago, tolerance 5 s').resolves.toBeDefined();
    const atMax = nowS + MAX_TOKEN_LIFETIME_MS / 1000;
    await expect(verify(await signToken(claims({ exp: atMax }), SECRET)), 'exp exactly 1 h ahead').resolves.toBeDefined();
  });
});

describe('createTokenVerifier: refusals', () => {
  it('missing: no token, null or empty string', async () => {
    const verify = verifier();
    expect(await refusalOf(verify(undefined))).toBe('missing');
    expect(await refusalOf(verify(null))).toBe('missing');
    expect(await refusalOf(verify(''))).toBe('missing');
  });

  it('malformed: not a string, not a JWS, payload not JSON, nbf in the future', async () => {
    const verify = verifier();
    const header = b64url({ alg: 'HS256' });
    expect(await refusalOf(verify(42))).toBe('malformed');
    expect(await refusalOf(verify({ token: 'x' }))).toBe('malformed');
    expect(await refusalOf(verify('not-a-jwt'))).toBe('malformed');
    const notJson = `${header}.${b64url(Buffer.from('not json'))}`;
    const signed = `${notJson}.${createHmac('sha256', SECRET).update(notJson).digest('base64url')}`;
    expect(await refusalOf(verify(signed)), 'validly signed, payload not JSON').toBe('malformed');
    expect(await refusalOf(verify(await signToken(claims({ nbf: nowS + 60 }), SECRET)))).toBe('malformed');
  });

  it('too-large: longer than MAX_TOKEN_CHARS, refused unparsed', async () => {
    const verify = verifier();
    expect(await refusalOf(verify('a'.repeat(MAX_TOKEN_CHARS + 1)))).toBe('too-large');
    expect(await refusalOf(verify('a'.repeat(MAX_TOKEN_CHARS))), 'at the limit: parsed, and not a JWT').toBe('malformed');
  });

  it('bad-signature: wrong secret, tampered payload, another RSA key, unsigned, disallowed alg', async () => {
    const verify = verifier();
    expect(await refusalOf(verify(await signToken(claims(), 'another-secret-another-secret-xx')))).toBe('bad-signature');
    const [h, , s] = (await signToken(claims(), SECRET)).split('.');
    expect(await refusalOf(verify(`${h}.${b64url(claims({ name: 'Mallory' }))}.${s}`)), 'tampered').toBe('bad-signature');
    expect(await refusalOf(verify(await signToken(claims(), otherRsa.privateKey))), 'other RSA key').toBe('bad-signature');
    expect(await refusalOf(verify(`${b64url({ alg: 'none' })}.${b64url(claims())}.`)), 'alg none').toBe('bad-signature');
    expect(await refusalOf(verify(await signToken(claims(), SECRET, 'HS512'))), 'HS512').toBe('bad-signature');
  });

  it('bad-signature: each algorithm only with its own key (no RS256/HS256 confusion)', async () => {
    // The classic attack: an HS256 token whose HMAC key is the (public) RSA key text.
    const confused = await signToken(claims(), rsa.publicKeyPem, 'HS256');
    expect(await refusalOf(verifier()(confused)), 'both keys configured').toBe('bad-signature');
    expect(await refusalOf(verifier({ secret: undefined })(confused)), 'RS256 only').toBe('bad-signature');
    const rs = await signToken(claims(), rsa.privateKey);
    expect(await refusalOf(verifier({ publicKeyPem: undefined })(rs)), 'HS256 only, RS256 token').toBe('bad-signature');
  });

  it('RS256 refusals read the same with a certificate as with a public key', async () => {
    const verify = verifier({ secret: undefined, publicKeyPem: rsa.certificatePem });
    expect(await refusalOf(verify(await signToken(claims(), otherRsa.privateKey)))).toBe('bad-signature');
    expect(await refusalOf(verify(await signToken(claims({ exp: nowS - 60 }), rsa.privateKey)))).toBe('expired');
    expect(await refusalOf(verify(await signToken(claims({ aud: 'other' }), rsa.privateKey)))).toBe('wrong-audience');
    expect(await refusalOf(verify(await signToken(claims({ org: '00D000000000002' }), rsa.privateKey)))).toBe('wrong-org');
  });

  it('wrong-audience: another audience, or none', async () => {
    const verify = verifier();
    expect(await refusalOf(verify(await signToken(claims({ aud: 'someone-else' }), SECRET)))).toBe('wrong-audience');
    expect(await refusalOf(verify(await signToken(claims({ aud: undefined }), SECRET)))).toBe('wrong-audience');
  });

  it('expired: exp past the tolerance', async () => {
    expect(await refusalOf(verifier()(await signToken(claims({ exp: nowS - 6 }), SECRET)))).toBe('expired');
  });

  it('no-expiry: no exp, or exp not a number', async () => {
    const verify = verifier();
    expect(await refusalOf(verify(await signToken(claims({ exp: undefined }), SECRET)))).toBe('no-expiry');
    expect(await refusalOf(verify(await signToken(claims({ exp: 'tomorrow' }), SECRET)))).toBe('no-expiry');
  });

  it('lifetime-too-long: exp more than the maximum ahead (plus tolerance)', async () => {
    const verify = verifier();
    const tooFar = nowS + MAX_TOKEN_LIFETIME_MS / 1000 + 6;
    expect(await refusalOf(verify(await signToken(claims({ exp: tooFar }), SECRET)))).toBe('lifetime-too-long');
    const custom = verifier({ maxLifetimeMs: 60_000 });
    expect(await refusalOf(custom(await signToken(claims({ exp: nowS + 120 }), SECRET)))).toBe('lifetime-too-long');
  });

  it('wrong-org: another org, case differs, bad 18-char checksum, or the bridge does not know its org yet', async () => {
    const verify = verifier();
    expect(await refusalOf(verify(await signToken(claims({ org: '00D000000000002' }), SECRET)))).toBe('wrong-org');
    expect(await refusalOf(verify(await signToken(claims({ org: '00d000000000001' }), SECRET))), 'case').toBe('wrong-org');
    expect(await refusalOf(verify(await signToken(claims({ org: '00D000000000001AAA' }), SECRET))), 'checksum').toBe('wrong-org');
    const notLoggedIn = verifier({ orgId: () => undefined });
    expect(await refusalOf(notLoggedIn(await signToken(claims(), SECRET))), 'org unknown').toBe('wrong-org');
  });

  it('malformed: sub present but not a Salesforce user id (15 alphanumerics, or 18 with its checksum)', async () => {
    const verify = verifier();
    for (const sub of ['bob', 'ann@example.com', '005000000000001X', '005000000000001AAB', '005 00000000001']) {
      expect(await refusalOf(verify(await signToken(claims({ sub }), SECRET))), sub).toBe('malformed');
    }
    expect((await verify(await signToken(claims({ sub: '005000000000001AAA' }), SECRET))).userId, '18-character form').toBe('005000000000001AAA');
  });

  it('missing-claims: sub, name or org absent, empty or not a string', async () => {
    const verify = verifier();
    for (const bad of [{ sub: undefined }, { name: undefined }, { org: undefined }, { name: '  ' }, { sub: 5 }]) {
      expect(await refusalOf(verify(await signToken(claims(bad), SECRET))), JSON.stringify(bad)).toBe('missing-claims');
    }
  });

  it('HS256 reads alike on the fast path and through jose (a header with b64 goes to jose)', async () => {
    const verify = verifier();
    /** Signs by hand, so the header can carry an extension jose honours and the fast path leaves to jose. */
    const hs256 = (payload: JWTPayload, header: Record<string, unknown>) => {
      const input = `${b64url({ alg: 'HS256', typ: 'JWT', ...header })}.${b64url(payload)}`;
      return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
    };
    const outcome = (token: string) => verify(token).then(() => 'accepted', (err: unknown) => (err instanceof TokenError ? err.reason : 'crashed'));
    const cases: Record<string, JWTPayload> = {
      valid: claims(),
      'aud array with ours': claims({ aud: ['other', DEFAULT_TOKEN_AUDIENCE] }),
      'aud array without ours': claims({ aud: ['other'] }),
      'no aud': claims({ aud: undefined }),
      'exp just inside the tolerance': claims({ exp: nowS - 4 }),
      'exp at the tolerance': claims({ exp: nowS - 5 }),
      'exp a string': claims({ exp: String(nowS + 600) }),
      'iat a string': claims({ iat: 'yesterday' }),
      'nbf at the tolerance': claims({ nbf: nowS + 5 }),
      'nbf beyond it': claims({ nbf: nowS + 6 }),
    };
    for (const [name, payload] of Object.entries(cases)) {
      expect(await outcome(hs256(payload, {})), name).toBe(await outcome(hs256(payload, { b64: true })));
    }
    expect(await outcome(hs256(claims(), {})), 'the fast path accepts').toBe('accepted');
    const [h, p, sig] = hs256(claims(), {}).split('.') as [string, string, string];
    const tampered = `${h}.${p}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`; // the first character carries 6 signature bits
    expect(await outcome(tampered), 'a changed signature').toBe('bad-signature');
  });

  it('keeps library error text out of the message but in the cause, for the log', async () => {
    const err = (await verifier()(await signToken(claims(), 'wrong-secret-wrong-secret-wrong!')).catch((e: unknown) => e)) as TokenError;
    expect(err.message).toBe('token signature invalid');
    expect(err.cause).toBeInstanceOf(Error);
    expect((err.cause as Error).message).toMatch(/signature/i);
  });
});
