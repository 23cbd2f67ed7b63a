/** CreateAlias (AWS KMS API Reference: CreateAlias). The target must be a key of the caller's account. */
import type { OpContext } from '../context.js';
import type { CreateAliasRequest } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { authorizeAccountAction } from '../authz/account-access.js';
import { assertNotPendingDeletion } from '../key-state.js';
import { aliasArnOf, checkAliasName, MAX_ALIASES_PER_KEY } from '../aliases.js';
import { AlreadyExistsException, LimitExceededException, ValidationException } from '../errors.js';

export async function createAlias(ctx: OpContext, input: CreateAliasRequest): Promise<object> {
  checkAliasName(input.AliasName);
  const { key } = await resolveKey(ctx, input.TargetKeyId, 'key-only');
  if (key.accountId !== ctx.caller.accountId) {
    throw new ValidationException('The target key of an alias must be in the same account and Region as the alias.');
  }
  await authorize(ctx, 'CreateAlias', key);
  // The alias is a resource of its own: an identity policy must allow kms:CreateAlias on it too.
  await authorizeAccountAction(ctx, 'CreateAlias', {}, aliasArnOf(ctx, input.AliasName));
  assertNotPendingDeletion(key);
  const now = ctx.deps.clock.now();
  const result = await ctx.deps.store.aliases.create(
    { accountId: ctx.caller.accountId, region: ctx.caller.region, aliasName: input.AliasName, targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now },
    MAX_ALIASES_PER_KEY,
  );
  if (result === 'exists') throw new AlreadyExistsException(`An alias with the name ${aliasArnOf(ctx, input.AliasName)} already exists`);
  if (result === 'limit') throw new LimitExceededException(`The key ${key.arn} already has the maximum of ${MAX_ALIASES_PER_KEY} aliases.`);
  return {};
}
