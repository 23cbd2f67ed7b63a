/** GenerateDataKey (AWS KMS API Reference: GenerateDataKey). */
import type { OpContext } from '../context.js';
import type { GenerateDataKeyRequest, GenerateDataKeyResponse } from '../model/api-shapes.js';
import { prepareDataKey } from '../data-key.js';
import { encryptUnderKey } from '../symmetric.js';
import { zero } from '../../lib/bytes.js';

export async function generateDataKey(ctx: OpContext, input: GenerateDataKeyRequest): Promise<GenerateDataKeyResponse> {
  const { key, length } = await prepareDataKey(ctx, 'GenerateDataKey', input);
  const plaintext = await ctx.deps.hsm.generateRandom(length);
  try {
    const { blob, materialId } = await encryptUnderKey(ctx, key, plaintext, input.EncryptionContext);
    // The response writer zeroes Plaintext once its bytes are on the wire.
    return { CiphertextBlob: blob, Plaintext: plaintext, KeyId: key.arn, KeyMaterialId: materialId };
  } catch (e) {
    zero(plaintext);
    throw e;
  }
}
