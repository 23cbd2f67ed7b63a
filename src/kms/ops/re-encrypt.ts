/**
 * ReEncrypt (AWS KMS API Reference: ReEncrypt; reference §5.3): decrypt under the source key and
 * encrypt under the destination key in one call; the plaintext never leaves the server and is
 * zeroed as soon as it is sealed again. Permissions: kms:ReEncryptFrom on the source,
 * kms:ReEncryptTo on the destination.
 */
import type { OpContext } from '../context.js';
import type { ReEncryptRequest, ReEncryptResponse } from '../model/api-shapes.js';
import { keyForBlob, requireBlob } from '../blob-key.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertUsableForCrypto } from '../key-state.js';
import { assertSymmetricAlgorithm, assertSymmetricEncryptKey, decryptUnderKey, encryptUnderKey } from '../symmetric.js';
import { DryRunOperationException } from '../errors.js';
import { zero } from '../../lib/bytes.js';
import { reEncryptAsymmetric } from '../asymmetric/re-encrypt.js';
import { isAsymmetricEncryptionAlgorithm } from '../asymmetric/specs.js';

export async function reEncrypt(ctx: OpContext, input: ReEncryptRequest): Promise<ReEncryptResponse> {
  // An RSAES_OAEP_* side (source or destination) goes to the asymmetric path.
  if (isAsymmetricEncryptionAlgorithm(input.SourceEncryptionAlgorithm) || isAsymmetricEncryptionAlgorithm(input.DestinationEncryptionAlgorithm)) {
    return reEncryptAsymmetric(ctx, input);
  }
  const source = await keyForBlob(ctx, requireBlob(input.CiphertextBlob), input.SourceKeyId);
  await authorize(ctx, 'ReEncryptFrom', source, {
    encryptionContext: input.SourceEncryptionContext,
    grantTokens: input.GrantTokens,
    conditions: { 'kms:EncryptionAlgorithm': input.SourceEncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT' },
  });
  assertUsableForCrypto(source);
  assertSymmetricEncryptKey(source, 'ReEncrypt');
  assertSymmetricAlgorithm(source, input.SourceEncryptionAlgorithm);

  const { key: destination, requestAlias } = await resolveKey(ctx, input.DestinationKeyId, 'key-or-alias');
  await authorize(ctx, 'ReEncryptTo', destination, {
    encryptionContext: input.DestinationEncryptionContext,
    grantTokens: input.GrantTokens,
    requestAlias,
    conditions: {
      'kms:ReEncryptOnSameKey': source.keyId === destination.keyId,
      'kms:EncryptionAlgorithm': input.DestinationEncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT',
    },
  });
  assertUsableForCrypto(destination);
  assertSymmetricEncryptKey(destination, 'ReEncrypt');
  assertSymmetricAlgorithm(destination, input.DestinationEncryptionAlgorithm);
  if (input.DryRun) throw new DryRunOperationException();

  const opened = await decryptUnderKey(ctx, source, requireBlob(input.CiphertextBlob), input.SourceEncryptionContext);
  try {
    const sealed = await encryptUnderKey(ctx, destination, opened.plaintext, input.DestinationEncryptionContext);
    return {
      CiphertextBlob: sealed.blob,
      SourceKeyId: source.arn,
      KeyId: destination.arn,
      SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      SourceKeyMaterialId: opened.materialId,
      DestinationKeyMaterialId: sealed.materialId,
    };
  } finally {
    zero(opened.plaintext);
  }
}
