/** TagResource (AWS KMS API Reference: TagResource): adds or overwrites tags, at most 50 per key. */
import type { OpContext } from '../context.js';
import type { TagResourceRequest } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { requestTagConditions } from '../authz/tag-conditions.js';
import { assertNotPendingDeletion } from '../key-state.js';
import { checkTags, MAX_TAGS_PER_KEY } from '../tags.js';
import { TagException } from '../errors.js';

export async function tagResource(ctx: OpContext, input: TagResourceRequest): Promise<object> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'TagResource', key, { conditions: requestTagConditions(input.Tags) });
  assertNotPendingDeletion(key);
  const tags = input.Tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
  checkTags(tags);
  if ((await ctx.deps.store.tags.put(key.keyId, tags, MAX_TAGS_PER_KEY)) === 'limit') throw new TagException('Too many tags');
  return {};
}
