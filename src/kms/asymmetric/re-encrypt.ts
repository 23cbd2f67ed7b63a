/**
 * ReEncrypt with an RSA key on either side (AWS KMS API Reference: ReEncrypt; reference §5.3).
 * re-encrypt.ts sends a request here when either algorithm is RSAES_OAEP_*; each side is then
 * opened or sealed by its own kind (RSA in the token / node:crypto, or the symmetric core), the
 * plaintext never leaves the server and is zeroed once sealed again.
 */
import type { OpContext } from '../context.js';
import type { ReEncryptRequest, ReEncryptResponse } from '../model/api-shapes.js';
import type { KeyRecord } from '../model/key.js';
import { keyForBlob, requireBlob } from '../blob-key.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertUsableForCrypto } from '../key-state.js';
import { assertSymmetricAlgorithm, assertSymmetricEncryptKey, decryptUnderKey, encryptUnderKey } from '../symmetric.js';
import { DryRunOperationException, ValidationException } from '../errors.js';
import { zero } from '../../lib/bytes.js';
import { currentKeyPair, rejectEncryptionContext } from './keys.js';
import { isAsymmetricEncryptionAlgorithm } from './specs.js';
import { assertPlaintextFits, rsaDecrypt, rsaEncrypt, rsaEncryptionOf } from './rsa-encryption.js';

interface Opener {
  key: KeyRecord;
  open(): Promise<{ plaintext: Buffer; materialId?: string }>;
}
interface Sealer {
  key: KeyRecord;
  seal(plaintext: Buffer): Promise<{ blob: Buffer; materialId?: string }>;
}

async function sourceSide(ctx: OpContext, input: ReEncryptRequest, blob: Buffer): Promise<Opener> {
  const name = input.SourceEncryptionAlgorithm;
  const extra = {
    encryptionContext: input.SourceEncryptionContext,
    grantTokens: input.GrantTokens,
    conditions: { 'kms:EncryptionAlgorithm': name ?? 'SYMMETRIC_DEFAULT' },
  };
  if (!isAsymmetricEncryptionAlgorithm(name)) {
    const key = await keyForBlob(ctx, blob, input.SourceKeyId);
    await authorize(ctx, 'ReEncryptFrom', key, extra);
    assertUsableForCrypto(key);
    assertSymmetricEncryptKey(key, 'ReEncrypt');
    assertSymmetricAlgorithm(key, name);
    return { key, open: () => decryptUnderKey(ctx, key, blob, input.SourceEncryptionContext) };
  }
  if (input.SourceKeyId === undefined) {
    throw new ValidationException(`SourceKeyId is required to decrypt with SourceEncryptionAlgorithm ${name} (asymmetric ciphertext names no key).`);
  }
  const { key } = await resolveKey(ctx, input.SourceKeyId, 'key-or-alias');
  await authorize(ctx, 'ReEncryptFrom', key, extra);
  assertUsableForCrypto(key);
  const rsa = rsaEncryptionOf(key, name!, 'ReEncrypt');
  rejectEncryptionContext(input.SourceEncryptionContext);
  const pair = await currentKeyPair(ctx, key, rsa.spec);
  return { key, open: async () => ({ plaintext: await rsaDecrypt(ctx, pair, rsa, blob) }) };
}

async function destinationSide(ctx: OpContext, input: ReEncryptRequest, source: KeyRecord): Promise<Sealer> {
  const name = input.DestinationEncryptionAlgorithm;
  const { key, requestAlias } = await resolveKey(ctx, input.DestinationKeyId, 'key-or-alias');
  await authorize(ctx, 'ReEncryptTo', key, {
    encryptionContext: input.DestinationEncryptionContext,
    grantTokens: input.GrantTokens,
    requestAlias,
    conditions: { 'kms:ReEncryptOnSameKey': source.keyId === key.keyId, 'kms:EncryptionAlgorithm': name ?? 'SYMMETRIC_DEFAULT' },
  });
  assertUsableForCrypto(key);
  if (!isAsymmetricEncryptionAlgorithm(name)) {
    assertSymmetricEncryptKey(key, 'ReEncrypt');
    assertSymmetricAlgorithm(key, name);
    return { key, seal: (plaintext) => encryptUnderKey(ctx, key, plaintext, input.DestinationEncryptionContext) };
  }
  const rsa = rsaEncryptionOf(key, name!, 'ReEncrypt');
  rejectEncryptionContext(input.DestinationEncryptionContext);
  const pair = await currentKeyPair(ctx, key, rsa.spec);
  return {
    key,
    seal: async (plaintext) => {
      assertPlaintextFits(key, rsa, plaintext.length);
      return { blob: rsaEncrypt(pair, rsa, plaintext) };
    },
  };
}

export async function reEncryptAsymmetric(ctx: OpContext, input: ReEncryptRequest): Promise<ReEncryptResponse> {
  const blob = requireBlob(input.CiphertextBlob);
  const source = await sourceSide(ctx, input, blob);
  const destination = await destinationSide(ctx, input, source.key);
  if (input.DryRun) throw new DryRunOperationException();
  const opened = await source.open();
  try {
    const sealed = await destination.seal(opened.plaintext);
    return {
      CiphertextBlob: sealed.blob,
      SourceKeyId: source.key.arn,
      KeyId: destination.key.arn,
      SourceEncryptionAlgorithm: input.SourceEncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT',
      DestinationEncryptionAlgorithm: input.DestinationEncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT',
      SourceKeyMaterialId: opened.materialId,
      DestinationKeyMaterialId: sealed.materialId,
    };
  } finally {
    zero(opened.plaintext);
  }
}
