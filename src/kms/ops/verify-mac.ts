/**
 * VerifyMac (AWS KMS API Reference: VerifyMac): recomputed and compared inside the token. A
 * mismatch is KMSInvalidMacException with an empty message, never `MacValid: false`.
 */
import type { OpContext } from '../context.js';
import type { VerifyMacRequest, VerifyMacResponse } from '../model/api-shapes.js';
import { prepareMac } from '../asymmetric/mac.js';
import { KMSInvalidMacException } from '../errors.js';

export async function verifyMac(ctx: OpContext, input: VerifyMacRequest): Promise<VerifyMacResponse> {
  const { key, ref } = await prepareMac(ctx, 'VerifyMac', input);
  if (!(await ctx.deps.hsm.mac.verify(ref, input.Message, input.Mac))) throw new KMSInvalidMacException();
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: input.MacAlgorithm };
}
