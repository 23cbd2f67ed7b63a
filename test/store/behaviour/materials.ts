import { describe, expect, it } from 'vitest';
import { T0, makeKey, makeKeyWithMaterial, makeMaterial } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

export function materialBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('key materials', () => {
    it('makes a new material current: demotes the old one and points the key at it', async () => {
      const store = await stores.fresh();
      const { key, material } = makeKeyWithMaterial();
      await store.keys.create(key, material, []);
      const next = makeMaterial(key.keyId, { createdAt: T0 + 1 });
      await store.keys.addMaterial(next, true);
      expect(await store.keys.listMaterials(key.keyId)).toStrictEqual([{ ...material, state: 'NON_CURRENT' }, next]);
      expect((await store.keys.get(key.keyId))!.currentMaterialId).toBe(next.materialId);
    });

    it('adds a non-current material without touching the key or the current one', async () => {
      const store = await stores.fresh();
      const { key, material } = makeKeyWithMaterial();
      await store.keys.create(key, material, []);
      const pending = makeMaterial(key.keyId, { createdAt: T0 + 1, state: 'PENDING_IMPORT', storage: 'token', wrapped: undefined });
      delete pending.wrapped;
      await store.keys.addMaterial(pending, false);
      expect(await store.keys.get(key.keyId)).toStrictEqual(key);
      const got = await store.keys.getMaterial(key.keyId, pending.materialId);
      expect(got).toStrictEqual(pending);
      expect('wrapped' in got!).toBe(false);
      expect(await store.keys.getMaterial(key.keyId, material.materialId)).toStrictEqual(material);
    });

    it('gives the first material to a key created without one (import)', async () => {
      const store = await stores.fresh();
      const key = makeKey({ origin: 'EXTERNAL', keyState: 'PendingImport' });
      await store.keys.create(key, undefined, []);
      const m = makeMaterial(key.keyId);
      await store.keys.addMaterial(m, true);
      expect(await store.keys.get(key.keyId)).toStrictEqual({ ...key, currentMaterialId: m.materialId });
    });

    it('lists materials oldest first and returns undefined for unknown ones', async () => {
      const store = await stores.fresh();
      const { key, material } = makeKeyWithMaterial();
      await store.keys.create(key, material, []);
      const later = makeMaterial(key.keyId, { createdAt: T0 + 2, state: 'NON_CURRENT' });
      const middle = makeMaterial(key.keyId, { createdAt: T0 + 1, state: 'NON_CURRENT' });
      await store.keys.addMaterial(later, false);
      await store.keys.addMaterial(middle, false);
      expect((await store.keys.listMaterials(key.keyId)).map((m) => m.materialId)).toStrictEqual([
        material.materialId, middle.materialId, later.materialId,
      ]);
      expect(await store.keys.getMaterial(key.keyId, 'ff'.repeat(32))).toBeUndefined();
      expect(await store.keys.listMaterials('no-such-key')).toStrictEqual([]);
    });

    it('rejects a material for a missing key', async () => {
      const store = await stores.fresh();
      await expect(store.keys.addMaterial(makeMaterial('no-such-key'), true)).rejects.toThrow();
      await expect(store.keys.addMaterial(makeMaterial('no-such-key'), false)).rejects.toThrow();
    });

    it('keeps exactly one CURRENT material under concurrent rotations', async () => {
      const store = await stores.fresh();
      const { key, material } = makeKeyWithMaterial();
      await store.keys.create(key, material, []);
      const rotations = Array.from({ length: 6 }, (_, i) => makeMaterial(key.keyId, { createdAt: T0 + 1 + i }));
      await Promise.all(rotations.map((m) => store.keys.addMaterial(m, true)));
      const all = await store.keys.listMaterials(key.keyId);
      const current = all.filter((m) => m.state === 'CURRENT');
      expect(all).toHaveLength(7);
      expect(current).toHaveLength(1);
      expect((await store.keys.get(key.keyId))!.currentMaterialId).toBe(current[0]!.materialId);
    });
  });
}
