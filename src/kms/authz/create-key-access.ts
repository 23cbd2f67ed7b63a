/**
 * CreateKey's authorization (AWS KMS API Reference: CreateKey, "Required permissions"):
 * kms:CreateKey in an identity policy (resource `*`), with the request's kms:KeySpec,
 * kms:KeyUsage, kms:KeyOrigin, kms:MultiRegion, kms:BypassPolicyLockoutSafetyCheck and
 * aws:RequestTag/* keys; and with Tags also kms:TagResource. AWS words the second denial without
 * a resource ("… is not authorized to perform: kms:TagResource because no identity-based policy
 * allows the kms:TagResource action"), since the key does not exist yet.
 */
import type { OpContext } from '../context.js';
import type { CreateKeyRequest } from '../model/api-shapes.js';
import { AccessDeniedException } from '../errors.js';
import { authorizeAccountAction, identityDecision } from './account-access.js';
import { requestTagConditions } from './tag-conditions.js';

export async function authorizeCreateKey(ctx: OpContext, input: CreateKeyRequest): Promise<void> {
  const tags = requestTagConditions(input.Tags);
  const conditions = {
    'kms:KeySpec': input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT',
    'kms:KeyUsage': input.KeyUsage ?? 'ENCRYPT_DECRYPT',
    'kms:KeyOrigin': input.Origin ?? 'AWS_KMS',
    'kms:MultiRegion': input.MultiRegion === true,
    'kms:BypassPolicyLockoutSafetyCheck': input.BypassPolicyLockoutSafetyCheck === true,
    ...tags,
  };
  await authorizeAccountAction(ctx, 'CreateKey', { conditions });
  if (!input.Tags || input.Tags.length === 0) return;
  const denied = await identityDecision(ctx, 'TagResource', '*', { conditions });
  if (!denied) return;
  const why =
    denied.reason === 'explicit-deny-identity-policy'
      ? 'with an explicit deny in an identity-based policy'
      : 'because no identity-based policy allows the kms:TagResource action';
  throw new AccessDeniedException(`User: ${ctx.caller.principalArn} is not authorized to perform: kms:TagResource ${why}`);
}
