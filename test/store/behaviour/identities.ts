import { describe, expect, it } from 'vitest';
import { ACCOUNT, T0, makeAccessKey, makePrincipal } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

const OTHER = '444455556666';

export function identityBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('identities', () => {
    it('inserts an account once; a second ensure keeps the first record', async () => {
      const store = await stores.fresh();
      await store.identities.ensureAccount({ accountId: ACCOUNT, createdAt: T0 });
      await store.identities.ensureAccount({ accountId: ACCOUNT, createdAt: T0 + 1 });
      expect(await store.identities.getAccount(ACCOUNT)).toStrictEqual({ accountId: ACCOUNT, createdAt: T0 });
      expect(await store.identities.getAccount(OTHER)).toBeUndefined();
      await store.identities.ensureAccount({ accountId: OTHER, createdAt: T0 + 2 });
      expect(await store.identities.listAccounts()).toStrictEqual(
        [{ accountId: ACCOUNT, createdAt: T0 }, { accountId: OTHER, createdAt: T0 + 2 }].sort((a, b) => a.accountId.localeCompare(b.accountId)),
      );
    });

    it('inserts a principal once and lists an account’s principals by ARN', async () => {
      const store = await stores.fresh();
      for (const a of [ACCOUNT, OTHER]) await store.identities.ensureAccount({ accountId: a, createdAt: T0 });
      const bob = makePrincipal('bob');
      const alice = makePrincipal('alice');
      const root = makePrincipal('root', { arn: `arn:aws:iam::${ACCOUNT}:root`, type: 'root' });
      for (const p of [bob, alice, root]) await store.identities.ensurePrincipal(p);
      await store.identities.ensurePrincipal({ ...bob, createdAt: T0 + 5, type: 'role' });
      await store.identities.ensurePrincipal(makePrincipal('carol', { accountId: OTHER }));
      expect(await store.identities.getPrincipal(bob.arn)).toStrictEqual(bob);
      expect(await store.identities.getPrincipal('arn:aws:iam::000000000000:user/none')).toBeUndefined();
      expect(await store.identities.listPrincipals(ACCOUNT)).toStrictEqual([root, alice, bob]);
    });

    it('rejects a principal of an account that was never ensured', async () => {
      const store = await stores.fresh();
      await expect(store.identities.ensurePrincipal(makePrincipal('x', { accountId: OTHER }))).rejects.toThrow();
    });

    it('creates, reads, lists, disables and deletes access keys', async () => {
      const store = await stores.fresh();
      for (const a of [ACCOUNT, OTHER]) await store.identities.ensureAccount({ accountId: a, createdAt: T0 });
      const p = makePrincipal('app');
      const q = makePrincipal('ops', { accountId: OTHER });
      await store.identities.ensurePrincipal(p);
      await store.identities.ensurePrincipal(q);
      const k2 = makeAccessKey('AKIA0000000000000002', p);
      const k1 = makeAccessKey('AKIA0000000000000001', q);
      const k3 = makeAccessKey('AKIA0000000000000003', p, { status: 'Inactive' });
      for (const k of [k2, k1, k3]) await store.identities.createAccessKey(k);

      const got = await store.identities.getAccessKey(k2.accessKeyId);
      expect(got).toStrictEqual(k2);
      expect(Buffer.isBuffer(got!.secretSealed)).toBe(true);
      expect(await store.identities.getAccessKey('AKIANOPE')).toBeUndefined();
      expect(await store.identities.listAccessKeys()).toStrictEqual([k1, k2, k3]);
      expect(await store.identities.listAccessKeys(ACCOUNT)).toStrictEqual([k2, k3]);
      expect(await store.identities.listAccessKeys('000000000000')).toStrictEqual([]);

      expect(await store.identities.setAccessKeyStatus(k2.accessKeyId, 'Inactive')).toBe(true);
      expect((await store.identities.getAccessKey(k2.accessKeyId))!.status).toBe('Inactive');
      expect(await store.identities.setAccessKeyStatus('AKIANOPE', 'Active')).toBe(false);

      expect(await store.identities.deleteAccessKey(k2.accessKeyId)).toBe(true);
      expect(await store.identities.deleteAccessKey(k2.accessKeyId)).toBe(false);
      expect(await store.identities.getAccessKey(k2.accessKeyId)).toBeUndefined();
    });

    it('rejects a duplicate access key id and a key whose principal is in another account', async () => {
      const store = await stores.fresh();
      for (const a of [ACCOUNT, OTHER]) await store.identities.ensureAccount({ accountId: a, createdAt: T0 });
      const p = makePrincipal('app');
      await store.identities.ensurePrincipal(p);
      const k = makeAccessKey('AKIA0000000000000009', p);
      await store.identities.createAccessKey(k);
      await expect(store.identities.createAccessKey({ ...k, status: 'Inactive' })).rejects.toThrow();
      expect(await store.identities.getAccessKey(k.accessKeyId)).toStrictEqual(k);
      await expect(store.identities.createAccessKey(makeAccessKey('AKIA000000000000000X', p, { accountId: OTHER }))).rejects.toThrow();
    });
  });

  describe('meta', () => {
    it('keeps the first value written for a name', async () => {
      const store = await stores.fresh();
      expect(await store.meta.get('initialisedAt')).toBeUndefined();
      expect(await store.meta.setIfAbsent('initialisedAt', 'first')).toBe('first');
      expect(await store.meta.setIfAbsent('initialisedAt', 'second')).toBe('first');
      expect(await store.meta.get('initialisedAt')).toBe('first');
    });

    it('gives every concurrent writer the same winning value', async () => {
      const store = await stores.fresh();
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => store.meta.setIfAbsent('race', `v${i}`)));
      expect(new Set(results).size).toBe(1);
      expect(await store.meta.get('race')).toBe(results[0]);
    });
  });
}
