/**
 * Who exists in a dev org: the org itself, one integration user and one connected app whose
 * certificate key signs JWT bearer assertions. Generated fresh for every dev org, so two dev orgs
 * in one process share no id, secret or key.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { KEY_PREFIX, newRecordId, newSecret } from './ids.js';

/** The user every login flow logs in as. */
export interface IntegrationUser {
  /** 18-character `005…` id. */
  readonly id: string;
  readonly username: string;
  readonly password: string;
  /** Display name. */
  readonly name: string;
  readonly email: string;
}

/**
 * The connected app: OAuth client id/secret and the key whose certificate it holds. The RSA key
 * pair is generated on first use of either key (synchronously, 0.1–0.3 s), so the many dev orgs
 * that never see a JWT bearer login do not pay for it.
 */
export interface ConnectedApp {
  /** Consumer key (`3MVG9…`). */
  readonly clientId: string;
  /** Consumer secret. */
  readonly clientSecret: string;
  /** Verifies RS256 JWT bearer assertions. */
  readonly publicKey: KeyObject;
  /** PKCS#8 PEM of the matching 2048-bit private key, for clients that sign assertions. */
  readonly privateKeyPem: string;
}

/** Everything that identifies one dev org. */
export interface OrgIdentity {
  /** 18-character `00D…` id. */
  readonly orgId: string;
  readonly user: IntegrationUser;
  readonly app: ConnectedApp;
}

/** Creates a new org, user and connected app. */
export function createOrgIdentity(): OrgIdentity {
  const orgId = newRecordId(KEY_PREFIX.organization);
  const domain = `${orgId.slice(0, 15).toLowerCase()}.dev-org.invalid`;
  let keys: { publicKey: KeyObject; privateKeyPem: string } | undefined;
  const keyPair = () => {
    if (!keys) {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      keys = { publicKey, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    }
    return keys;
  };
  return {
    orgId,
    user: {
      id: newRecordId(KEY_PREFIX.user),
      username: `integration@${domain}`,
      password: newSecret(20),
      name: 'Integration User',
      email: `integration@${domain}`,
    },
    app: {
      clientId: `3MVG9${newSecret(80)}`,
      clientSecret: newSecret(64),
      get publicKey() {
        return keyPair().publicKey;
      },
      get privateKeyPem() {
        return keyPair().privateKeyPem;
      },
    },
  };
}
