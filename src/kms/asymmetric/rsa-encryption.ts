/**
 * Encrypt and Decrypt under an RSA ENCRYPT_DECRYPT key (AWS KMS API Reference: Encrypt, Decrypt;
 * reference §4.1, §5.2). The ciphertext is plain RSAES-OAEP (MGF1 with the same hash, empty
 * label) with no metadata, so Decrypt needs KeyId and EncryptionAlgorithm, and ciphertext made
 * offline with the downloaded public key decrypts too. Encryption uses only the public key, so
 * it runs in node:crypto; decryption runs in the token (hsm.asymmetric.decrypt).
 *
 * encrypt.ts / decrypt.ts branch here early, before any symmetric-blob work, so the symmetric hot
 * path is unchanged.
 */
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import type { OpContext } from '../context.js';
import type { DecryptRequest, DecryptResponse, EncryptRequest, EncryptResponse } from '../model/api-shapes.js';
import type { KeyRecord } from '../model/key.js';
import { HsmDecryptError } from '../ports/hsm.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertUsableForCrypto } from '../key-state.js';
import { requireBlob } from '../blob-key.js';
import { DryRunOperationException, InvalidCiphertextException, ValidationException } from '../errors.js';
import { assertKeyUsage, currentKeyPair, incompatibleAlgorithm, rejectEncryptionContext, type KeyPairRef } from './keys.js';
import { ASYMMETRIC_SPECS, OAEP_ALGORITHMS, type AsymmetricSpec } from './specs.js';

export interface RsaEncryption {
  name: string;
  spec: AsymmetricSpec;
  hash: 'sha1' | 'sha256';
  /** Largest plaintext: k − 2·hLen − 2 bytes. */
  maxPlaintext: number;
}

/** Encrypt keys that are not symmetric take this path (RSA with ENCRYPT_DECRYPT usage). */
export function isAsymmetricEncryptionKey(key: KeyRecord): boolean {
  return key.keyUsage === 'ENCRYPT_DECRYPT' && key.keySpec !== 'SYMMETRIC_DEFAULT';
}

export function rsaEncryptionOf(key: KeyRecord, name: string, operation: string): RsaEncryption {
  assertKeyUsage(key, 'ENCRYPT_DECRYPT', operation);
  const oaep = OAEP_ALGORITHMS.get(name);
  const spec = ASYMMETRIC_SPECS.get(key.keySpec);
  if (!oaep || !spec || spec.params.kind !== 'rsa') throw incompatibleAlgorithm(name, key);
  return { name, spec, hash: oaep.hash, maxPlaintext: spec.params.bits / 8 - 2 * oaep.hashBytes - 2 };
}

export function assertPlaintextFits(key: KeyRecord, rsa: RsaEncryption, length: number): void {
  if (length > rsa.maxPlaintext) {
    throw new ValidationException(`Algorithm ${rsa.name} and key spec ${key.keySpec} cannot encrypt data larger than ${rsa.maxPlaintext} bytes.`);
  }
}

export function rsaEncrypt(pair: KeyPairRef, rsa: RsaEncryption, plaintext: Buffer): Buffer {
  const key = createPublicKey({ key: pair.publicKey, format: 'der', type: 'spki' });
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: rsa.hash }, plaintext);
}

/** Any failure to decrypt (length, padding, wrong hash) is InvalidCiphertextException. */
export async function rsaDecrypt(ctx: OpContext, pair: KeyPairRef, rsa: RsaEncryption, ciphertext: Buffer): Promise<Buffer> {
  try {
    return await ctx.deps.hsm.asymmetric.decrypt(pair.ref, rsa.hash, ciphertext);
  } catch (e) {
    if (e instanceof HsmDecryptError) throw new InvalidCiphertextException();
    throw e;
  }
}

export async function encryptAsymmetric(ctx: OpContext, key: KeyRecord, requestAlias: string | undefined, input: EncryptRequest): Promise<EncryptResponse> {
  const name = input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
  await authorize(ctx, 'Encrypt', key, {
    encryptionContext: input.EncryptionContext,
    grantTokens: input.GrantTokens,
    requestAlias,
    conditions: { 'kms:EncryptionAlgorithm': name },
  });
  assertUsableForCrypto(key);
  const rsa = rsaEncryptionOf(key, name, 'Encrypt');
  rejectEncryptionContext(input.EncryptionContext);
  assertPlaintextFits(key, rsa, input.Plaintext.length);
  const pair = await currentKeyPair(ctx, key, rsa.spec);
  if (input.DryRun) throw new DryRunOperationException();
  return { CiphertextBlob: rsaEncrypt(pair, rsa, input.Plaintext), KeyId: key.arn, EncryptionAlgorithm: input.EncryptionAlgorithm };
}

export async function decryptAsymmetric(ctx: OpContext, input: DecryptRequest): Promise<DecryptResponse> {
  const name = input.EncryptionAlgorithm!;
  const ciphertext = requireBlob(input.CiphertextBlob);
  if (input.KeyId === undefined) {
    throw new ValidationException(`KeyId is required to decrypt with EncryptionAlgorithm ${name} (asymmetric ciphertext names no key).`);
  }
  const { key, requestAlias } = await resolveKey(ctx, input.KeyId, 'key-or-alias');
  await authorize(ctx, 'Decrypt', key, {
    encryptionContext: input.EncryptionContext,
    grantTokens: input.GrantTokens,
    requestAlias,
    conditions: { 'kms:EncryptionAlgorithm': name },
  });
  assertUsableForCrypto(key);
  const rsa = rsaEncryptionOf(key, name, 'Decrypt');
  rejectEncryptionContext(input.EncryptionContext);
  const pair = await currentKeyPair(ctx, key, rsa.spec);
  if (input.DryRun) throw new DryRunOperationException();
  return { KeyId: key.arn, Plaintext: await rsaDecrypt(ctx, pair, rsa, ciphertext), EncryptionAlgorithm: input.EncryptionAlgorithm };
}
