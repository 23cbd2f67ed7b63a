/**
 * GetKeyPolicy (AWS KMS API Reference: GetKeyPolicy): the policy text exactly as stored (the
 * default policy is stored in AWS's pretty-printed form). PolicyName is optional and can only be
 * `default`. Every key state; not cross-account.
 */
import type { OpContext } from '../context.js';
import type { GetKeyPolicyRequest, GetKeyPolicyResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertDefaultPolicyName } from '../key-policy-name.js';

export async function getKeyPolicy(ctx: OpContext, input: GetKeyPolicyRequest): Promise<GetKeyPolicyResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'GetKeyPolicy', key);
  assertDefaultPolicyName(input.PolicyName);
  return { Policy: key.policy, PolicyName: 'default' };
}
