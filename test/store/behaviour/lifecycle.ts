import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore } from '../../../src/store/index.js';
import { buildChildStore, openInChildren, removeChildStore } from '../children.js';
import { makeKey } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

const LATEST = MIGRATIONS.map((m) => m.version);

export function lifecycleBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('migrations and lifecycle', () => {
    let childDir = '';
    beforeAll(async () => {
      childDir = await buildChildStore();
    });
    afterAll(async () => {
      if (childDir) await removeChildStore(childDir);
    });

    const versions = async (opts: Parameters<StoreHarness['query']>[0]) =>
      (await h.query(opts, 'SELECT version FROM schema_migrations ORDER BY version')).map((r) => Number(r.version));

    it('numbers migrations strictly increasing from 1', () => {
      expect(LATEST[0]).toBe(1);
      LATEST.forEach((v, i) => expect(v).toBe(i + 1));
    });

    it('applies each migration once: reopening keeps the data and the recorded versions', async () => {
      const { store, opts } = await stores.freshWithOptions();
      expect(store.kind).toBe(h.kind);
      const key = makeKey();
      await store.keys.create(key, undefined, []);
      await store.close();
      const again = await stores.at(opts);
      expect(await again.keys.get(key.keyId)).toStrictEqual(key);
      expect(await versions(opts)).toStrictEqual(LATEST);
    });

    it('survives several opens of a new database at once in one process', async () => {
      const opts = await h.fresh();
      const opened = await Promise.all(Array.from({ length: 4 }, () => stores.at(opts)));
      const key = makeKey();
      await opened[0]!.keys.create(key, undefined, []);
      for (const s of opened) expect(await s.keys.get(key.keyId)).toStrictEqual(key);
      expect(await versions(opts)).toStrictEqual(LATEST);
    });

    it('survives several processes opening a new database at the same moment', async () => {
      const opts = await h.fresh();
      const winners = await openInChildren(childDir, opts, 4);
      // All four migrated-or-waited successfully and agree on who wrote first.
      expect(new Set(winners).size).toBe(1);
      expect(await versions(opts)).toStrictEqual(LATEST);
    });

    it('refuses a database carrying a migration this version does not know', async () => {
      const { store, opts } = await stores.freshWithOptions();
      await store.close();
      await h.query(opts, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
      await expect(openStore(opts)).rejects.toThrow(/999 unknown to this Strongroom/);
    });

    it('answers ping and tolerates close twice', async () => {
      const store = await stores.fresh();
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
