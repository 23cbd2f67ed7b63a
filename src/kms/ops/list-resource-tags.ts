/** ListResourceTags (AWS KMS API Reference: ListResourceTags): Limit 1–50, default 50. */
import type { OpContext } from '../context.js';
import type { ListResourceTagsRequest, ListResourceTagsResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { pageRequest, pageWire } from '../pagination.js';

export async function listResourceTags(ctx: OpContext, input: ListResourceTagsRequest): Promise<ListResourceTagsResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'ListResourceTags', key);
  const page = await ctx.deps.store.tags.list(key.keyId, pageRequest(input.Limit, input.Marker, { default: 50, max: 50 }));
  return { Tags: page.items, ...pageWire(page) };
}
