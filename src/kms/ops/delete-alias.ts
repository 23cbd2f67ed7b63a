/** DeleteAlias (AWS KMS API Reference: DeleteAlias). Allowed in every key state. */
import type { OpContext } from '../context.js';
import type { DeleteAliasRequest } from '../model/api-shapes.js';
import { authorize } from '../authorize.js';
import { authorizeAccountAction } from '../authz/account-access.js';
import { aliasArnOf, checkAliasName } from '../aliases.js';
import { NotFoundException } from '../errors.js';

export async function deleteAlias(ctx: OpContext, input: DeleteAliasRequest): Promise<object> {
  checkAliasName(input.AliasName);
  const { store } = ctx.deps;
  const notFound = () => new NotFoundException(`Alias ${aliasArnOf(ctx, input.AliasName)} is not found.`);
  const alias = await store.aliases.get(ctx.caller.accountId, ctx.caller.region, input.AliasName);
  if (!alias) throw notFound();
  const key = await store.keys.get(alias.targetKeyId);
  if (key) await authorize(ctx, 'DeleteAlias', key);
  // The alias itself is authorized by identity policy (resource: the alias ARN).
  await authorizeAccountAction(ctx, 'DeleteAlias', {}, aliasArnOf(ctx, input.AliasName));
  if (!(await store.aliases.delete(ctx.caller.accountId, ctx.caller.region, input.AliasName))) throw notFound();
  return {};
}
