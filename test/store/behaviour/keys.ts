import { describe, expect, it } from 'vitest';
import { ACCOUNT, REGION, T0, makeKey, makeKeyWithMaterial, makeMaterial, sortedBy } from '../fixtures.js';
import { countRows, useStores, type StoreHarness } from '../harness.js';

export function keyBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('keys: create and get', () => {
    it('returns the record exactly as written, optional fields absent rather than null', async () => {
      const store = await stores.fresh();
      const key = makeKey({ origin: 'EXTERNAL', keyState: 'PendingImport' });
      await store.keys.create(key, undefined, []);
      const got = await store.keys.get(key.keyId);
      expect(got).toStrictEqual(key);
      expect(Object.keys(got!)).not.toContain('deletionDate');
      expect(Object.keys(got!)).not.toContain('currentMaterialId');
    });

    it('round-trips every optional field, booleans and large epoch-ms times as numbers', async () => {
      const store = await stores.fresh();
      const { key, material } = makeKeyWithMaterial({
        keyState: 'PendingDeletion', deletionDate: 4_102_444_800_000, pendingWindowInDays: 7, multiRegion: true,
      });
      await store.keys.create(key, material, []);
      const got = await store.keys.get(key.keyId);
      expect(got).toStrictEqual(key);
      expect(typeof got!.creationDate).toBe('number');
    });

    it('writes the first material and the tags with the key', async () => {
      const store = await stores.fresh();
      const { key, material } = makeKeyWithMaterial();
      await store.keys.create(key, material, [{ TagKey: 'b', TagValue: '2' }, { TagKey: 'a', TagValue: '1' }]);
      const m = await store.keys.getMaterial(key.keyId, material.materialId);
      expect(m).toStrictEqual(material);
      expect(Buffer.isBuffer(m!.wrapped)).toBe(true);
      expect((await store.tags.list(key.keyId, { limit: 10 })).items).toStrictEqual([
        { TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '2' },
      ]);
    });

    it('returns undefined for an unknown key id', async () => {
      const store = await stores.fresh();
      expect(await store.keys.get('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    });

    it('rejects a duplicate key id and writes none of its material or tags', async () => {
      const { store, opts } = await stores.freshWithOptions();
      const { key, material } = makeKeyWithMaterial();
      await store.keys.create(key, material, [{ TagKey: 'keep', TagValue: 'v' }]);
      const dup = { ...key, description: 'second' };
      const dupMaterial = makeMaterial(key.keyId, { state: 'NON_CURRENT' });
      await expect(store.keys.create(dup, dupMaterial, [{ TagKey: 'new', TagValue: 'x' }])).rejects.toThrow();
      expect(await store.keys.get(key.keyId)).toStrictEqual(key);
      expect(await store.keys.listMaterials(key.keyId)).toStrictEqual([material]);
      expect((await store.tags.list(key.keyId, { limit: 10 })).items).toStrictEqual([{ TagKey: 'keep', TagValue: 'v' }]);
      expect(await countRows(h, opts, 'key_materials')).toBe(1);
      expect(await countRows(h, opts, 'tags')).toBe(1);
    });

    it('writes nothing when a later row of the create fails (a bad tag)', async () => {
      const { store, opts } = await stores.freshWithOptions();
      const { key, material } = makeKeyWithMaterial();
      const badTag = { TagKey: 'k', TagValue: null as unknown as string };
      await expect(store.keys.create(key, material, [{ TagKey: 'a', TagValue: 'ok' }, badTag])).rejects.toThrow();
      expect(await store.keys.get(key.keyId)).toBeUndefined();
      for (const table of ['keys', 'key_materials', 'tags']) expect(await countRows(h, opts, table)).toBe(0);
    });

    it('writes nothing when the material cannot be stored (it names another key)', async () => {
      const { store, opts } = await stores.freshWithOptions();
      const key = makeKey();
      await expect(store.keys.create(key, makeMaterial('not-this-key'), [])).rejects.toThrow();
      expect(await store.keys.get(key.keyId)).toBeUndefined();
      expect(await countRows(h, opts, 'keys')).toBe(0);
    });
  });

  describe('keys: list and count', () => {
    it('pages by key id within one account and region, with next only while more follow', async () => {
      const store = await stores.fresh();
      const mine = Array.from({ length: 5 }, () => makeKey());
      for (const k of mine) await store.keys.create(k, undefined, []);
      await store.keys.create(makeKey({ accountId: '999988887777' }), undefined, []);
      await store.keys.create(makeKey({ region: 'us-east-1' }), undefined, []);
      const expected = sortedBy(mine, (k) => k.keyId);

      const p1 = await store.keys.list(ACCOUNT, REGION, { limit: 2 });
      expect(p1.items).toStrictEqual(expected.slice(0, 2));
      expect(p1.next).toBe(expected[1]!.keyId);
      const p2 = await store.keys.list(ACCOUNT, REGION, { limit: 2, after: p1.next! });
      expect(p2.items).toStrictEqual(expected.slice(2, 4));
      const p3 = await store.keys.list(ACCOUNT, REGION, { limit: 2, after: p2.next! });
      expect(p3.items).toStrictEqual(expected.slice(4));
      expect('next' in p3).toBe(false);

      const exact = await store.keys.list(ACCOUNT, REGION, { limit: 5 });
      expect(exact.items).toHaveLength(5);
      expect(exact.next).toBeUndefined();
      expect(await store.keys.count(ACCOUNT, REGION)).toBe(5);
      expect(await store.keys.count('000000000000', REGION)).toBe(0);
    });

    it('neither repeats nor skips keys when keys are inserted between pages', async () => {
      const store = await stores.fresh();
      const ids = ['10', '20', '30', '40', '50'].map((p) => `${p}000000-0000-4000-8000-000000000000`);
      for (const keyId of ids) await store.keys.create(makeKey({ keyId }), undefined, []);
      const p1 = await store.keys.list(ACCOUNT, REGION, { limit: 2 });
      expect(p1.items.map((k) => k.keyId)).toStrictEqual(ids.slice(0, 2));
      // One before the cursor (not seen this listing) and one after it (seen on a later page).
      await store.keys.create(makeKey({ keyId: '05000000-0000-4000-8000-000000000000' }), undefined, []);
      await store.keys.create(makeKey({ keyId: '35000000-0000-4000-8000-000000000000' }), undefined, []);
      const seen = [...p1.items];
      let next = p1.next;
      while (next !== undefined) {
        const p = await store.keys.list(ACCOUNT, REGION, { limit: 2, after: next });
        seen.push(...p.items);
        next = p.next;
      }
      expect(seen.map((k) => k.keyId.slice(0, 2))).toStrictEqual(['10', '20', '30', '35', '40', '50']);
    });

    it('orders by bytes, not by locale (upper case before lower case)', async () => {
      const store = await stores.fresh();
      for (const keyId of ['b-key', 'B-key', 'a-key', 'A-key']) await store.keys.create(makeKey({ keyId }), undefined, []);
      const page = await store.keys.list(ACCOUNT, REGION, { limit: 10 });
      expect(page.items.map((k) => k.keyId)).toStrictEqual(['A-key', 'B-key', 'a-key', 'b-key']);
    });

    it('rejects a non-positive page limit', async () => {
      const store = await stores.fresh();
      await expect(store.keys.list(ACCOUNT, REGION, { limit: 0 })).rejects.toThrow(RangeError);
      await expect(store.keys.listDueForDeletion(T0, -1)).rejects.toThrow(RangeError);
    });
  });

  describe('keys: update', () => {
    it('writes only the given fields and clears nullable ones with null', async () => {
      const store = await stores.fresh();
      const { key, material } = makeKeyWithMaterial({ keyState: 'PendingDeletion', deletionDate: T0 + 1, pendingWindowInDays: 30 });
      await store.keys.create(key, material, []);
      expect(await store.keys.update(key.keyId, { description: 'changed' })).toBe(true);
      expect(await store.keys.get(key.keyId)).toStrictEqual({ ...key, description: 'changed' });

      const clear = { keyState: 'Disabled', deletionDate: null, pendingWindowInDays: null, currentMaterialId: null, policy: '{}' } as const;
      expect(await store.keys.update(key.keyId, clear)).toBe(true);
      const { deletionDate: _d, pendingWindowInDays: _p, currentMaterialId: _c, ...rest } = key;
      expect(await store.keys.get(key.keyId)).toStrictEqual({ ...rest, description: 'changed', keyState: 'Disabled', policy: '{}' });
    });

    it('returns false for a missing key', async () => {
      const store = await stores.fresh();
      expect(await store.keys.update('missing', { description: 'x' })).toBe(false);
      expect(await store.keys.update('missing', {}, ['Enabled'])).toBe(false);
    });

    it('refuses, writing nothing, when the state is not one of ifStateIn', async () => {
      const store = await stores.fresh();
      const key = makeKey({ keyState: 'Disabled' });
      await store.keys.create(key, undefined, []);
      const patch = { keyState: 'PendingDeletion' as const, deletionDate: T0 + 7 * 86_400_000, pendingWindowInDays: 7 };
      expect(await store.keys.update(key.keyId, patch, ['Enabled'])).toBe(false);
      expect(await store.keys.update(key.keyId, patch, [])).toBe(false);
      expect(await store.keys.get(key.keyId)).toStrictEqual(key);
      expect(await store.keys.update(key.keyId, patch, ['Enabled', 'Disabled'])).toBe(true);
      expect(await store.keys.get(key.keyId)).toStrictEqual({ ...key, ...patch });
    });

    it('treats an empty patch as a no-op that reports existence and the condition', async () => {
      const store = await stores.fresh();
      const key = makeKey();
      await store.keys.create(key, undefined, []);
      expect(await store.keys.update(key.keyId, {})).toBe(true);
      expect(await store.keys.update(key.keyId, {}, ['Disabled'])).toBe(false);
      expect(await store.keys.get(key.keyId)).toStrictEqual(key);
    });

    it('lets exactly one of many concurrent conditional updates win', async () => {
      const store = await stores.fresh();
      const key = makeKey();
      await store.keys.create(key, undefined, []);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.keys.update(key.keyId, { keyState: 'PendingDeletion', deletionDate: T0 + i, pendingWindowInDays: 7 }, ['Enabled']),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await store.keys.get(key.keyId))!.deletionDate).toBe(T0 + winner);
    });
  });
}
