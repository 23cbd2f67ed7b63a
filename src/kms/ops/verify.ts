/**
 * Verify (AWS KMS API Reference: Verify): inside the token with the key's public key. An invalid
 * signature is KMSInvalidSignatureException with an empty message, never `SignatureValid: false`.
 */
import type { OpContext } from '../context.js';
import type { VerifyRequest, VerifyResponse } from '../model/api-shapes.js';
import { prepareSignature } from '../asymmetric/signing.js';
import { KMSInvalidSignatureException } from '../errors.js';

export async function verify(ctx: OpContext, input: VerifyRequest): Promise<VerifyResponse> {
  const { key, pair, algorithm, input: data } = await prepareSignature(ctx, 'Verify', input);
  const valid = await ctx.deps.hsm.asymmetric.verify(pair.publicKey, algorithm.scheme, data, input.Signature);
  if (!valid) throw new KMSInvalidSignatureException();
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
}
