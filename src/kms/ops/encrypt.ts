/** Encrypt (AWS KMS API Reference: Encrypt), symmetric keys. */
import type { OpContext } from '../context.js';
import type { EncryptRequest, EncryptResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertUsableForCrypto } from '../key-state.js';
import { assertSymmetricAlgorithm, assertSymmetricEncryptKey, encryptUnderKey } from '../symmetric.js';
import { DryRunOperationException } from '../errors.js';
import { encryptAsymmetric, isAsymmetricEncryptionKey } from '../asymmetric/rsa-encryption.js';

export async function encrypt(ctx: OpContext, input: EncryptRequest): Promise<EncryptResponse> {
  const { key, requestAlias } = await resolveKey(ctx, input.KeyId, 'key-or-alias');
  if (isAsymmetricEncryptionKey(key)) return encryptAsymmetric(ctx, key, requestAlias, input);
  await authorize(ctx, 'Encrypt', key, {
    encryptionContext: input.EncryptionContext,
    grantTokens: input.GrantTokens,
    requestAlias,
    conditions: { 'kms:EncryptionAlgorithm': input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT' },
  });
  assertUsableForCrypto(key);
  assertSymmetricEncryptKey(key, 'Encrypt');
  assertSymmetricAlgorithm(key, input.EncryptionAlgorithm);
  if (input.DryRun) throw new DryRunOperationException();
  const { blob } = await encryptUnderKey(ctx, key, input.Plaintext, input.EncryptionContext);
  return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
}
