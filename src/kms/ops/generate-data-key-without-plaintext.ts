/** GenerateDataKeyWithoutPlaintext (AWS KMS API Reference): the data key never leaves the server in clear. */
import type { OpContext } from '../context.js';
import type { GenerateDataKeyWithoutPlaintextRequest, GenerateDataKeyWithoutPlaintextResponse } from '../model/api-shapes.js';
import { prepareDataKey } from '../data-key.js';
import { encryptUnderKey } from '../symmetric.js';
import { zero } from '../../lib/bytes.js';

export async function generateDataKeyWithoutPlaintext(
  ctx: OpContext,
  input: GenerateDataKeyWithoutPlaintextRequest,
): Promise<GenerateDataKeyWithoutPlaintextResponse> {
  const { key, length } = await prepareDataKey(ctx, 'GenerateDataKeyWithoutPlaintext', input);
  const plaintext = await ctx.deps.hsm.generateRandom(length);
  try {
    const { blob, materialId } = await encryptUnderKey(ctx, key, plaintext, input.EncryptionContext);
    return { CiphertextBlob: blob, KeyId: key.arn, KeyMaterialId: materialId };
  } finally {
    zero(plaintext);
  }
}
