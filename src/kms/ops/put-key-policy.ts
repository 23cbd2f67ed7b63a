/**
 * PutKeyPolicy (AWS KMS API Reference: PutKeyPolicy): replaces the key policy. 32 KB quota →
 * LimitExceededException; grammar, unknown principals and a failed lockout safety check →
 * MalformedPolicyDocumentException (the check is skipped with BypassPolicyLockoutSafetyCheck,
 * which kms:BypassPolicyLockoutSafetyCheck can forbid). Every key state; not cross-account.
 * Takes effect on the next request: policies are re-read per request.
 */
import type { OpContext } from '../context.js';
import type { PutKeyPolicyRequest } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertDefaultPolicyName } from '../key-policy-name.js';
import { checkNewKeyPolicy } from '../authz/key-policy-checks.js';
import { NotFoundException } from '../errors.js';

export async function putKeyPolicy(ctx: OpContext, input: PutKeyPolicyRequest): Promise<object> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  const bypass = input.BypassPolicyLockoutSafetyCheck === true;
  await authorize(ctx, 'PutKeyPolicy', key, { conditions: { 'kms:BypassPolicyLockoutSafetyCheck': bypass } });
  assertDefaultPolicyName(input.PolicyName);
  await checkNewKeyPolicy(ctx, input.Policy, { ...key, policy: input.Policy }, bypass);
  if (!(await ctx.deps.store.keys.update(key.keyId, { policy: input.Policy }))) throw new NotFoundException(`Key '${key.arn}' does not exist`);
  return {};
}
