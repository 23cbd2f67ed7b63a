/** UntagResource (AWS KMS API Reference: UntagResource). Removing an absent tag is not an error. */
import type { OpContext } from '../context.js';
import type { UntagResourceRequest } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { tagKeyConditions } from '../authz/tag-conditions.js';
import { assertNotPendingDeletion } from '../key-state.js';

export async function untagResource(ctx: OpContext, input: UntagResourceRequest): Promise<object> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'UntagResource', key, { conditions: tagKeyConditions(input.TagKeys) });
  assertNotPendingDeletion(key);
  await ctx.deps.store.tags.remove(key.keyId, input.TagKeys);
  return {};
}
