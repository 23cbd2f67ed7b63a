/**
 * Creating accounts, principals and access keys (used by bootstrap and the CLI). Access key ids
 * follow AWS's shape (AKIA + 16 upper-case base32 characters); secrets are 40 characters of
 * base64 like AWS's, stored only sealed under the token's service-secrets key.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../ports/store.js';
import type { Hsm } from '../ports/hsm.js';
import type { PrincipalRecord } from '../model/identity.js';
import { rootArn } from '../model/arn.js';
import { accessKeyAad } from './credentials.js';
import { zero } from '../../lib/bytes.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  let id = 'AKIA';
  for (const b of bytes) id += BASE32[b & 31];
  return id;
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export async function ensureAccountRoot(store: Store, partition: string, accountId: string, now: number): Promise<PrincipalRecord> {
  await store.identities.ensureAccount({ accountId, createdAt: now });
  const root: PrincipalRecord = { arn: rootArn(partition, accountId), accountId, type: 'root', name: 'root', createdAt: now };
  await store.identities.ensurePrincipal(root);
  return root;
}

export interface NewAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Stores an access key for a principal; the caller chooses the id and secret (or uses new*). */
export async function createAccessKey(store: Store, hsm: Hsm, principal: PrincipalRecord, key: NewAccessKey, now: number): Promise<void> {
  const secret = Buffer.from(key.secretAccessKey, 'utf8');
  try {
    const secretSealed = await hsm.sealServiceSecret(secret, accessKeyAad(key.accessKeyId));
    await store.identities.createAccessKey({
      accessKeyId: key.accessKeyId,
      accountId: principal.accountId,
      principalArn: principal.arn,
      secretSealed,
      status: 'Active',
      createdAt: now,
    });
  } finally {
    zero(secret);
  }
}
