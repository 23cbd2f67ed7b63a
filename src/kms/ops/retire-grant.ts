/**
 * RetireGrant (AWS KMS API Reference: RetireGrant; reference §5.11): by GrantToken, or by KeyId
 * (key ARN) + GrantId. "Permission to retire a grant is determined primarily by the grant": its
 * retiring principal may, its grantee may if the grant includes RetireGrant, and so may the
 * account that owns the key or issued the grant when its policies allow kms:RetireGrant (an
 * account root always may). Other grants on the key never count. Every key state; DryRun.
 */
import type { OpContext } from '../context.js';
import type { RetireGrantRequest } from '../model/api-shapes.js';
import type { GrantRecord } from '../model/grant.js';
import type { KeyRecord } from '../model/key.js';
import { resolveKey } from '../resolve-key.js';
import { accessDenied, evaluateKeyAccess } from '../authz/key-access.js';
import { grantIdOfToken, isGrantId } from '../authz/grant-tokens.js';
import { roleArnOfSession } from '../identity/sessions.js';
import {
  DryRunOperationException,
  InvalidGrantIdException,
  InvalidGrantTokenException,
  NotFoundException,
  ValidationException,
} from '../errors.js';

async function findGrant(ctx: OpContext, input: RetireGrantRequest): Promise<{ grant: GrantRecord; key: KeyRecord }> {
  const notFound = (id: string) => new NotFoundException(`Grant ID ${id} not found`);
  if (input.GrantToken !== undefined) {
    const id = grantIdOfToken(input.GrantToken);
    if (id === undefined) throw new InvalidGrantTokenException('Invalid grant token.');
    if (input.GrantId !== undefined && input.GrantId !== id) throw new ValidationException('The GrantId does not match the grant the GrantToken identifies.');
    const grant = await ctx.deps.store.grants.get(id);
    const key = grant && (await ctx.deps.store.keys.get(grant.keyId));
    if (!grant || !key) throw notFound(id);
    return { grant, key };
  }
  if (input.KeyId === undefined || input.GrantId === undefined) {
    throw new ValidationException('Either GrantToken, or both KeyId and GrantId, must be specified.');
  }
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  if (!isGrantId(input.GrantId)) throw new InvalidGrantIdException(`Invalid grant ID ${input.GrantId}`);
  const grant = await ctx.deps.store.grants.get(input.GrantId);
  if (!grant || grant.keyId !== key.keyId) throw notFound(input.GrantId);
  return { grant, key };
}

export async function retireGrant(ctx: OpContext, input: RetireGrantRequest): Promise<object> {
  const { grant, key } = await findGrant(ctx, input);
  const { caller } = ctx;
  const roleArn = caller.principalType === 'assumed-role' ? roleArnOfSession(caller.principalArn) : undefined;
  const me = [caller.principalArn, ...(roleArn ? [roleArn] : [])];
  const byGrant =
    (grant.retiringPrincipal !== undefined && me.includes(grant.retiringPrincipal)) ||
    (me.includes(grant.granteePrincipal) && grant.operations.includes('RetireGrant'));
  if (!byGrant) {
    const owning = caller.accountId === key.accountId || caller.accountId === grant.issuingAccount;
    const access = await evaluateKeyAccess(ctx, 'RetireGrant', key, {}, { useGrants: false });
    if (access.decision.effect === 'deny') throw accessDenied(ctx, 'RetireGrant', key.arn, access.decision);
    if (!owning) throw accessDenied(ctx, 'RetireGrant', key.arn, { effect: 'deny', reason: 'no-key-policy-allows' });
  }
  if (input.DryRun) throw new DryRunOperationException();
  if (!(await ctx.deps.store.grants.delete(grant.grantId))) throw new NotFoundException(`Grant ID ${grant.grantId} not found`);
  return {};
}
