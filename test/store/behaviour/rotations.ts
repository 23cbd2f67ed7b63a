import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/kms/ports/store.js';
import type { NewJob } from '../../../src/kms/model/lifecycle.js';
import { T0, makeKeyWithMaterial, makeMaterial } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

const DAY = 86_400_000;

async function keyWithRotation(store: Store, next = T0 + 365 * DAY) {
  const { key, material } = makeKeyWithMaterial();
  await store.keys.create(key, material, []);
  await store.rotations.configure(key.keyId, { enabled: true, periodDays: 365, periodAnchorAt: T0, nextRotationAt: next });
  return { key, material };
}

function onDemandJob(keyId: string, n = 1): NewJob {
  return { jobId: `on-demand-rotation:${keyId}:${n}`, kind: 'on-demand-rotation', keyId, dueAt: T0 };
}

export function rotationBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('rotations', () => {
    it('stores a schedule per key and refuses one for a missing key', async () => {
      const store = await stores.fresh();
      const { key } = await keyWithRotation(store);
      expect(await store.rotations.get(key.keyId)).toStrictEqual({
        keyId: key.keyId, enabled: true, periodDays: 365, periodAnchorAt: T0, nextRotationAt: T0 + 365 * DAY, onDemandCount: 0,
      });
      await store.rotations.configure(key.keyId, { enabled: false, periodDays: 90 });
      expect(await store.rotations.get(key.keyId)).toStrictEqual({ keyId: key.keyId, enabled: false, periodDays: 90, onDemandCount: 0 });
      expect(await store.rotations.configure('no-such-key', { enabled: true, periodDays: 365 })).toBe(false);
      expect(await store.rotations.get('no-such-key')).toBeUndefined();
    });

    it('commits an automatic rotation once: new CURRENT material, old one NON_CURRENT, schedule advanced', async () => {
      const store = await stores.fresh();
      const due = T0 + 365 * DAY;
      const { key, material } = await keyWithRotation(store, due);
      const next = makeMaterial(key.keyId, { createdAt: due });
      const commit = {
        keyId: key.keyId, rotationType: 'AUTOMATIC' as const, rotatedAt: due,
        expect: { kind: 'automatic' as const, nextRotationAt: due, newNextRotationAt: due + 365 * DAY },
        material: { insert: next },
      };
      expect(await store.rotations.commit(commit)).toBe(true);
      expect(await store.keys.listMaterials(key.keyId)).toStrictEqual([{ ...material, state: 'NON_CURRENT' }, next]);
      expect((await store.keys.get(key.keyId))!.currentMaterialId).toBe(next.materialId);
      expect(await store.rotations.getDetails(key.keyId, next.materialId)).toStrictEqual({
        keyId: key.keyId, materialId: next.materialId, imported: false, rotationType: 'AUTOMATIC', rotatedAt: due, pendingRotation: false,
      });
      expect(await store.rotations.get(key.keyId)).toMatchObject({ nextRotationAt: due + 365 * DAY, periodAnchorAt: due });
      // The same job run again (a retry after a crash, another node) finds its precondition gone.
      const again = { ...commit, material: { insert: makeMaterial(key.keyId, { createdAt: due + 1 }) } };
      expect(await store.rotations.commit(again)).toBe(false);
      expect(await store.keys.listMaterials(key.keyId)).toHaveLength(2);
    });

    it('lets exactly one of several concurrent commits of the same rotation win', async () => {
      const store = await stores.fresh();
      const due = T0 + DAY;
      const { key } = await keyWithRotation(store, due);
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.rotations.commit({
            keyId: key.keyId, rotationType: 'AUTOMATIC', rotatedAt: due,
            expect: { kind: 'automatic', nextRotationAt: due, newNextRotationAt: due + 365 * DAY },
            material: { insert: makeMaterial(key.keyId, { createdAt: due + i }) },
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const all = await store.keys.listMaterials(key.keyId);
      expect(all).toHaveLength(2);
      expect(all.filter((m) => m.state === 'CURRENT')).toHaveLength(1);
    });

    it('commits only under the claim named in the fence', async () => {
      const store = await stores.fresh();
      const due = T0 + DAY;
      const { key } = await keyWithRotation(store, due);
      const jobId = `rotate-key:${key.keyId}:${due}`;
      await store.jobs.ensure([{ jobId, kind: 'rotate-key', keyId: key.keyId, dueAt: due }], T0);
      const [stale] = await store.jobs.claim('node-a', due, 1000, 1);
      const [current] = await store.jobs.claim('node-b', due + 1000, 1000, 1); // node-a's lease ran out
      const commit = (token: string) =>
        store.rotations.commit({
          keyId: key.keyId, rotationType: 'AUTOMATIC', rotatedAt: due, fence: { jobId, token },
          expect: { kind: 'automatic', nextRotationAt: due, newNextRotationAt: due + DAY }, material: { insert: makeMaterial(key.keyId) },
        });
      expect(await commit(stale!.token)).toBe(false);
      expect(await commit(current!.token)).toBe(true);
      expect(await store.keys.listMaterials(key.keyId)).toHaveLength(2);
    });

    it('refuses an automatic rotation of a key that is not Enabled', async () => {
      const store = await stores.fresh();
      const due = T0 + DAY;
      const { key } = await keyWithRotation(store, due);
      await store.keys.update(key.keyId, { keyState: 'Disabled' });
      expect(await store.rotations.listDue(due, 10)).toStrictEqual([]);
      const ok = await store.rotations.commit({
        keyId: key.keyId, rotationType: 'AUTOMATIC', rotatedAt: due,
        expect: { kind: 'automatic', nextRotationAt: due, newNextRotationAt: due + DAY },
        material: { insert: makeMaterial(key.keyId) },
      });
      expect(ok).toBe(false);
      await store.keys.update(key.keyId, { keyState: 'Enabled' });
      expect(await store.rotations.listDue(due + 5 * DAY, 10)).toStrictEqual([{ keyId: key.keyId, nextRotationAt: due }]);
    });

    it('lists due schedules earliest first, only enabled ones whose date has come', async () => {
      const store = await stores.fresh();
      const a = await keyWithRotation(store, T0 + 2);
      const b = await keyWithRotation(store, T0 + 1);
      const later = await keyWithRotation(store, T0 + 10);
      const off = await keyWithRotation(store, T0);
      await store.rotations.configure(off.key.keyId, { enabled: false, periodDays: 365 });
      expect(await store.rotations.listDue(T0 + 5, 10)).toStrictEqual([
        { keyId: b.key.keyId, nextRotationAt: T0 + 1 },
        { keyId: a.key.keyId, nextRotationAt: T0 + 2 },
      ]);
      expect(await store.rotations.listDue(T0 + 5, 1)).toHaveLength(1);
      expect((await store.rotations.listDue(T0 + 10, 10)).map((d) => d.keyId)).toContain(later.key.keyId);
    });

    it('accepts one on-demand rotation at a time, with its job, and enforces the limit', async () => {
      const store = await stores.fresh();
      const { key } = makeKeyWithMaterial();
      await store.keys.create(key, undefined, []);
      expect(await store.rotations.startOnDemand(key.keyId, T0, 2, onDemandJob(key.keyId, 1))).toBe('ok');
      expect(await store.rotations.get(key.keyId)).toStrictEqual({
        keyId: key.keyId, enabled: false, periodDays: 365, onDemandCount: 0, onDemandStartedAt: T0,
      });
      expect((await store.jobs.get(`on-demand-rotation:${key.keyId}:1`))?.kind).toBe('on-demand-rotation');
      expect(await store.rotations.startOnDemand(key.keyId, T0 + 1, 2, onDemandJob(key.keyId, 2))).toBe('in-progress');
      expect(await store.jobs.get(`on-demand-rotation:${key.keyId}:2`)).toBeUndefined();

      for (const [n, at] of [[1, T0], [2, T0 + 5]] as const) {
        if (n === 2) expect(await store.rotations.startOnDemand(key.keyId, at, 2, onDemandJob(key.keyId, n))).toBe('ok');
        const m = makeMaterial(key.keyId, { createdAt: at });
        const commit = { keyId: key.keyId, rotationType: 'ON_DEMAND' as const, rotatedAt: at, expect: { kind: 'on-demand' as const, startedAt: at }, material: { insert: m } };
        expect(await store.rotations.commit(commit)).toBe(true);
        expect(await store.rotations.commit({ ...commit, material: { insert: makeMaterial(key.keyId) } })).toBe(false);
      }
      expect(await store.rotations.get(key.keyId)).toMatchObject({ onDemandCount: 2 });
      expect(await store.rotations.get(key.keyId)).not.toHaveProperty('onDemandStartedAt');
      expect(await store.rotations.startOnDemand(key.keyId, T0 + 9, 2, onDemandJob(key.keyId, 3))).toBe('limit');
      expect(await store.rotations.startOnDemand('no-such-key', T0, 2, onDemandJob('x'))).toBe('missing');
    });

    it('promotes an imported PENDING_ROTATION material instead of inserting one', async () => {
      const store = await stores.fresh();
      const { key, material } = makeKeyWithMaterial({ origin: 'EXTERNAL' });
      await store.keys.create(key, undefined, []);
      const base = { storage: 'wrapped' as const, importedAt: T0, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const };
      expect(await store.imports.commitImport({ ...base, keyId: key.keyId, materialId: material.materialId, kind: 'first', wrapped: material.wrapped })).toBe('ok');
      const pending = makeMaterial(key.keyId);
      expect(
        await store.imports.commitImport({ ...base, keyId: key.keyId, materialId: pending.materialId, kind: 'pending-rotation', wrapped: pending.wrapped, importedAt: T0 + 1 }),
      ).toBe('ok');
      expect(await store.rotations.startOnDemand(key.keyId, T0 + 2, 25, onDemandJob(key.keyId))).toBe('ok');
      const ok = await store.rotations.commit({
        keyId: key.keyId, rotationType: 'ON_DEMAND', rotatedAt: T0 + 2, expect: { kind: 'on-demand', startedAt: T0 + 2 },
        material: { promote: pending.materialId },
      });
      expect(ok).toBe(true);
      expect((await store.keys.get(key.keyId))!.currentMaterialId).toBe(pending.materialId);
      expect((await store.keys.listMaterials(key.keyId)).map((m) => m.state)).toStrictEqual(['NON_CURRENT', 'CURRENT']);
      expect(await store.rotations.getDetails(key.keyId, pending.materialId)).toMatchObject({
        imported: true, pendingRotation: false, rotationType: 'ON_DEMAND', rotatedAt: T0 + 2, importState: 'IMPORTED',
      });
    });

    it('pages through materials oldest first and can keep only rotated-in ones', async () => {
      const store = await stores.fresh();
      const due = T0 + DAY;
      const { key, material } = await keyWithRotation(store, due);
      const rotated: string[] = [];
      let expected = due;
      for (let i = 0; i < 3; i += 1) {
        const m = makeMaterial(key.keyId, { createdAt: expected });
        rotated.push(m.materialId);
        await store.rotations.commit({
          keyId: key.keyId, rotationType: 'AUTOMATIC', rotatedAt: expected,
          expect: { kind: 'automatic', nextRotationAt: expected, newNextRotationAt: expected + DAY }, material: { insert: m },
        });
        expected += DAY;
      }
      const first = await store.rotations.listMaterials(key.keyId, true, { limit: 2 });
      expect(first.items.map((v) => v.material.materialId)).toStrictEqual(rotated.slice(0, 2));
      expect(first.next).toBeDefined();
      const second = await store.rotations.listMaterials(key.keyId, true, { limit: 2, after: first.next });
      expect(second.items.map((v) => v.material.materialId)).toStrictEqual(rotated.slice(2));
      expect(second.next).toBeUndefined();
      const all = await store.rotations.listMaterials(key.keyId, false, { limit: 10 });
      expect(all.items.map((v) => v.material.materialId)).toStrictEqual([material.materialId, ...rotated]);
      expect(all.items[0]!.details).toBeUndefined();
      expect(all.items[3]!.details).toMatchObject({ rotationType: 'AUTOMATIC', imported: false });
    });
  });
}
