/**
 * ListGrants (AWS KMS API Reference: ListGrants): the grants of one key, optionally one grant id
 * or one grantee; Limit 1–100, default 50. Cross-account with a key ARN; every key state.
 */
import type { OpContext } from '../context.js';
import type { ListGrantsRequest, ListGrantsResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { isGrantId } from '../authz/grant-tokens.js';
import { grantListEntry } from '../grants.js';
import { pageRequest, pageWire } from '../pagination.js';
import { InvalidGrantIdException } from '../errors.js';

export async function listGrants(ctx: OpContext, input: ListGrantsRequest): Promise<ListGrantsResponse> {
  const page = pageRequest(input.Limit, input.Marker, { default: 50, max: 100 });
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'ListGrants', key, { conditions: { 'kms:GrantIsForAWSResource': false } });
  if (input.GrantId !== undefined && !isGrantId(input.GrantId)) throw new InvalidGrantIdException(`Invalid grant ID ${input.GrantId}`);
  const filter = { ...(input.GrantId !== undefined ? { grantId: input.GrantId } : {}), ...(input.GranteePrincipal !== undefined ? { granteePrincipal: input.GranteePrincipal } : {}) };
  const result = await ctx.deps.store.grants.list(key.keyId, filter, page);
  return { Grants: result.items.map((g) => grantListEntry(ctx, g, key.arn)), ...pageWire(result) };
}
