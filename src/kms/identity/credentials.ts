/**
 * Turns an access key id into what SigV4 verification needs (a signing key) and who the caller
 * is. The secret is sealed under the token's service-secrets key; it is opened only to derive the
 * per-day signing key, which is cached (bounded) so the HSM is not asked on every request and the
 * raw secret is zeroed at once. Access-key status is re-read on every request, so disabling a key
 * takes effect immediately, also when done from another process.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../ports/store.js';
import type { Hsm } from '../ports/hsm.js';
import type { PrincipalType } from '../model/identity.js';
import { zero } from '../../lib/bytes.js';
import { findSession, isSessionAccessKeyId, sessionSecretAad } from './sessions.js';

export interface ResolvedCredential {
  accessKeyId: string;
  accountId: string;
  principalArn: string;
  principalType: PrincipalType | 'assumed-role';
  signingKey(date: string, region: string, service: string): Promise<Uint8Array>;
  /** Temporary credentials: epoch ms from which SigV4 answers ExpiredTokenException. */
  expiresAt?: number;
}

export type DeriveSigningKey = (secret: Uint8Array, date: string, region: string, service: string) => Uint8Array;

export interface CredentialResolver {
  /** `sessionToken` is the X-Amz-Security-Token header: required for, and only for, session keys. */
  lookup(accessKeyId: string, sessionToken?: string): Promise<ResolvedCredential | undefined>;
}

export function accessKeyAad(accessKeyId: string): Buffer {
  return Buffer.from(`strongroom/access-key/v1/${accessKeyId}`, 'utf8');
}

export function createCredentialResolver(store: Store, hsm: Hsm, derive: DeriveSigningKey, maxCached = 10_000): CredentialResolver {
  const cache = new Map<string, Uint8Array>();

  async function signingKeyFor(accessKeyId: string, sealed: Buffer, aad: Buffer, date: string, region: string, service: string): Promise<Uint8Array> {
    // The sealed secret's hash is part of the cache key: a rotated secret never hits an old entry.
    const id = `${accessKeyId}|${createHash('sha256').update(sealed).digest('base64')}|${date}|${region}|${service}`;
    const hit = cache.get(id);
    if (hit) return hit;
    const secret = await hsm.openServiceSecret(sealed, aad);
    try {
      const key = derive(secret, date, region, service);
      if (cache.size >= maxCached) cache.delete(cache.keys().next().value!);
      cache.set(id, key);
      return key;
    } finally {
      zero(secret);
    }
  }

  return {
    async lookup(accessKeyId, sessionToken) {
      if (sessionToken !== undefined) {
        if (!isSessionAccessKeyId(accessKeyId)) return undefined;
        // A token never belongs to a long-term access key; for a session it must be that
        // session's token. Expired sessions are still returned (with expiresAt) so that a
        // correctly signed request gets ExpiredTokenException rather than an unknown-key error.
        const session = await findSession(store, accessKeyId, sessionToken);
        if (!session) return undefined;
        return {
          accessKeyId,
          accountId: session.accountId,
          principalArn: session.arn,
          principalType: 'assumed-role',
          expiresAt: session.expiresAt,
          signingKey: (date, region, service) =>
            signingKeyFor(accessKeyId, session.secretSealed, sessionSecretAad(accessKeyId), date, region, service),
        };
      }
      const rec = await store.identities.getAccessKey(accessKeyId);
      if (!rec || rec.status !== 'Active') return undefined;
      const principal = await store.identities.getPrincipal(rec.principalArn);
      if (!principal) return undefined;
      return {
        accessKeyId,
        accountId: rec.accountId,
        principalArn: rec.principalArn,
        principalType: principal.type,
        signingKey: (date, region, service) => signingKeyFor(accessKeyId, rec.secretSealed, accessKeyAad(accessKeyId), date, region, service),
      };
    },
  };
}
