/**
 * RevokeGrant (AWS KMS API Reference: RevokeGrant): an administrator's deletion of a grant;
 * needs kms:RevokeGrant on the key (grants cannot allow it). Cross-account with a key ARN; every
 * key state; DryRun.
 */
import type { OpContext } from '../context.js';
import type { RevokeGrantRequest } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { isGrantId } from '../authz/grant-tokens.js';
import { DryRunOperationException, InvalidGrantIdException, NotFoundException } from '../errors.js';

export async function revokeGrant(ctx: OpContext, input: RevokeGrantRequest): Promise<object> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'RevokeGrant', key, { conditions: { 'kms:GrantIsForAWSResource': false } });
  if (!isGrantId(input.GrantId)) throw new InvalidGrantIdException(`Invalid grant ID ${input.GrantId}`);
  const grant = await ctx.deps.store.grants.get(input.GrantId);
  if (!grant || grant.keyId !== key.keyId) throw new NotFoundException(`Grant ID ${input.GrantId} not found`);
  if (input.DryRun) throw new DryRunOperationException();
  if (!(await ctx.deps.store.grants.delete(grant.grantId))) throw new NotFoundException(`Grant ID ${input.GrantId} not found`);
  return {};
}
