/** GenerateMac (AWS KMS API Reference: GenerateMac): HMAC (RFC 2104) inside the token. */
import type { OpContext } from '../context.js';
import type { GenerateMacRequest, GenerateMacResponse } from '../model/api-shapes.js';
import { prepareMac } from '../asymmetric/mac.js';

export async function generateMac(ctx: OpContext, input: GenerateMacRequest): Promise<GenerateMacResponse> {
  const { key, ref } = await prepareMac(ctx, 'GenerateMac', input);
  const mac = await ctx.deps.hsm.mac.mac(ref, input.Message);
  return { Mac: mac, MacAlgorithm: input.MacAlgorithm, KeyId: key.arn };
}
