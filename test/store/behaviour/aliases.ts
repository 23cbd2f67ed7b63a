import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/kms/ports/store.js';
import { ACCOUNT, REGION, T0, makeAlias, makeKey } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

async function withKeys(store: Store, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = makeKey();
    await store.keys.create(k, undefined, []);
    ids.push(k.keyId);
  }
  return ids;
}

export function aliasBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('aliases: create, get, delete', () => {
    it('creates an alias and reads it back exactly', async () => {
      const store = await stores.fresh();
      const [k] = await withKeys(store, 1);
      const a = makeAlias(k!, 'alias/app');
      expect(await store.aliases.create(a, 50)).toBe('ok');
      expect(await store.aliases.get(ACCOUNT, REGION, 'alias/app')).toStrictEqual(a);
      expect(await store.aliases.get(ACCOUNT, 'us-east-1', 'alias/app')).toBeUndefined();
    });

    it("answers 'exists' for a taken name in the same account and region, whatever the target", async () => {
      const store = await stores.fresh();
      const [k1, k2] = await withKeys(store, 2);
      expect(await store.aliases.create(makeAlias(k1!, 'alias/x'), 50)).toBe('ok');
      expect(await store.aliases.create(makeAlias(k2!, 'alias/x', { creationDate: T0 + 5 }), 50)).toBe('exists');
      expect((await store.aliases.get(ACCOUNT, REGION, 'alias/x'))!.targetKeyId).toBe(k1);
      // The same name elsewhere is another alias.
      expect(await store.aliases.create(makeAlias(k2!, 'alias/x', { region: 'us-east-1' }), 50)).toBe('ok');
    });

    it("answers 'limit' when the key already has maxPerKey aliases, and writes nothing", async () => {
      const store = await stores.fresh();
      const [k1, k2] = await withKeys(store, 2);
      for (const n of ['a', 'b']) expect(await store.aliases.create(makeAlias(k1!, `alias/${n}`), 2)).toBe('ok');
      expect(await store.aliases.create(makeAlias(k1!, 'alias/c'), 2)).toBe('limit');
      expect(await store.aliases.get(ACCOUNT, REGION, 'alias/c')).toBeUndefined();
      expect(await store.aliases.create(makeAlias(k2!, 'alias/c'), 2)).toBe('ok');
    });

    it('holds the per-key limit and name uniqueness under concurrent creates', async () => {
      const store = await stores.fresh();
      const [k1, k2] = await withKeys(store, 2);
      const many = await Promise.all(Array.from({ length: 8 }, (_, i) => store.aliases.create(makeAlias(k1!, `alias/n${i}`), 3)));
      expect(many.filter((r) => r === 'ok')).toHaveLength(3);
      expect(many.filter((r) => r === 'limit')).toHaveLength(5);
      expect(await store.aliases.listForKey(k1!)).toHaveLength(3);
      const same = await Promise.all([k1!, k2!, k2!, k2!].map((k) => store.aliases.create(makeAlias(k, 'alias/same'), 50)));
      expect(same.filter((r) => r === 'ok')).toHaveLength(1);
    });

    it('deletes an alias, reporting whether it existed', async () => {
      const store = await stores.fresh();
      const [k] = await withKeys(store, 1);
      await store.aliases.create(makeAlias(k!, 'alias/gone'), 50);
      expect(await store.aliases.delete(ACCOUNT, REGION, 'alias/gone')).toBe(true);
      expect(await store.aliases.delete(ACCOUNT, REGION, 'alias/gone')).toBe(false);
      expect(await store.aliases.get(ACCOUNT, REGION, 'alias/gone')).toBeUndefined();
      expect(await store.keys.get(k!)).toBeDefined();
    });
  });

  describe('aliases: update', () => {
    it('re-points an alias and stamps lastUpdatedDate, keeping creationDate', async () => {
      const store = await stores.fresh();
      const [k1, k2] = await withKeys(store, 2);
      const a = makeAlias(k1!, 'alias/move');
      await store.aliases.create(a, 50);
      expect(await store.aliases.update(ACCOUNT, REGION, 'alias/move', k2!, T0 + 99, 50)).toBe('ok');
      expect(await store.aliases.get(ACCOUNT, REGION, 'alias/move')).toStrictEqual({ ...a, targetKeyId: k2, lastUpdatedDate: T0 + 99 });
      expect(await store.aliases.listForKey(k1!)).toStrictEqual([]);
    });

    it("answers 'missing' for an unknown alias", async () => {
      const store = await stores.fresh();
      const [k] = await withKeys(store, 1);
      expect(await store.aliases.update(ACCOUNT, REGION, 'alias/none', k!, T0, 50)).toBe('missing');
    });

    it("answers 'limit' when the new target is full, and leaves the alias where it was", async () => {
      const store = await stores.fresh();
      const [k1, k2] = await withKeys(store, 2);
      await store.aliases.create(makeAlias(k1!, 'alias/a'), 1);
      await store.aliases.create(makeAlias(k2!, 'alias/b'), 1);
      expect(await store.aliases.update(ACCOUNT, REGION, 'alias/a', k2!, T0 + 1, 1)).toBe('limit');
      expect(await store.aliases.get(ACCOUNT, REGION, 'alias/a')).toStrictEqual(makeAlias(k1!, 'alias/a'));
      // Re-pointing at the key it already names is not an extra alias for that key.
      expect(await store.aliases.update(ACCOUNT, REGION, 'alias/b', k2!, T0 + 2, 1)).toBe('ok');
    });
  });

  describe('aliases: list', () => {
    it('pages by alias name, optionally for one key, scoped to account and region', async () => {
      const store = await stores.fresh();
      const [k1, k2] = await withKeys(store, 2);
      const names = ['alias/e', 'alias/a', 'alias/d', 'alias/b', 'alias/c'];
      for (const [i, n] of names.entries()) await store.aliases.create(makeAlias(i % 2 ? k2! : k1!, n), 50);
      await store.aliases.create(makeAlias(k1!, 'alias/other-region', { region: 'us-east-1' }), 50);

      const p1 = await store.aliases.list(ACCOUNT, REGION, undefined, { limit: 2 });
      expect(p1.items.map((a) => a.aliasName)).toStrictEqual(['alias/a', 'alias/b']);
      expect(p1.next).toBe('alias/b');
      await store.aliases.create(makeAlias(k1!, 'alias/aa'), 50); // before the cursor: not returned
      await store.aliases.create(makeAlias(k1!, 'alias/bb'), 50); // after it: returned
      const p2 = await store.aliases.list(ACCOUNT, REGION, undefined, { limit: 2, after: p1.next! });
      expect(p2.items.map((a) => a.aliasName)).toStrictEqual(['alias/bb', 'alias/c']);
      const p3 = await store.aliases.list(ACCOUNT, REGION, undefined, { limit: 2, after: p2.next! });
      expect(p3.items.map((a) => a.aliasName)).toStrictEqual(['alias/d', 'alias/e']);
      expect(p3.next).toBeUndefined();

      const forK1 = await store.aliases.list(ACCOUNT, REGION, k1!, { limit: 2 });
      expect(forK1.items.map((a) => a.aliasName)).toStrictEqual(['alias/aa', 'alias/bb']);
      const forK1b = await store.aliases.list(ACCOUNT, REGION, k1!, { limit: 10, after: forK1.next! });
      expect(forK1b.items.map((a) => a.aliasName)).toStrictEqual(['alias/c', 'alias/d', 'alias/e']);
      expect(forK1b.next).toBeUndefined();
    });

    it('lists every alias of one key, ordered by name', async () => {
      const store = await stores.fresh();
      const [k1, k2] = await withKeys(store, 2);
      await store.aliases.create(makeAlias(k1!, 'alias/z'), 50);
      await store.aliases.create(makeAlias(k1!, 'alias/m'), 50);
      await store.aliases.create(makeAlias(k2!, 'alias/n'), 50);
      expect((await store.aliases.listForKey(k1!)).map((a) => a.aliasName)).toStrictEqual(['alias/m', 'alias/z']);
      expect(await store.aliases.listForKey('no-such-key')).toStrictEqual([]);
    });
  });
}
