/** GenerateDataKeyPair (AWS KMS API Reference: GenerateDataKeyPair). */
import type { OpContext } from '../context.js';
import type { GenerateDataKeyPairRequest, GenerateDataKeyPairResponse } from '../model/api-shapes.js';
import { generateDataKeyPairUnder } from '../data-key-pair.js';

export async function generateDataKeyPair(ctx: OpContext, input: GenerateDataKeyPairRequest): Promise<GenerateDataKeyPairResponse> {
  const pair = await generateDataKeyPairUnder(ctx, 'GenerateDataKeyPair', input);
  // The response writer zeroes PrivateKeyPlaintext once its bytes are on the wire.
  return {
    PrivateKeyCiphertextBlob: pair.privateKeyCiphertext,
    PrivateKeyPlaintext: pair.privateKey,
    PublicKey: pair.publicKey,
    KeyId: pair.key.arn,
    KeyPairSpec: input.KeyPairSpec,
    KeyMaterialId: pair.materialId,
  };
}
