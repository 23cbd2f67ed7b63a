import type { Tag } from '../kms/model/key.js';

/**
 * Collapses repeated tag keys, the last value winning (as one TagResource call with the same key
 * twice would leave it). Both backends rely on it: the limit check counts distinct keys, and a
 * PostgreSQL upsert cannot touch the same row twice in one statement.
 */
export function dedupeTags(tags: readonly Tag[]): Tag[] {
  const byKey = new Map<string, string>();
  for (const t of tags) byKey.set(t.TagKey, t.TagValue);
  return [...byKey].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}
