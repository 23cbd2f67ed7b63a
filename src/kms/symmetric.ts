/**
 * Symmetric encryption under a KMS key: the shared core of Encrypt, Decrypt, ReEncrypt and
 * GenerateDataKey*. The token derives a one-time key per call (see hsm seal), the blob carries
 * what decryption needs, and the AAD binds key, material, ARN and the canonical context.
 */
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import type { MaterialRef } from './ports/hsm.js';
import { HsmDecryptError } from './ports/hsm.js';
import { canonicalEncryptionContext, type EncryptionContext } from './model/encryption-context.js';
import { ciphertextAad, decodeCiphertext, encodeCiphertext } from './model/ciphertext.js';
import { InvalidCiphertextException, InvalidKeyUsageException, KMSInvalidStateException } from './errors.js';

export function assertSymmetricEncryptKey(key: KeyRecord, operation: string): void {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT' || key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new InvalidKeyUsageException(`${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
  }
}

export function assertSymmetricAlgorithm(key: KeyRecord, algorithm: string | undefined): void {
  if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') {
    throw new InvalidKeyUsageException(`Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
  }
}

async function materialRef(ctx: OpContext, key: KeyRecord, materialId: string): Promise<MaterialRef | undefined> {
  const m = await ctx.deps.store.keys.getMaterial(key.keyId, materialId);
  if (!m || m.state === 'DELETED' || m.state === 'PENDING_IMPORT') return undefined;
  return { keyId: key.keyId, materialId, wrapped: m.wrapped };
}

export interface SealedBlob {
  blob: Buffer;
  materialId: string;
}

export async function encryptUnderKey(ctx: OpContext, key: KeyRecord, plaintext: Buffer, ec: EncryptionContext | undefined): Promise<SealedBlob> {
  const materialId = key.currentMaterialId;
  const ref = materialId ? await materialRef(ctx, key, materialId) : undefined;
  if (!materialId || !ref) throw new KMSInvalidStateException(`${key.arn} is pending import.`);
  const aad = ciphertextAad(key.keyId, materialId, key.arn, canonicalEncryptionContext(ec));
  const sealed = await ctx.deps.hsm.seal(ref, plaintext, aad);
  return { blob: encodeCiphertext({ keyId: key.keyId, materialId, sealed }), materialId };
}

/** Reads the key id out of a blob without decrypting; undefined for bytes that are no blob of ours. */
export function blobKeyId(blob: Buffer): string | undefined {
  return decodeCiphertext(blob)?.keyId;
}

export interface Opened {
  plaintext: Buffer;
  materialId: string;
}

/** Decrypts a blob made under `key`. Any mismatch (bytes, context, material) → InvalidCiphertextException. */
export async function decryptUnderKey(ctx: OpContext, key: KeyRecord, blobBytes: Buffer, ec: EncryptionContext | undefined): Promise<Opened> {
  const blob = decodeCiphertext(blobBytes);
  if (!blob || blob.keyId !== key.keyId) throw new InvalidCiphertextException();
  const ref = await materialRef(ctx, key, blob.materialId);
  if (!ref) throw new InvalidCiphertextException();
  const aad = ciphertextAad(key.keyId, blob.materialId, key.arn, canonicalEncryptionContext(ec));
  try {
    return { plaintext: await ctx.deps.hsm.open(ref, blob.sealed, aad), materialId: blob.materialId };
  } catch (e) {
    if (e instanceof HsmDecryptError) throw new InvalidCiphertextException();
    throw e;
  }
}
