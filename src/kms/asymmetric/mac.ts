/** The shared front half of GenerateMac and VerifyMac (reference §2.4, §4.3). */
import type { OpContext } from '../context.js';
import type { KeyRecord } from '../model/key.js';
import type { MacAlgorithmSpec } from '../model/api-shapes.js';
import type { MacKeyRef } from '../ports/hsm-mac.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertUsableForCrypto } from '../key-state.js';
import { DryRunOperationException } from '../errors.js';
import { assertKeyUsage, currentMacKey } from './keys.js';

export interface MacInput {
  KeyId: string;
  MacAlgorithm: MacAlgorithmSpec;
  GrantTokens?: string[];
  DryRun?: boolean;
}

export async function prepareMac(ctx: OpContext, operation: 'GenerateMac' | 'VerifyMac', input: MacInput): Promise<{ key: KeyRecord; ref: MacKeyRef }> {
  const { key, requestAlias } = await resolveKey(ctx, input.KeyId, 'key-or-alias');
  await authorize(ctx, operation, key, { grantTokens: input.GrantTokens, requestAlias, conditions: { 'kms:MacAlgorithm': input.MacAlgorithm } });
  assertUsableForCrypto(key);
  assertKeyUsage(key, 'GENERATE_VERIFY_MAC', operation);
  // "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224." (the algorithm must match the spec)
  const ref = await currentMacKey(ctx, key, input.MacAlgorithm);
  if (input.DryRun) throw new DryRunOperationException();
  return { key, ref };
}
