/**
 * UpdateAlias (AWS KMS API Reference: UpdateAlias): the new target must have the same key type
 * and key usage as the current one, and must not be pending deletion.
 */
import type { OpContext } from '../context.js';
import type { UpdateAliasRequest } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { authorizeAccountAction } from '../authz/account-access.js';
import { assertNotPendingDeletion } from '../key-state.js';
import { aliasArnOf, checkAliasName, MAX_ALIASES_PER_KEY } from '../aliases.js';
import { LimitExceededException, NotFoundException, ValidationException } from '../errors.js';

export async function updateAlias(ctx: OpContext, input: UpdateAliasRequest): Promise<object> {
  checkAliasName(input.AliasName);
  const { store } = ctx.deps;
  const alias = await store.aliases.get(ctx.caller.accountId, ctx.caller.region, input.AliasName);
  if (!alias) throw new NotFoundException(`Alias ${aliasArnOf(ctx, input.AliasName)} is not found.`);
  const { key: target } = await resolveKey(ctx, input.TargetKeyId, 'key-only');
  if (target.accountId !== ctx.caller.accountId) {
    throw new ValidationException('The target key of an alias must be in the same account and Region as the alias.');
  }
  await authorize(ctx, 'UpdateAlias', target);
  assertNotPendingDeletion(target);
  const current = await store.keys.get(alias.targetKeyId);
  // UpdateAlias needs the permission on the alias (identity policy) and on both keys.
  if (current) await authorize(ctx, 'UpdateAlias', current);
  await authorizeAccountAction(ctx, 'UpdateAlias', {}, aliasArnOf(ctx, input.AliasName));
  if (current && (current.keySpec !== target.keySpec || current.keyUsage !== target.keyUsage)) {
    throw new ValidationException(
      `${target.arn} has key spec ${target.keySpec} and usage ${target.keyUsage}; the alias's current key has ${current.keySpec} and ${current.keyUsage}. The keys must be of the same type and usage.`,
    );
  }
  const result = await store.aliases.update(ctx.caller.accountId, ctx.caller.region, input.AliasName, target.keyId, ctx.deps.clock.now(), MAX_ALIASES_PER_KEY);
  if (result === 'missing') throw new NotFoundException(`Alias ${aliasArnOf(ctx, input.AliasName)} is not found.`);
  if (result === 'limit') throw new LimitExceededException(`The key ${target.arn} already has the maximum of ${MAX_ALIASES_PER_KEY} aliases.`);
  return {};
}
