/** GenerateRandom (AWS KMS API Reference: GenerateRandom): 1–1024 bytes from the token's RNG. */
import type { OpContext } from '../context.js';
import type { GenerateRandomRequest, GenerateRandomResponse } from '../model/api-shapes.js';
import { authorizeAccountAction } from '../authz/account-access.js';
import { CustomKeyStoreNotFoundException, UnsupportedOperationException, ValidationException } from '../errors.js';

export async function generateRandom(ctx: OpContext, input: GenerateRandomRequest): Promise<GenerateRandomResponse> {
  await authorizeAccountAction(ctx, 'GenerateRandom');
  if (input.NumberOfBytes === undefined) throw new ValidationException('NumberOfBytes is required.');
  if (input.CustomKeyStoreId !== undefined) {
    throw new CustomKeyStoreNotFoundException(`Custom key store ${input.CustomKeyStoreId} does not exist.`);
  }
  if (input.Recipient !== undefined) {
    throw new UnsupportedOperationException('Recipient (Nitro Enclaves attestation) is not supported.');
  }
  return { Plaintext: await ctx.deps.hsm.generateRandom(input.NumberOfBytes) };
}
