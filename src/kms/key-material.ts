/**
 * The first material of a new key, by key spec: AES-256 (SYMMETRIC_DEFAULT), an HMAC secret
 * (HMAC_*) or a key pair (RSA_*, ECC_*), each generated inside the token (hsm, hsm.mac,
 * hsm.asymmetric). The record says where the secret lives (`storage`), which for an asymmetric
 * key may differ from the deployment's mode (hsm/asymmetric.ts: keys the token cannot wrap).
 */
import type { KmsDeps } from './context.js';
import type { KeyMaterialRecord, KeyRecord } from './model/key.js';
import { ASYMMETRIC_SPECS, MAC_SPECS, PRIVATE_KEY_USAGE } from './asymmetric/specs.js';
import { UnsupportedOperationException } from './errors.js';

export async function generateKeyMaterial(deps: KmsDeps, key: KeyRecord, materialId: string, now: number): Promise<KeyMaterialRecord> {
  const record = (storage: KeyMaterialRecord['storage'], wrapped: Buffer | undefined, publicKey?: Buffer): KeyMaterialRecord => {
    const m: KeyMaterialRecord = { keyId: key.keyId, materialId, createdAt: now, storage, state: 'CURRENT' };
    if (wrapped) m.wrapped = wrapped;
    if (publicKey) m.publicKey = publicKey;
    return m;
  };
  if (key.keySpec === 'SYMMETRIC_DEFAULT') {
    const generated = await deps.hsm.generateSymmetricMaterial(key.keyId, materialId);
    return record(deps.hsm.mode, generated.wrapped);
  }
  const mac = MAC_SPECS.get(key.keySpec);
  if (mac) {
    const generated = await deps.hsm.mac.generate(key.keyId, materialId, mac.hash);
    return record(generated.storage, generated.wrapped);
  }
  const spec = ASYMMETRIC_SPECS.get(key.keySpec);
  const usage = PRIVATE_KEY_USAGE[key.keyUsage];
  if (!spec || !usage) throw new UnsupportedOperationException(`KeySpec ${key.keySpec} is not supported.`);
  const pair = await deps.hsm.asymmetric.generateKeyPair(key.keyId, materialId, spec.params, usage);
  return record(pair.storage, pair.wrapped, pair.publicKey);
}
