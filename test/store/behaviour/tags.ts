import { describe, expect, it } from 'vitest';
import type { Tag } from '../../../src/kms/model/key.js';
import type { Store } from '../../../src/kms/ports/store.js';
import { makeKey } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

const tag = (TagKey: string, TagValue = `v-${TagKey}`): Tag => ({ TagKey, TagValue });

async function keyWithTags(store: Store, tags: Tag[]): Promise<string> {
  const k = makeKey();
  await store.keys.create(k, undefined, tags);
  return k.keyId;
}

async function allTags(store: Store, keyId: string): Promise<Tag[]> {
  return (await store.tags.list(keyId, { limit: 1000 })).items;
}

export function tagBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('tags', () => {
    it('adds new tags and overwrites the values of existing ones', async () => {
      const store = await stores.fresh();
      const k = await keyWithTags(store, [tag('a'), tag('b')]);
      expect(await store.tags.put(k, [tag('b', 'new'), tag('c')], 50)).toBe('ok');
      expect(await allTags(store, k)).toStrictEqual([tag('a'), tag('b', 'new'), tag('c')]);
    });

    it("answers 'limit' and writes nothing (not even overwrites) when the count would exceed max", async () => {
      const store = await stores.fresh();
      const k = await keyWithTags(store, [tag('a'), tag('b')]);
      expect(await store.tags.put(k, [tag('a', 'changed'), tag('c'), tag('d')], 3)).toBe('limit');
      expect(await allTags(store, k)).toStrictEqual([tag('a'), tag('b')]);
    });

    it('counts distinct resulting keys: overwrites and repeated keys do not use up the limit', async () => {
      const store = await stores.fresh();
      const k = await keyWithTags(store, [tag('a'), tag('b')]);
      expect(await store.tags.put(k, [tag('a', '1'), tag('b', '2')], 2)).toBe('ok');
      expect(await store.tags.put(k, [tag('c', 'first'), tag('c', 'last')], 3)).toBe('ok');
      expect(await allTags(store, k)).toStrictEqual([tag('a', '1'), tag('b', '2'), tag('c', 'last')]);
    });

    it('holds the limit when two writers add different tags at once', async () => {
      const store = await stores.fresh();
      const k = await keyWithTags(store, [tag('a'), tag('b'), tag('c')]);
      const results = await Promise.all([
        store.tags.put(k, [tag('x1'), tag('x2')], 5),
        store.tags.put(k, [tag('y1'), tag('y2')], 5),
      ]);
      expect(results.sort()).toStrictEqual(['limit', 'ok']);
      expect(await allTags(store, k)).toHaveLength(5);
    });

    it('removes the named tags and ignores names that are not set', async () => {
      const store = await stores.fresh();
      const k = await keyWithTags(store, [tag('a'), tag('b'), tag('c')]);
      const other = await keyWithTags(store, [tag('a')]);
      await store.tags.remove(k, ['a', 'c', 'zz']);
      await store.tags.remove(k, []);
      expect(await allTags(store, k)).toStrictEqual([tag('b')]);
      expect(await allTags(store, other)).toStrictEqual([tag('a')]);
    });

    it('pages by tag key without repeats or gaps when tags are added between pages', async () => {
      const store = await stores.fresh();
      const k = await keyWithTags(store, ['k1', 'k3', 'k5', 'k7'].map((t) => tag(t)));
      const p1 = await store.tags.list(k, { limit: 2 });
      expect(p1).toStrictEqual({ items: [tag('k1'), tag('k3')], next: 'k3' });
      await store.tags.put(k, [tag('k2'), tag('k4')], 50);
      const p2 = await store.tags.list(k, { limit: 2, after: p1.next! });
      expect(p2).toStrictEqual({ items: [tag('k4'), tag('k5')], next: 'k5' });
      const p3 = await store.tags.list(k, { limit: 2, after: p2.next! });
      expect(p3).toStrictEqual({ items: [tag('k7')] });
      expect(await store.tags.list('no-such-key', { limit: 5 })).toStrictEqual({ items: [] });
    });
  });
}
