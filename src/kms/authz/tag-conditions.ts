/**
 * Tag condition keys of CreateKey, TagResource and UntagResource (IAM User Guide, "Controlling
 * access during AWS requests"): aws:RequestTag/<key> per tag in the request, aws:TagKeys the
 * tag keys. Both are request keys: ABAC policies use them to control which tags may be set.
 */
import type { Tag } from '../model/key.js';

export type TagConditions = Record<string, string | readonly string[]>;

export function requestTagConditions(tags: readonly Tag[] | undefined): TagConditions {
  const out: TagConditions = {};
  if (!tags || tags.length === 0) return out;
  for (const t of tags) out[`aws:RequestTag/${t.TagKey}`] = t.TagValue;
  out['aws:TagKeys'] = tags.map((t) => t.TagKey);
  return out;
}

export function tagKeyConditions(tagKeys: readonly string[]): TagConditions {
  return tagKeys.length === 0 ? {} : { 'aws:TagKeys': [...tagKeys] };
}
