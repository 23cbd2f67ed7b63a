/** Shared checks of GenerateDataKey and GenerateDataKeyWithoutPlaintext. */
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import type { EncryptionContext } from './model/encryption-context.js';
import { resolveKey } from './resolve-key.js';
import { authorize } from './authorize.js';
import { assertUsableForCrypto } from './key-state.js';
import { assertSymmetricEncryptKey } from './symmetric.js';
import { DryRunOperationException, UnsupportedOperationException, ValidationException } from './errors.js';

export interface DataKeyInput {
  KeyId: string;
  KeySpec?: string;
  NumberOfBytes?: number;
  EncryptionContext?: EncryptionContext;
  GrantTokens?: string[];
  DryRun?: boolean;
  Recipient?: unknown;
}

const SPEC_BYTES: Record<string, number> = { AES_128: 16, AES_256: 32 };

export async function prepareDataKey(ctx: OpContext, operation: string, input: DataKeyInput): Promise<{ key: KeyRecord; length: number }> {
  if ((input.KeySpec === undefined) === (input.NumberOfBytes === undefined)) {
    throw new ValidationException('Please specify either number of bytes or key spec.');
  }
  if (input.Recipient !== undefined) {
    throw new UnsupportedOperationException('Recipient (Nitro Enclaves attestation) is not supported.');
  }
  const { key, requestAlias } = await resolveKey(ctx, input.KeyId, 'key-or-alias');
  await authorize(ctx, operation, key, {
    encryptionContext: input.EncryptionContext,
    grantTokens: input.GrantTokens,
    requestAlias,
    // AWS KMS condition keys: kms:EncryptionAlgorithm applies to GenerateDataKey*, whose data key
    // is always encrypted with SYMMETRIC_DEFAULT.
    conditions: { 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT' },
  });
  assertUsableForCrypto(key);
  assertSymmetricEncryptKey(key, operation);
  if (input.DryRun) throw new DryRunOperationException();
  return { key, length: input.NumberOfBytes ?? SPEC_BYTES[input.KeySpec!]! };
}
