import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { XksKeyRecord, XksMaterialRecord } from '../../../src/kms/xks/model.js';
import { T0 } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

function xksKey(over: Partial<XksKeyRecord> = {}): XksKeyRecord {
  return {
    tenant: 'tenant-a',
    externalKeyId: `key-${randomBytes(4).toString('hex')}`,
    status: 'ENABLED',
    usages: ['ENCRYPT', 'DECRYPT'],
    description: '',
    currentVersion: 1,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

function material(k: XksKeyRecord, over: Partial<XksMaterialRecord> = {}): XksMaterialRecord {
  return {
    tenant: k.tenant,
    externalKeyId: k.externalKeyId,
    version: 1,
    materialId: randomBytes(32).toString('hex'),
    storage: 'wrapped',
    wrapped: randomBytes(40),
    createdAt: T0,
    ...over,
  };
}

export function xksKeyBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('XKS external keys', () => {
    it('creates a key with its first material and reads both back exactly', async () => {
      const store = await stores.fresh();
      const k = xksKey({ rules: { rules: [{ sid: 'ebs', effect: 'Allow', viaServices: ['ebs'] }] }, description: 'd' });
      const m = material(k);
      expect(await store.xksKeys.create(k, m)).toBe('ok');
      expect(await store.xksKeys.get(k.tenant, k.externalKeyId)).toStrictEqual(k);
      expect(await store.xksKeys.getMaterial(k.tenant, k.externalKeyId, 1)).toStrictEqual(m);
      const token = xksKey();
      const tm = material(token, { storage: 'token', wrapped: undefined });
      delete tm.wrapped;
      await store.xksKeys.create(token, tm);
      expect(await store.xksKeys.getMaterial(token.tenant, token.externalKeyId, 1)).toStrictEqual(tm);
    });

    it("answers 'exists' for a second key with the same tenant and id, writing nothing", async () => {
      const store = await stores.fresh();
      const k = xksKey();
      await store.xksKeys.create(k, material(k));
      expect(await store.xksKeys.create({ ...k, description: 'other' }, material(k))).toBe('exists');
      expect((await store.xksKeys.get(k.tenant, k.externalKeyId))?.description).toBe('');
      expect(await store.xksKeys.listMaterials(k.tenant, k.externalKeyId)).toHaveLength(1);
    });

    it('keeps tenants apart: the same external key id in two tenants is two keys', async () => {
      const store = await stores.fresh();
      const a = xksKey({ tenant: 'a', externalKeyId: 'foo' });
      const b = xksKey({ tenant: 'b', externalKeyId: 'foo', usages: ['ENCRYPT'] });
      await store.xksKeys.create(a, material(a));
      await store.xksKeys.create(b, material(b));
      expect((await store.xksKeys.get('a', 'foo'))?.usages).toStrictEqual(['ENCRYPT', 'DECRYPT']);
      expect((await store.xksKeys.get('b', 'foo'))?.usages).toStrictEqual(['ENCRYPT']);
      expect(await store.xksKeys.get('c', 'foo')).toBeUndefined();
    });

    it('patches status, usages, rules and description, and removes rules with null', async () => {
      const store = await stores.fresh();
      const k = xksKey({ rules: { rules: [{ sid: 'r', effect: 'Deny', principals: ['*'] }] } });
      await store.xksKeys.create(k, material(k));
      expect(await store.xksKeys.update(k.tenant, k.externalKeyId, { status: 'DISABLED', usages: [] }, T0 + 5)).toBe(true);
      let got = (await store.xksKeys.get(k.tenant, k.externalKeyId))!;
      expect(got).toMatchObject({ status: 'DISABLED', usages: [], rules: k.rules, updatedAt: T0 + 5, createdAt: T0 });
      await store.xksKeys.update(k.tenant, k.externalKeyId, { rules: null, description: 'x' }, T0 + 6);
      got = (await store.xksKeys.get(k.tenant, k.externalKeyId))!;
      expect(got.rules).toBeUndefined();
      expect(got).toMatchObject({ status: 'DISABLED', description: 'x' });
      expect(await store.xksKeys.update(k.tenant, 'nope', { status: 'ENABLED' }, T0)).toBe(false);
    });

    it('adds material versions in order and refuses a stale or missing base version', async () => {
      const store = await stores.fresh();
      const k = xksKey();
      await store.xksKeys.create(k, material(k));
      const v2 = material(k, { version: 2 });
      expect(await store.xksKeys.addMaterial(v2, T0 + 1)).toBe('ok');
      expect((await store.xksKeys.get(k.tenant, k.externalKeyId))?.currentVersion).toBe(2);
      expect(await store.xksKeys.addMaterial(material(k, { version: 2 }), T0 + 2)).toBe('conflict');
      expect(await store.xksKeys.addMaterial(material(xksKey()), T0)).toBe('missing');
      expect((await store.xksKeys.listMaterials(k.tenant, k.externalKeyId)).map((m) => m.version)).toStrictEqual([1, 2]);
      expect(await store.xksKeys.getMaterial(k.tenant, k.externalKeyId, 2)).toStrictEqual(v2);
      expect(await store.xksKeys.getMaterial(k.tenant, k.externalKeyId, 3)).toBeUndefined();
    });

    it('lets exactly one of two concurrent rotations win', async () => {
      const store = await stores.fresh();
      const k = xksKey();
      await store.xksKeys.create(k, material(k));
      const results = await Promise.all([
        store.xksKeys.addMaterial(material(k, { version: 2 }), T0),
        store.xksKeys.addMaterial(material(k, { version: 2 }), T0),
      ]);
      expect(results.sort()).toStrictEqual(['conflict', 'ok']);
      expect(await store.xksKeys.listMaterials(k.tenant, k.externalKeyId)).toHaveLength(2);
    });

    it('lists one tenant, or all tenants, in byte order across pages', async () => {
      const store = await stores.fresh();
      const ids = ['B', 'a', 'a.1', 'Z_', '-x'];
      for (const id of ids) {
        const k = xksKey({ tenant: 't1', externalKeyId: id });
        await store.xksKeys.create(k, material(k));
      }
      const other = xksKey({ tenant: 't0', externalKeyId: 'zz' });
      await store.xksKeys.create(other, material(other));
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.xksKeys.list('t1', { limit: 2, after });
        seen.push(...page.items.map((k) => k.externalKeyId));
        after = page.next;
      } while (after !== undefined);
      expect(seen).toStrictEqual(['-x', 'B', 'Z_', 'a', 'a.1']);
      const all: string[] = [];
      after = undefined;
      do {
        const page = await store.xksKeys.list(undefined, { limit: 4, after });
        all.push(...page.items.map((k) => `${k.tenant}/${k.externalKeyId}`));
        after = page.next;
      } while (after !== undefined);
      expect(all).toStrictEqual(['t0/zz', 't1/-x', 't1/B', 't1/Z_', 't1/a', 't1/a.1']);
    });
  });
}
