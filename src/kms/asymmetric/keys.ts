/**
 * Checks and references shared by the asymmetric and HMAC operations: key usage and algorithm
 * compatibility with AWS's exception types and wording (reference §4.3), and the HSM references of
 * a key's (single, current) key pair or HMAC secret.
 */
import type { OpContext } from '../context.js';
import type { EncryptionContext } from '../model/encryption-context.js';
import type { KeyMaterialRecord, KeyRecord, KeyUsage } from '../model/key.js';
import type { PrivateKeyRef } from '../ports/hsm-asymmetric.js';
import type { MacKeyRef } from '../ports/hsm-mac.js';
import { InvalidKeyUsageException, KMSInvalidStateException, ValidationException } from '../errors.js';
import { ASYMMETRIC_SPECS, MAC_SPECS, PRIVATE_KEY_USAGE, type AsymmetricSpec } from './specs.js';

/** `<arn> key usage is SIGN_VERIFY which is not valid for Encrypt.` */
export function assertKeyUsage(key: KeyRecord, usage: KeyUsage, operation: string): void {
  if (key.keyUsage !== usage) {
    throw new InvalidKeyUsageException(`${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
  }
}

/** `Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.` */
export function incompatibleAlgorithm(algorithm: string, key: KeyRecord): InvalidKeyUsageException {
  return new InvalidKeyUsageException(`Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
}

/** The asymmetric spec of a key whose usage was checked; a symmetric or HMAC key has none. */
export function asymmetricSpec(key: KeyRecord, algorithm: string): AsymmetricSpec {
  const spec = ASYMMETRIC_SPECS.get(key.keySpec);
  if (!spec) throw incompatibleAlgorithm(algorithm, key);
  return spec;
}

/** Encryption context binds only symmetric ciphertexts (reference §5.1). */
export function rejectEncryptionContext(ec: EncryptionContext | undefined): void {
  if (ec !== undefined && ec.size > 0) {
    throw new ValidationException('EncryptionContext is supported only on operations with symmetric encryption KMS keys.');
  }
}

async function currentMaterial(ctx: OpContext, key: KeyRecord): Promise<KeyMaterialRecord> {
  const m = key.currentMaterialId ? await ctx.deps.store.keys.getMaterial(key.keyId, key.currentMaterialId) : undefined;
  if (!m || m.state === 'DELETED' || m.state === 'PENDING_IMPORT') throw new KMSInvalidStateException(`${key.arn} is pending import.`);
  return m;
}

export interface KeyPairRef {
  ref: PrivateKeyRef;
  publicKey: Buffer;
  spec: AsymmetricSpec;
}

export async function currentKeyPair(ctx: OpContext, key: KeyRecord, spec: AsymmetricSpec): Promise<KeyPairRef> {
  const m = await currentMaterial(ctx, key);
  const usage = PRIVATE_KEY_USAGE[key.keyUsage];
  if (!m.publicKey || !usage) throw new KMSInvalidStateException(`${key.arn} has no key pair.`);
  const ref: PrivateKeyRef = { keyId: key.keyId, materialId: m.materialId, params: spec.params, usage };
  if (m.wrapped) ref.wrapped = m.wrapped;
  return { ref, publicKey: m.publicKey, spec };
}

/** The HMAC secret of a GENERATE_VERIFY_MAC key, after its MacAlgorithm was checked. */
export async function currentMacKey(ctx: OpContext, key: KeyRecord, algorithm: string): Promise<MacKeyRef> {
  const mac = MAC_SPECS.get(key.keySpec);
  if (!mac || mac.algorithm !== algorithm) throw incompatibleAlgorithm(algorithm, key);
  const m = await currentMaterial(ctx, key);
  const ref: MacKeyRef = { keyId: key.keyId, materialId: m.materialId, hash: mac.hash };
  if (m.wrapped) ref.wrapped = m.wrapped;
  return ref;
}
