/** GenerateDataKeyPairWithoutPlaintext (AWS KMS API Reference): as GenerateDataKeyPair, no plaintext private key. */
import type { OpContext } from '../context.js';
import type { GenerateDataKeyPairWithoutPlaintextRequest, GenerateDataKeyPairWithoutPlaintextResponse } from '../model/api-shapes.js';
import { generateDataKeyPairUnder } from '../data-key-pair.js';
import { zero } from '../../lib/bytes.js';

export async function generateDataKeyPairWithoutPlaintext(
  ctx: OpContext,
  input: GenerateDataKeyPairWithoutPlaintextRequest,
): Promise<GenerateDataKeyPairWithoutPlaintextResponse> {
  const pair = await generateDataKeyPairUnder(ctx, 'GenerateDataKeyPairWithoutPlaintext', input);
  zero(pair.privateKey);
  return {
    PrivateKeyCiphertextBlob: pair.privateKeyCiphertext,
    PublicKey: pair.publicKey,
    KeyId: pair.key.arn,
    KeyPairSpec: input.KeyPairSpec,
    KeyMaterialId: pair.materialId,
  };
}
