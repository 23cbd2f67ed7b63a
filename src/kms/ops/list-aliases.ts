/** ListAliases (AWS KMS API Reference: ListAliases): Limit 1–100, default 50; optional KeyId filter. */
import type { OpContext } from '../context.js';
import type { ListAliasesRequest, ListAliasesResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorizeAccountAction } from '../authz/account-access.js';
import { aliasEntry } from '../aliases.js';
import { pageRequest, pageWire } from '../pagination.js';

export async function listAliases(ctx: OpContext, input: ListAliasesRequest): Promise<ListAliasesResponse> {
  const page = pageRequest(input.Limit, input.Marker, { default: 50, max: 100 });
  // ListAliases is authorized by identity policy only, with or without KeyId (reference §5.10).
  await authorizeAccountAction(ctx, 'ListAliases');
  let keyId: string | undefined;
  if (input.KeyId !== undefined) {
    const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
    keyId = key.keyId;
  }
  const result = await ctx.deps.store.aliases.list(ctx.caller.accountId, ctx.caller.region, keyId, page);
  return { Aliases: result.items.map((a) => aliasEntry(ctx, a)), ...pageWire(result) };
}
