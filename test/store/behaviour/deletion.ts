import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../../src/kms/model/key.js';
import { ACCOUNT, REGION, T0, makeAlias, makeKey, makeKeyWithMaterial, makeMaterial } from '../fixtures.js';
import { countRows, useStores, type StoreHarness } from '../harness.js';

export function deletionBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('keys: delete and deletion sweep', () => {
    it('deletes the key with its materials, aliases and tags', async () => {
      const { store, opts } = await stores.freshWithOptions();
      const { key, material } = makeKeyWithMaterial();
      const other = makeKeyWithMaterial();
      await store.keys.create(key, material, [{ TagKey: 't', TagValue: 'v' }]);
      await store.keys.create(other.key, other.material, [{ TagKey: 't', TagValue: 'v' }]);
      await store.keys.addMaterial(makeMaterial(key.keyId), true);
      await store.aliases.create(makeAlias(key.keyId, 'alias/doomed'), 50);
      expect(await store.keys.delete(key.keyId)).toBe(true);
      expect(await store.keys.get(key.keyId)).toBeUndefined();
      expect(await store.keys.listMaterials(key.keyId)).toStrictEqual([]);
      expect(await store.aliases.get(ACCOUNT, REGION, 'alias/doomed')).toBeUndefined();
      expect((await store.tags.list(key.keyId, { limit: 10 })).items).toStrictEqual([]);
      // The other key's rows are untouched.
      expect(await countRows(h, opts, 'key_materials')).toBe(1);
      expect(await countRows(h, opts, 'tags')).toBe(1);
      expect(await store.keys.delete(key.keyId)).toBe(false);
    });

    it('lists PendingDeletion keys due at or before now, earliest first, up to the limit', async () => {
      const store = await stores.fresh();
      const due = (deletionDate: number, keyState: KeyRecord['keyState'] = 'PendingDeletion') =>
        makeKey({ keyState, deletionDate, pendingWindowInDays: 7 });
      const late = due(T0 + 10);
      const early = due(T0 - 10);
      const exact = due(T0);
      const future = due(T0 + 11);
      const notPending = due(T0 - 20, 'Disabled');
      for (const k of [late, early, exact, future, notPending]) await store.keys.create(k, undefined, []);
      expect(await store.keys.listDueForDeletion(T0 + 10, 10)).toStrictEqual([early, exact, late]);
      expect(await store.keys.listDueForDeletion(T0 + 10, 2)).toStrictEqual([early, exact]);
      expect(await store.keys.listDueForDeletion(T0 - 11, 10)).toStrictEqual([]);
    });
  });
}
