/** Decrypt (AWS KMS API Reference: Decrypt), symmetric blobs; KeyId optional. */
import type { OpContext } from '../context.js';
import type { DecryptRequest, DecryptResponse } from '../model/api-shapes.js';
import { keyForBlob, requireBlob } from '../blob-key.js';
import { authorize } from '../authorize.js';
import { assertUsableForCrypto } from '../key-state.js';
import { assertSymmetricAlgorithm, assertSymmetricEncryptKey, decryptUnderKey } from '../symmetric.js';
import { DryRunOperationException, UnsupportedOperationException } from '../errors.js';
import { decryptAsymmetric } from '../asymmetric/rsa-encryption.js';
import { isAsymmetricEncryptionAlgorithm } from '../asymmetric/specs.js';

export async function decrypt(ctx: OpContext, input: DecryptRequest): Promise<DecryptResponse> {
  if (input.Recipient !== undefined) {
    throw new UnsupportedOperationException('Recipient (Nitro Enclaves attestation) is not supported.');
  }
  // RSAES_OAEP_* ciphertext has no blob header: it needs KeyId and is decrypted by the RSA path.
  if (isAsymmetricEncryptionAlgorithm(input.EncryptionAlgorithm)) return decryptAsymmetric(ctx, input);
  const key = await keyForBlob(ctx, requireBlob(input.CiphertextBlob), input.KeyId);
  await authorize(ctx, 'Decrypt', key, {
    encryptionContext: input.EncryptionContext,
    grantTokens: input.GrantTokens,
    conditions: { 'kms:EncryptionAlgorithm': input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT' },
  });
  assertUsableForCrypto(key);
  assertSymmetricEncryptKey(key, 'Decrypt');
  assertSymmetricAlgorithm(key, input.EncryptionAlgorithm);
  if (input.DryRun) throw new DryRunOperationException();
  const { plaintext, materialId } = await decryptUnderKey(ctx, key, requireBlob(input.CiphertextBlob), input.EncryptionContext);
  return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', KeyMaterialId: materialId };
}
