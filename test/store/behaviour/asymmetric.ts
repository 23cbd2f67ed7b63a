import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { T0, makeKey, makeMaterial } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

/** Asymmetric key versions carry their public key (migration 005) beside the wrapped private key. */
export function asymmetricBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('asymmetric key materials', () => {
    it('stores the public key with the key in one create and reads it back', async () => {
      const store = await stores.fresh();
      const key = makeKey({ keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' });
      const material = makeMaterial(key.keyId, { publicKey: randomBytes(91) });
      key.currentMaterialId = material.materialId;
      await store.keys.create(key, material, []);
      expect(await store.keys.getMaterial(key.keyId, material.materialId)).toStrictEqual(material);
      expect(await store.keys.listMaterials(key.keyId)).toStrictEqual([material]);
    });

    it('keeps a token-stored private key without a wrapped blob', async () => {
      const store = await stores.fresh();
      const key = makeKey({ keySpec: 'ECC_NIST_EDWARDS25519', keyUsage: 'SIGN_VERIFY' });
      const material = makeMaterial(key.keyId, { storage: 'token', publicKey: randomBytes(44) });
      delete material.wrapped;
      key.currentMaterialId = material.materialId;
      await store.keys.create(key, material, []);
      const got = await store.keys.getMaterial(key.keyId, material.materialId);
      expect(got).toStrictEqual(material);
      expect('wrapped' in got!).toBe(false);
    });

    it('has no publicKey member for symmetric materials', async () => {
      const store = await stores.fresh();
      const key = makeKey();
      const material = makeMaterial(key.keyId);
      key.currentMaterialId = material.materialId;
      await store.keys.create(key, material, []);
      const next = makeMaterial(key.keyId, { createdAt: T0 + 1 });
      await store.keys.addMaterial(next, true);
      for (const m of await store.keys.listMaterials(key.keyId)) expect('publicKey' in m).toBe(false);
    });
  });
}
