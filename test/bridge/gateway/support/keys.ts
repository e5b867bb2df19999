/**
 * Key material and token minting for the gateway tests.
 *
 * Why this exists: the verifier must accept the RS256 key in both forms an admin can export from a
 * Salesforce org — an SPKI public key and a self-signed X.509 certificate — so the tests need both,
 * made fresh at test start without external tools. node:crypto makes RSA keys but not certificates;
 * {@link selfSignedCertificate} is a minimal DER writer for one (v3, sha256WithRSAEncryption, CN only).
 */
import { X509Certificate, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

/** DER length octets. */
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
const set = (...parts: Buffer[]): Buffer => tlv(0x31, ...parts);
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
const positiveInteger = (bytes: Buffer): Buffer => tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const utcTime = (d: Date): Buffer => tlv(0x17, Buffer.from(`${d.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`));

/** A self-signed PEM certificate for `privateKey`'s public key, valid for a day. */
export function selfSignedCertificate(privateKey: KeyObject, commonName = 'sf-chat-bridge-test'): string {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName)))));
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const now = Date.now();
  const serial = randomBytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, and minimal in DER
  const tbs = seq(
    tlv(0xa0, positiveInteger(Buffer.from([2]))), // [0] version v3
    positiveInteger(serial),
    sha256WithRsa,
    name,
    seq(utcTime(new Date(now - 60_000)), utcTime(new Date(now + 86_400_000))),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.from([0]), signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END CERTIFICATE-----\n`;
  if (!new X509Certificate(pem).verify(createPublicKey(privateKey))) throw new Error('test certificate does not verify');
  return pem;
}

/** An RSA key pair with the public key as SPKI PEM and as a self-signed certificate. */
export interface RsaFixture {
  privateKey: KeyObject;
  publicKeyPem: string;
  certificatePem: string;
}

/** Makes an {@link RsaFixture} (2048 bits unless told otherwise). */
export function rsaFixture(modulusLength = 2048): RsaFixture {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    certificatePem: selfSignedCertificate(privateKey),
  };
}

/** Signs `claims` as a compact JWS. `key` is the HS256 secret (string) or the RS256 private key. */
export async function signToken(
  claims: JWTPayload,
  key: string | KeyObject,
  alg: 'HS256' | 'RS256' | 'HS512' = typeof key === 'string' ? 'HS256' : 'RS256',
): Promise<string> {
  const signingKey = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(signingKey);
}

/** base64url of a JSON value or of raw bytes. */
export function b64url(value: unknown): string {
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
  return buf.toString('base64url');
}
