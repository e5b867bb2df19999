/**
 * Verification of the browser token carried in the socket.io handshake (`auth.token`).
 *
 * Why this exists: the bridge has no session of its own. A browser proves who it is with a short-lived
 * JWT that Salesforce issued (Apex `ChatController.getBridgeConnection()`, or the dev org), signed
 * either with a shared secret (HS256, `Crypto.generateMac('hmacSHA256', …)`) or with an org
 * certificate's private key (RS256, `Auth.JWS`). This module turns such a token into the
 * {@link SocketData} the gateway trusts, or refuses it with one machine-readable
 * {@link TokenRefusal} and a plain-words message that is safe to show to the browser. Library error
 * text stays in `cause`, for the log only.
 */
import { createHmac, createPublicKey, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { errors, importSPKI, importX509, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { MAX_TOKEN_LIFETIME_MS, MAX_TOKEN_ROOMS, type BridgeTokenClaims, type SocketData } from '../events/contract.js';
import { isSalesforceId, salesforceIdKey } from '../salesforce/salesforce-id.js';

/** Why a token was refused (`err.data.reason` on the browser's `connect_error`, metric label). */
export type TokenRefusal =
  | 'missing'
  | 'malformed'
  | 'bad-signature'
  | 'wrong-audience'
  | 'expired'
  | 'no-expiry'
  | 'lifetime-too-long'
  | 'wrong-org'
  | 'missing-claims'
  | 'too-large';

/** The message a browser sees for each {@link TokenRefusal}: plain words, no library text. */
export const TOKEN_REFUSAL_MESSAGES: Readonly<Record<TokenRefusal, string>> = {
  missing: 'token missing',
  malformed: 'token malformed',
  'bad-signature': 'token signature invalid',
  'wrong-audience': 'token audience invalid',
  expired: 'token expired',
  'no-expiry': 'token has no expiry',
  'lifetime-too-long': 'token lifetime too long',
  'wrong-org': 'token for another org',
  'missing-claims': 'token claims missing',
  'too-large': 'token too large',
};

/**
 * A token was refused. `message` is {@link TOKEN_REFUSAL_MESSAGES}[reason] (safe for clients);
 * `detail` and `cause` say more, for the log only.
 */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  /** Machine-readable reason. */
  readonly reason: TokenRefusal;
  /** What exactly was wrong, for operators (never sent to clients). */
  readonly detail: string | undefined;

  constructor(reason: TokenRefusal, options: { detail?: string; cause?: unknown } = {}) {
    super(TOKEN_REFUSAL_MESSAGES[reason], { cause: options.cause });
    this.reason = reason;
    this.detail = options.detail;
  }
}

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  /** HS256 shared secret (`CHAT_TOKEN_SECRET`), used as its UTF-8 bytes. */
  secret?: string;
  /**
   * RS256 verification key: an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`) or a PEM X.509
   * certificate (`-----BEGIN CERTIFICATE-----`, as downloaded from the org's Certificate and Key
   * Management). RSA, at least 2048 bits. Literal `\n` sequences (as env vars often hold) are read as
   * newlines.
   */
  publicKeyPem?: string;
  /** Required `aud` (`CHAT_TOKEN_AUDIENCE`). */
  audience: string;
  /**
   * The org the bridge is logged into, or `undefined` while it is not (then every token is refused
   * as `wrong-org`). 15- and 18-character forms of one id are equal.
   */
  orgId: () => string | undefined;
  /** Longest accepted distance from now to `exp`, ms. Default {@link MAX_TOKEN_LIFETIME_MS}. */
  maxLifetimeMs?: number;
  /** Clock skew allowed on `exp`/`nbf` and on the lifetime bound, ms. Default 5 000. */
  clockToleranceMs?: number;
  /** Current time, ms since the epoch (tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * Longest token string looked at, characters; anything longer is refused as `too-large` without
 * parsing. Eight times the largest real token (an RS256 token with a 4096-bit key and a long
 * name is about 1 KB).
 */
export const MAX_TOKEN_CHARS = 8_192;

type Algorithm = 'HS256' | 'RS256';

/**
 * Checks the RS256 key material up front, so a wrong `publicKeyPem` stops the process at start-up
 * rather than refusing every browser later.
 * @throws Error naming what is wrong (not PEM, a private key, not RSA, under 2048 bits)
 */
export function checkPublicKeyPem(pem: string): void {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new Error('publicKeyPem holds a private key: give the public key or the certificate');
  }
  let details;
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') {
      throw new Error(`publicKeyPem is a ${key.asymmetricKeyType ?? 'non-RSA'} key; RS256 needs RSA`);
    }
    details = key.asymmetricKeyDetails;
  } catch (cause) {
    if (cause instanceof Error && cause.message.startsWith('publicKeyPem')) throw cause;
    throw new Error('publicKeyPem is not a PEM public key or X.509 certificate', { cause });
  }
  if ((details?.modulusLength ?? 0) < 2048) {
    throw new Error(`publicKeyPem is a ${details?.modulusLength ?? '?'}-bit RSA key; RS256 needs 2048 or more`);
  }
}

/** Imports the RS256 key with jose: certificates through `importX509`, public keys through `importSPKI`. */
async function importRsaKey(pem: string): Promise<CryptoKey> {
  if (pem.includes('-----BEGIN CERTIFICATE-----')) return importX509(pem, 'RS256');
  // PKCS#1 (`BEGIN RSA PUBLIC KEY`) is normalised to SPKI by node:crypto first.
  const spki = pem.includes('-----BEGIN PUBLIC KEY-----')
    ? pem
    : createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
  return importSPKI(spki, 'RS256');
}

/** Maps a jose verification error to a refusal; `undefined` if it is not one of jose's. */
function refusalForJoseError(err: unknown): TokenRefusal | undefined {
  if (err instanceof TypeError) return 'malformed'; // jose's type checks of header/claims values
  if (!(err instanceof Error) || !('code' in err)) return undefined;
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (err as Error & { claim?: string }).claim;
      if (claim === 'aud') return 'wrong-audience';
      if (claim === 'exp') return 'no-expiry'; // present but not a number
      return 'malformed'; // nbf in the future, iat not a number, …
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'bad-signature';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'malformed';
    default:
      return undefined;
  }
}

/** An unpadded base64url segment. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What {@link verifyHs256} checks the claims against. */
interface ClaimRules {
  audience: string;
  /** Current time, ms since the epoch. */
  now: number;
  toleranceMs: number;
}

/** A NumericDate claim, as jose reads it: absent, or a number. */
function numericDate(payload: JWTPayload, claim: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new errors.JWTClaimValidationFailed(`"${claim}" claim must be a number`, payload, claim, 'invalid');
  return value;
}

/** Decodes JOSE segments as jose does (`fatal`: bytes that are not UTF-8 are refused, not replaced). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A base64url segment holding a JSON object (a JOSE header, a claims set), or undefined when it does not. */
function jsonSegment(segment: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(UTF8.decode(Buffer.from(segment, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The three segments of a compact JWS whose header asks for plain HS256 (no `crit` or `b64`
 * extension), for {@link verifyHs256}; undefined for any other token, which is left to jose.
 * @throws TypeError (→ `malformed`, as jose's `decodeProtectedHeader`) when a three-part token's
 *   header is not a base64url JSON object.
 */
function plainHs256Segments(token: string): [string, string, string] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = jsonSegment(parts[0]!);
  if (header === undefined) throw new TypeError('Invalid Token or Protected Header formatting');
  return header.alg === 'HS256' && header.crit === undefined && header.b64 === undefined ? (parts as [string, string, string]) : undefined;
}

/**
 * Verifies a compact HS256 JWS with node:crypto, synchronously, and checks its claims exactly as
 * jose's `jwtVerify` does with the options the bridge gives it (`aud` required, `iat`/`nbf`/`exp`
 * numbers, `nbf` not ahead and `exp` not past by more than the tolerance), throwing jose's own errors
 * so {@link refusalForJoseError} maps both paths alike.
 *
 * Why not jose: jose verifies an HMAC through WebCrypto, about 65 µs of main-thread time per token on
 * Node 20 — a quarter of all the bridge's work in a connect storm (profiled); this takes about 5 µs.
 * The token is split and each segment decoded once (jose's `decodeProtectedHeader` and `decodeJwt`
 * would each split and decode it again: another few percent of a connect storm).
 * @param segments - from {@link plainHs256Segments}.
 */
function verifyHs256([header, body, signature]: [string, string, string], key: KeyObject, rules: ClaimRules): JWTPayload {
  if (!BASE64URL.test(signature)) throw new errors.JWSInvalid('Failed to base64url decode the signature');
  const given = Buffer.from(signature, 'base64url');
  const expected = createHmac('sha256', key).update(`${header}.${body}`).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new errors.JWSSignatureVerificationFailed();

  const payload = jsonSegment(body) as JWTPayload | undefined;
  if (payload === undefined) throw new errors.JWTInvalid('JWT Claims Set is not a base64url JSON object');
  if (!Object.hasOwn(payload, 'aud')) throw new errors.JWTClaimValidationFailed('missing required "aud" claim', payload, 'aud', 'missing');
  const { aud } = payload;
  if (!(typeof aud === 'string' ? aud === rules.audience : Array.isArray(aud) && aud.includes(rules.audience))) {
    throw new errors.JWTClaimValidationFailed('unexpected "aud" claim value', payload, 'aud', 'check_failed');
  }
  const nowS = Math.floor(rules.now / 1000);
  const toleranceS = rules.toleranceMs / 1000;
  numericDate(payload, 'iat');
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > nowS + toleranceS) {
    throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', payload, 'nbf', 'check_failed');
  }
  const exp = numericDate(payload, 'exp');
  if (exp !== undefined && exp <= nowS - toleranceS) throw new errors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
  return payload;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * A list of room ids as a token's `rooms` claim or a handshake's `auth.rooms` gives it, as the
 * canonical 15-character keys of {@link SocketData.rooms} (duplicates, in any form, once).
 * @param what - the name to put in the problem, e.g. `rooms claim`.
 * @returns the keys, or a problem naming `what` and what is wrong with it.
 */
export function parseRoomIds(value: unknown, what: string): { rooms: string[] } | { problem: string } {
  if (!Array.isArray(value)) return { problem: `${what} is not an array` };
  if (value.length > MAX_TOKEN_ROOMS) return { problem: `${what} lists ${value.length} rooms, at most ${MAX_TOKEN_ROOMS}` };
  const rooms = new Set<string>();
  for (const [i, id] of value.entries()) {
    const key = salesforceIdKey(id);
    if (key === undefined) return { problem: `${what}[${i}] is not a Salesforce id` };
    rooms.add(key);
  }
  return { rooms: [...rooms] };
}

/**
 * Creates the function that verifies one browser token.
 *
 * Checks, in order: present and a string of at most {@link MAX_TOKEN_CHARS}; compact JWS with `alg` HS256 (only with `secret`) or RS256
 * (only with `publicKeyPem`) — each algorithm only ever with its own key, so an HS256 token "signed"
 * with the public key is refused; signature; `aud`; `exp` present, not past, at most `maxLifetimeMs`
 * ahead; `nbf` (if present) not in the future; `sub`, `name`, `org` non-empty strings; `sub` a
 * Salesforce id (else `malformed`); `org` is the bridge's org (15/18-character forms equal,
 * 18-character checksum validated); `rooms`, when present, an array of at most {@link MAX_TOKEN_ROOMS}
 * Salesforce ids (else `malformed`, the detail naming the claim; absent = no rooms).
 *
 * @returns `verify(token)`: resolves to {@link SocketData} (`expiresAt` = `exp` in ms), rejects with
 *   {@link TokenError}. Any other rejection is a bug or a key problem, not the client's fault.
 * @throws Error at creation if neither `secret` nor `publicKeyPem` is given, the secret is empty, or
 *   the PEM is unusable ({@link checkPublicKeyPem}).
 */
export function createTokenVerifier(options: TokenVerifierOptions): (token: unknown) => Promise<SocketData> {
  const verifyClaims = createTokenClaimsVerifier(options);
  // Only the identity: a scope (the admin audit's) opens nothing on a socket that the identity would not.
  return (token) => verifyClaims(token).then(({ data }) => data);
}

/** A token {@link createTokenClaimsVerifier} accepted: the identity, and the scopes it grants. */
export interface VerifiedToken {
  data: SocketData;
  /**
   * The `scope` claim split on spaces (RFC 8693 §4.2: a space-delimited list), e.g.
   * `['chat:audit']`; empty when absent or not a string. Only the admin API reads it.
   */
  scopes: readonly string[];
}

/**
 * {@link createTokenVerifier}'s checks, exactly (same keys, audience, org and lifetime rules),
 * answering the token's scopes too: the admin API's verifier.
 * @returns `verify(token)`: resolves to a {@link VerifiedToken}, rejects with {@link TokenError}.
 * @throws Error at creation, as {@link createTokenVerifier}.
 */
export function createTokenClaimsVerifier(options: TokenVerifierOptions): (token: unknown) => Promise<VerifiedToken> {
  const { audience, orgId } = options;
  const now = options.now ?? Date.now;
  const maxLifetimeMs = options.maxLifetimeMs ?? MAX_TOKEN_LIFETIME_MS;
  const toleranceMs = options.clockToleranceMs ?? 5_000;
  if (options.secret === undefined && options.publicKeyPem === undefined) {
    throw new Error('token verifier needs a secret (HS256) or a publicKeyPem (RS256), or both');
  }
  if (options.secret !== undefined && options.secret === '') {
    throw new Error('token verifier secret is empty');
  }
  if (!nonEmptyString(audience)) throw new Error('token verifier audience is empty');

  const keys = new Map<Algorithm, Promise<Uint8Array | CryptoKey>>();
  /** The HS256 key for {@link verifyHs256}, which serves every plain HS256 token. */
  const hmacKey = options.secret === undefined ? undefined : createSecretKey(Buffer.from(options.secret, 'utf8'));
  if (options.secret !== undefined) {
    keys.set('HS256', Promise.resolve(new TextEncoder().encode(options.secret))); // for jose: HS256 headers with extensions
  }
  if (options.publicKeyPem !== undefined) {
    const pem = options.publicKeyPem.replace(/\\n/g, '\n').trim();
    checkPublicKeyPem(pem);
    // A plain Error (no jose `code`), so a failed import is reported as the bridge's fault, not the token's.
    const imported = importRsaKey(pem).catch((cause: unknown) => {
      throw new Error('RS256 key import failed', { cause });
    });
    imported.catch(() => undefined); // surfaced on first use; avoids an unhandled rejection meanwhile
    keys.set('RS256', imported);
  }
  const algorithms = [...keys.keys()];

  /** jose calls this after it has checked `alg` against `algorithms`: each alg gets only its key. */
  const keyFor = (header: { alg?: string }): Promise<Uint8Array | CryptoKey> => {
    const key = keys.get(header.alg as Algorithm);
    if (key === undefined) throw new TokenError('bad-signature', { detail: `alg ${String(header.alg)} not configured` });
    return key;
  };

  return async function verifyToken(token: unknown): Promise<VerifiedToken> {
    if (token === undefined || token === null || token === '') throw new TokenError('missing');
    if (typeof token !== 'string') throw new TokenError('malformed', { detail: `token is a ${typeof token}` });
    if (token.length > MAX_TOKEN_CHARS) throw new TokenError('too-large', { detail: `token is ${token.length} chars` });

    const current = now();
    let payload: JWTPayload;
    try {
      const hs256 = hmacKey === undefined ? undefined : plainHs256Segments(token);
      payload =
        hs256 !== undefined
          ? verifyHs256(hs256, hmacKey!, { audience, now: current, toleranceMs })
          : (await jwtVerify(token, keyFor, { algorithms, audience, clockTolerance: toleranceMs / 1000, currentDate: new Date(current) })).payload;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      const reason = refusalForJoseError(err);
      if (reason === undefined) throw new Error('token verification failed unexpectedly', { cause: err });
      throw new TokenError(reason, { detail: err instanceof Error ? err.message : undefined, cause: err });
    }

    const claims = payload as Partial<Record<keyof BridgeTokenClaims, unknown>>;
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw new TokenError('no-expiry');
    const expiresAt = claims.exp * 1000;
    if (expiresAt - current > maxLifetimeMs + toleranceMs) {
      throw new TokenError('lifetime-too-long', {
        detail: `exp is ${Math.round((expiresAt - current) / 1000)} s ahead, at most ${maxLifetimeMs / 1000} s allowed`,
      });
    }
    const { sub, name, org } = claims;
    if (!nonEmptyString(sub) || !nonEmptyString(name) || !nonEmptyString(org)) {
      const missing = (['sub', 'name', 'org'] as const).filter((c) => !nonEmptyString(claims[c]));
      throw new TokenError('missing-claims', { detail: `missing or empty: ${missing.join(', ')}` });
    }
    // The gateway keys typing, rooms and "is this me" on the user id: anything else would be trusted as one.
    if (!isSalesforceId(sub)) throw new TokenError('malformed', { detail: 'sub claim is not a Salesforce id' });
    const bridgeOrg = orgId();
    if (bridgeOrg === undefined) {
      throw new TokenError('wrong-org', { detail: 'the bridge does not know its org id yet' });
    }
    const orgKey = salesforceIdKey(org);
    if (orgKey === undefined) throw new TokenError('wrong-org', { detail: 'org claim is not a valid Salesforce id' });
    if (orgKey !== salesforceIdKey(bridgeOrg)) throw new TokenError('wrong-org', { detail: `org ${org}` });

    // Which rooms the socket may hear is the bridge's one security decision: a claim it cannot read
    // in full is refused, never read in part.
    let rooms: string[] = [];
    if (claims.rooms !== undefined) {
      const parsed = parseRoomIds(claims.rooms, 'rooms claim');
      if ('problem' in parsed) throw new TokenError('malformed', { detail: parsed.problem });
      rooms = parsed.rooms;
    }

    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter((s) => s !== '') : [];
    return { data: { userId: sub, name, orgId: org, expiresAt, rooms }, scopes };
  };
}
