/** Tag rules beyond the model's lengths (reference §4.1): 50 per key, unique keys, `aws:` reserved. */
import type { Tag } from './model/key.js';
import { TagException } from './errors.js';

export const MAX_TAGS_PER_KEY = 50;

export function checkTags(tags: readonly Tag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.TagKey.startsWith('aws:')) throw new TagException('Tags beginning with aws: are reserved');
    if (seen.has(t.TagKey)) throw new TagException('Duplicate tag keys');
    seen.add(t.TagKey);
  }
  if (tags.length > MAX_TAGS_PER_KEY) throw new TagException('Too many tags');
}
