import { describe, expect, it } from 'vitest';
import type { ImportCommit } from '../../../src/kms/ports/store-imports.js';
import type { ImportParametersRecord } from '../../../src/kms/model/lifecycle.js';
import { T0, makeKey, makeMaterial } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

const HOUR = 3_600_000;

function params(keyId: string, n: number, validTo = T0 + 24 * HOUR): ImportParametersRecord {
  return {
    wrappingKeyId: `00000000-0000-4000-8000-00000000000${n}`, keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048',
    createdAt: T0, validTo,
  };
}

function importOf(keyId: string, over: Partial<ImportCommit> = {}): ImportCommit {
  const m = makeMaterial(keyId);
  return {
    keyId, materialId: m.materialId, kind: 'first', storage: 'wrapped', wrapped: m.wrapped, importedAt: T0,
    expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: T0 + 10 * HOUR, description: 'from the vault', ...over,
  };
}

export function importBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('imported key material', () => {
    it('keeps import parameters, lists expired ones and those of a key, and outlives the key', async () => {
      const store = await stores.fresh();
      const key = makeKey({ origin: 'EXTERNAL', keyState: 'PendingImport' });
      await store.keys.create(key, undefined, []);
      const [a, b] = [params(key.keyId, 1, T0 + 2), params(key.keyId, 2, T0 + 1)];
      await store.imports.putParameters(a);
      await store.imports.putParameters(b);
      expect(await store.imports.getParameters(a.wrappingKeyId)).toStrictEqual(a);
      expect(await store.imports.listExpiredParameters(T0 + 5, 10)).toStrictEqual([b, a]);
      expect(await store.imports.listExpiredParameters(T0, 10)).toStrictEqual([]);
      await store.keys.delete(key.keyId);
      expect(await store.imports.listParametersForKey(key.keyId)).toStrictEqual([a, b]);
      expect(await store.imports.deleteParameters(a.wrappingKeyId)).toBe(true);
      expect(await store.imports.deleteParameters(a.wrappingKeyId)).toBe(false);
      expect(await store.imports.getParameters(a.wrappingKeyId)).toBeUndefined();
    });

    it('imports the first material: CURRENT, the key Enabled; deleting it returns the key to PendingImport', async () => {
      const store = await stores.fresh();
      const key = makeKey({ origin: 'EXTERNAL', keyState: 'PendingImport' });
      await store.keys.create(key, undefined, []);
      const first = importOf(key.keyId);
      expect(await store.imports.commitImport(first)).toBe('ok');
      expect(await store.keys.get(key.keyId)).toMatchObject({ keyState: 'Enabled', currentMaterialId: first.materialId });
      expect(await store.keys.getMaterial(key.keyId, first.materialId)).toMatchObject({ state: 'CURRENT', wrapped: first.wrapped });
      expect(await store.rotations.getDetails(key.keyId, first.materialId)).toStrictEqual({
        keyId: key.keyId, materialId: first.materialId, imported: true, importState: 'IMPORTED', pendingRotation: false,
        expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: T0 + 10 * HOUR, description: 'from the vault',
      });
      expect(await store.imports.commitImport(importOf(key.keyId))).toBe('conflict'); // a second "first"

      expect(await store.imports.deleteMaterial(key.keyId, first.materialId)).toStrictEqual({ result: 'deleted', wasImported: true });
      const gone = await store.keys.getMaterial(key.keyId, first.materialId);
      expect(gone).toMatchObject({ state: 'PENDING_IMPORT' });
      expect(gone).not.toHaveProperty('wrapped');
      expect(await store.keys.get(key.keyId)).toMatchObject({ keyState: 'PendingImport', currentMaterialId: first.materialId });
      expect(await store.imports.deleteMaterial(key.keyId, first.materialId)).toStrictEqual({ result: 'deleted', wasImported: false });
      expect(await store.imports.deleteMaterial(key.keyId, 'ab'.repeat(32))).toStrictEqual({ result: 'missing' });

      // Re-import of the same material brings back the blob, CURRENT and Enabled, with the new expiry.
      const again = { ...first, kind: 'reimport' as const, validTo: T0 + 20 * HOUR, description: undefined };
      expect(await store.imports.commitImport(again)).toBe('ok');
      expect(await store.keys.getMaterial(key.keyId, first.materialId)).toMatchObject({ state: 'CURRENT', wrapped: first.wrapped });
      expect(await store.keys.get(key.keyId)).toMatchObject({ keyState: 'Enabled' });
      expect(await store.rotations.getDetails(key.keyId, first.materialId)).toMatchObject({
        importState: 'IMPORTED', validTo: T0 + 20 * HOUR, description: 'from the vault',
      });
      expect(await store.imports.commitImport({ ...importOf(key.keyId), kind: 'reimport' })).toBe('conflict'); // unknown material
    });

    it('refuses imports into keys that are not EXTERNAL', async () => {
      const store = await stores.fresh();
      const key = makeKey();
      await store.keys.create(key, undefined, []);
      expect(await store.imports.commitImport(importOf(key.keyId))).toBe('conflict');
      expect(await store.keys.listMaterials(key.keyId)).toStrictEqual([]);
    });

    it('keeps a key pending deletion in PendingDeletion when its material is deleted', async () => {
      const store = await stores.fresh();
      const key = makeKey({ origin: 'EXTERNAL', keyState: 'PendingImport' });
      await store.keys.create(key, undefined, []);
      const first = importOf(key.keyId);
      await store.imports.commitImport(first);
      await store.keys.update(key.keyId, { keyState: 'PendingDeletion', deletionDate: T0 + 1, pendingWindowInDays: 7 });
      await store.imports.deleteMaterial(key.keyId, first.materialId);
      expect((await store.keys.get(key.keyId))!.keyState).toBe('PendingDeletion');
    });

    it('holds one PENDING_ROTATION material at a time and forgets it entirely when deleted', async () => {
      const store = await stores.fresh();
      const key = makeKey({ origin: 'EXTERNAL', keyState: 'PendingImport' });
      await store.keys.create(key, undefined, []);
      await store.imports.commitImport(importOf(key.keyId));
      const pending = importOf(key.keyId, { kind: 'pending-rotation', expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', validTo: undefined });
      expect(await store.imports.commitImport(pending)).toBe('ok');
      expect(await store.keys.getMaterial(key.keyId, pending.materialId)).toMatchObject({ state: 'NON_CURRENT' });
      expect(await store.rotations.getDetails(key.keyId, pending.materialId)).toMatchObject({ pendingRotation: true });
      expect(await store.imports.commitImport(importOf(key.keyId, { kind: 'pending-rotation' }))).toBe('conflict');
      expect(await store.imports.deleteMaterial(key.keyId, pending.materialId)).toStrictEqual({ result: 'deleted', wasImported: true });
      expect(await store.keys.getMaterial(key.keyId, pending.materialId)).toBeUndefined();
      expect((await store.keys.get(key.keyId))!.keyState).toBe('Enabled');
    });

    it('lists expiring materials and deletes one only while its ValidTo is unchanged', async () => {
      const store = await stores.fresh();
      const key = makeKey({ origin: 'EXTERNAL', keyState: 'PendingImport' });
      await store.keys.create(key, undefined, []);
      const first = importOf(key.keyId, { validTo: T0 + HOUR });
      await store.imports.commitImport(first);
      expect(await store.imports.listExpiring(T0, 10)).toStrictEqual([]);
      expect(await store.imports.listExpiring(T0 + HOUR, 10)).toStrictEqual([{ keyId: key.keyId, materialId: first.materialId, validTo: T0 + HOUR }]);
      // Re-imported with a later expiry after the expiry job had looked: the job's delete is stale.
      await store.imports.commitImport({ ...first, kind: 'reimport', validTo: T0 + 5 * HOUR });
      expect(await store.imports.deleteMaterial(key.keyId, first.materialId, T0 + HOUR)).toStrictEqual({ result: 'stale' });
      expect((await store.keys.get(key.keyId))!.keyState).toBe('Enabled');
      expect(await store.imports.deleteMaterial(key.keyId, first.materialId, T0 + 5 * HOUR)).toMatchObject({ result: 'deleted' });
      expect(await store.imports.listExpiring(T0 + 10 * HOUR, 10)).toStrictEqual([]);
    });
  });
}
