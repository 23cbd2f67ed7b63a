/**
 * First-start identity: the default account's root principal and its access key. With
 * STRONGROOM_BOOTSTRAP_* set, exactly that key is installed (idempotently); otherwise, on first
 * start only, a random key is created and written to `<data dir>/credentials` (AWS
 * shared-credentials format, profile `strongroom`, mode 0600).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config/types.js';
import type { Hsm } from './kms/ports/hsm.js';
import type { Store } from './kms/ports/store.js';
import { createAccessKey, ensureAccountRoot, newAccessKeyId, newSecretAccessKey } from './kms/identity/access-keys.js';
import { accessKeyAad } from './kms/identity/credentials.js';
import type { AccessKeyRecord } from './kms/model/identity.js';
import { constantTimeEqual, zero } from './lib/bytes.js';

export interface BootstrapResult {
  accountId: string;
  /** Set only when this start created a random access key (to be shown once). */
  created?: { accessKeyId: string; secretAccessKey: string; credentialsFile: string };
}

export async function bootstrapIdentity(config: Config, store: Store, hsm: Hsm, now: number): Promise<BootstrapResult> {
  const b = config.bootstrap;
  const accountId = b?.accountId ?? config.defaultAccountId;
  const root = await ensureAccountRoot(store, config.partition, accountId, now);
  if (b) {
    const existing = await store.identities.getAccessKey(b.accessKeyId);
    if (!existing) await createAccessKey(store, hsm, root, { accessKeyId: b.accessKeyId, secretAccessKey: b.secretAccessKey }, now);
    else await assertSameBootstrapKey(hsm, existing, root.arn, b.secretAccessKey);
    await store.meta.setIfAbsent('bootstrapped', String(now));
    return { accountId };
  }
  const first = (await store.meta.get('bootstrapped')) === undefined;
  if (!first) return { accountId };
  const key = { accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() };
  await createAccessKey(store, hsm, root, key, now);
  const credentialsFile = join(config.dataDir, 'credentials');
  writeFileSync(credentialsFile, `[strongroom]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`, { mode: 0o600 });
  await store.meta.setIfAbsent('bootstrapped', String(now));
  return { accountId, created: { ...key, credentialsFile } };
}

export class BootstrapMismatchError extends Error {}

/**
 * The variables promise exactly this key; one already stored under the id with another secret or
 * for another principal would otherwise be kept silently, and clients configured from the
 * variables would fail with signature errors. Refusing to start says why.
 */
async function assertSameBootstrapKey(hsm: Hsm, existing: AccessKeyRecord, rootArn: string, secretAccessKey: string): Promise<void> {
  const stored = await hsm.openServiceSecret(existing.secretSealed, accessKeyAad(existing.accessKeyId));
  const wanted = Buffer.from(secretAccessKey, 'utf8');
  try {
    if (existing.principalArn !== rootArn || !constantTimeEqual(stored, wanted)) {
      throw new BootstrapMismatchError(
        `STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID ${existing.accessKeyId} already exists for ${existing.principalArn} with a different ` +
          `${existing.principalArn !== rootArn ? 'principal' : 'secret'}; delete it (strongroom access-key delete ${existing.accessKeyId}) or change the bootstrap variables`,
      );
    }
  } finally {
    zero(stored, wanted);
  }
}
