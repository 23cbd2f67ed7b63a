/** Sign (AWS KMS API Reference: Sign): the private key signs inside the token. */
import type { OpContext } from '../context.js';
import type { SignRequest, SignResponse } from '../model/api-shapes.js';
import { prepareSignature } from '../asymmetric/signing.js';

export async function sign(ctx: OpContext, input: SignRequest): Promise<SignResponse> {
  const { key, pair, algorithm, input: data } = await prepareSignature(ctx, 'Sign', input);
  const signature = await ctx.deps.hsm.asymmetric.sign(pair.ref, algorithm.scheme, data);
  return { KeyId: key.arn, Signature: signature, SigningAlgorithm: input.SigningAlgorithm };
}
