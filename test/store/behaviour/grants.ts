import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { GrantRecord } from '../../../src/kms/model/grant.js';
import type { Store } from '../../../src/kms/ports/store.js';
import { ACCOUNT, T0, makeKey } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;

/** Null-prototype, as the store returns constraint maps. */
function ecMap(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(o)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

function makeGrant(keyId: string, over: Partial<GrantRecord> = {}): GrantRecord {
  return {
    grantId: randomBytes(32).toString('hex'),
    keyId,
    issuingAccount: ACCOUNT,
    granteePrincipal: ALICE,
    operations: ['Encrypt', 'Decrypt'],
    fingerprint: 'fp-1',
    creationDate: T0,
    ...over,
  };
}

async function newKey(store: Store): Promise<string> {
  const k = makeKey();
  await store.keys.create(k, undefined, []);
  return k.keyId;
}

export function grantBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('grants', () => {
    it('creates a grant and reads it back exactly, constraints and a __proto__ context key included', async () => {
      const store = await stores.fresh();
      const keyId = await newKey(store);
      // Object.fromEntries makes `__proto__` an ordinary key (an object literal would set the prototype).
      const subset = ecMap(Object.fromEntries([['__proto__', 'x'], ['dept', 'it']]));
      const g = makeGrant(keyId, { name: 'app-grant', retiringPrincipal: BOB, constraints: { EncryptionContextSubset: subset } });
      expect(await store.grants.create(g, 10)).toStrictEqual({ outcome: 'created', grant: g });
      const back = await store.grants.get(g.grantId);
      expect(back).toStrictEqual(g);
      expect(Object.keys(back!.constraints!.EncryptionContextSubset!)).toStrictEqual(['__proto__', 'dept']);
      expect(await store.grants.get(randomBytes(32).toString('hex'))).toBeUndefined();
    });

    it('returns the existing grant for the same key, name and fingerprint, and creates anew otherwise', async () => {
      const store = await stores.fresh();
      const keyId = await newKey(store);
      const first = makeGrant(keyId, { name: 'n1' });
      await store.grants.create(first, 10);
      const again = await store.grants.create(makeGrant(keyId, { name: 'n1' }), 10);
      expect(again).toStrictEqual({ outcome: 'existing', grant: first });
      expect((await store.grants.create(makeGrant(keyId, { name: 'n1', fingerprint: 'fp-2' }), 10)).outcome).toBe('created');
      expect((await store.grants.create(makeGrant(keyId), 10)).outcome).toBe('created');
      expect((await store.grants.create(makeGrant(keyId), 10)).outcome).toBe('created');
      expect(await store.grants.count(keyId)).toBe(4);
    });

    it('gives concurrent identical named creates one grant', async () => {
      const store = await stores.fresh();
      const keyId = await newKey(store);
      const results = await Promise.all(Array.from({ length: 6 }, () => store.grants.create(makeGrant(keyId, { name: 'race' }), 10)));
      const ids = new Set(results.map((r) => (r.outcome === 'limit' ? 'limit' : r.grant.grantId)));
      expect(ids.size).toBe(1);
      expect(await store.grants.count(keyId)).toBe(1);
    });

    it("answers 'limit' at maxPerKey grants and writes nothing", async () => {
      const store = await stores.fresh();
      const keyId = await newKey(store);
      const other = await newKey(store);
      for (let i = 0; i < 3; i++) await store.grants.create(makeGrant(keyId), 3);
      expect(await store.grants.create(makeGrant(keyId), 3)).toStrictEqual({ outcome: 'limit' });
      expect(await store.grants.count(keyId)).toBe(3);
      expect((await store.grants.create(makeGrant(other), 3)).outcome).toBe('created');
    });

    it('lists a key’s grants by grant id in pages, filtered by grant id or grantee', async () => {
      const store = await stores.fresh();
      const keyId = await newKey(store);
      const other = await newKey(store);
      const grants = [makeGrant(keyId), makeGrant(keyId, { granteePrincipal: BOB }), makeGrant(keyId), makeGrant(keyId, { granteePrincipal: BOB })];
      for (const g of grants) await store.grants.create(g, 10);
      await store.grants.create(makeGrant(other), 10);
      const sorted = [...grants].sort((a, b) => (a.grantId < b.grantId ? -1 : 1));
      const p1 = await store.grants.list(keyId, {}, { limit: 3 });
      expect(p1.items).toStrictEqual(sorted.slice(0, 3));
      expect(p1.next).toBe(sorted[2]!.grantId);
      const p2 = await store.grants.list(keyId, {}, { limit: 3, after: p1.next! });
      expect(p2).toStrictEqual({ items: sorted.slice(3) });
      expect((await store.grants.list(keyId, { granteePrincipal: BOB }, { limit: 10 })).items).toStrictEqual(
        sorted.filter((g) => g.granteePrincipal === BOB),
      );
      expect((await store.grants.list(keyId, { grantId: grants[1]!.grantId }, { limit: 10 })).items).toStrictEqual([grants[1]]);
      expect((await store.grants.list(other, { grantId: grants[1]!.grantId }, { limit: 10 })).items).toStrictEqual([]);
    });

    it('finds the grants of a key for a set of grantees', async () => {
      const store = await stores.fresh();
      const keyId = await newKey(store);
      const other = await newKey(store);
      const a = makeGrant(keyId);
      const b = makeGrant(keyId, { granteePrincipal: BOB });
      for (const g of [a, b, makeGrant(other)]) await store.grants.create(g, 10);
      expect(await store.grants.listForGrantees(keyId, [ALICE])).toStrictEqual([a]);
      const both = await store.grants.listForGrantees(keyId, [ALICE, BOB]);
      expect(both.map((g) => g.grantId).sort()).toStrictEqual([a.grantId, b.grantId].sort());
      expect(await store.grants.listForGrantees(keyId, [])).toStrictEqual([]);
    });

    it('lists retirable grants across keys by retiring principal, in pages', async () => {
      const store = await stores.fresh();
      const k1 = await newKey(store);
      const k2 = await newKey(store);
      const mine = [makeGrant(k1, { retiringPrincipal: BOB }), makeGrant(k2, { retiringPrincipal: BOB }), makeGrant(k2, { retiringPrincipal: BOB })];
      for (const g of [...mine, makeGrant(k1), makeGrant(k1, { retiringPrincipal: ALICE })]) await store.grants.create(g, 10);
      const sorted = [...mine].sort((a, b) => (a.grantId < b.grantId ? -1 : 1));
      const p1 = await store.grants.listRetirable(BOB, { limit: 2 });
      expect(p1.items).toStrictEqual(sorted.slice(0, 2));
      expect(await store.grants.listRetirable(BOB, { limit: 2, after: p1.next! })).toStrictEqual({ items: sorted.slice(2) });
    });

    it('deletes a grant once, and deletes a key’s grants with the key', async () => {
      const store = await stores.fresh();
      const keyId = await newKey(store);
      const g = makeGrant(keyId);
      const h2 = makeGrant(keyId);
      await store.grants.create(g, 10);
      await store.grants.create(h2, 10);
      expect(await store.grants.delete(g.grantId)).toBe(true);
      expect(await store.grants.delete(g.grantId)).toBe(false);
      expect(await store.keys.delete(keyId)).toBe(true);
      expect(await store.grants.get(h2.grantId)).toBeUndefined();
    });

    it('refuses a grant on a key that does not exist', async () => {
      const store = await stores.fresh();
      await expect(store.grants.create(makeGrant('00000000-0000-4000-8000-000000000000'), 10)).rejects.toThrow();
    });
  });
}
