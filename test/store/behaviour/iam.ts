import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { IdentityPolicyRecord, SessionRecord } from '../../../src/kms/model/iam.js';
import type { Store } from '../../../src/kms/ports/store.js';
import { ACCOUNT, T0, makeAccessKey, makePrincipal } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

const ROLE = makePrincipal('deployer', { arn: `arn:aws:iam::${ACCOUNT}:role/deployer`, type: 'role' });
const DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}';

function policy(principalArn: string, policyName: string, over: Partial<IdentityPolicyRecord> = {}): IdentityPolicyRecord {
  return { principalArn, policyName, document: DOC, createdAt: T0, updatedAt: T0, ...over };
}

function session(over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    accountId: ACCOUNT,
    roleArn: ROLE.arn,
    sessionName: 'ci',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`,
    secretSealed: randomBytes(60),
    tokenHash: randomBytes(32),
    expiresAt: T0 + 3_600_000,
    createdAt: T0,
    ...over,
  };
}

async function seeded(store: Store) {
  await store.identities.ensureAccount({ accountId: ACCOUNT, createdAt: T0 });
  const alice = makePrincipal('alice');
  await store.identities.ensurePrincipal(alice);
  await store.identities.ensurePrincipal(ROLE);
  return { alice };
}

export function iamBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('identity policies', () => {
    it('puts, replaces, reads, lists by name and deletes a principal’s policies', async () => {
      const store = await stores.fresh();
      const { alice } = await seeded(store);
      const b = policy(alice.arn, 'b-policy');
      const a = policy(alice.arn, 'a-policy');
      await store.iam.putIdentityPolicy(b);
      await store.iam.putIdentityPolicy(a);
      await store.iam.putIdentityPolicy(policy(ROLE.arn, 'role-policy'));
      const replaced = { ...b, document: '{"Statement":[]}', updatedAt: T0 + 9, createdAt: T0 + 9 };
      await store.iam.putIdentityPolicy(replaced);
      // Replacing keeps the original creation time.
      expect(await store.iam.getIdentityPolicy(alice.arn, 'b-policy')).toStrictEqual({ ...replaced, createdAt: T0 });
      expect(await store.iam.listIdentityPolicies(alice.arn)).toStrictEqual([a, { ...replaced, createdAt: T0 }]);
      expect(await store.iam.deleteIdentityPolicy(alice.arn, 'a-policy')).toBe(true);
      expect(await store.iam.deleteIdentityPolicy(alice.arn, 'a-policy')).toBe(false);
      expect(await store.iam.getIdentityPolicy(alice.arn, 'a-policy')).toBeUndefined();
      expect((await store.iam.listIdentityPolicies(ROLE.arn)).map((p) => p.policyName)).toStrictEqual(['role-policy']);
    });

    it('refuses a policy for a principal that does not exist', async () => {
      const store = await stores.fresh();
      await seeded(store);
      await expect(store.iam.putIdentityPolicy(policy(`arn:aws:iam::${ACCOUNT}:user/nobody`, 'p'))).rejects.toThrow();
    });
  });

  describe('sessions', () => {
    it('creates a session and reads it back exactly', async () => {
      const store = await stores.fresh();
      await seeded(store);
      const s = session();
      await store.iam.createSession(s);
      const back = await store.iam.getSession(s.accessKeyId);
      expect(back).toStrictEqual(s);
      expect(Buffer.isBuffer(back!.tokenHash)).toBe(true);
      expect(await store.iam.getSession('ASIANOPE')).toBeUndefined();
      await expect(store.iam.createSession({ ...s })).rejects.toThrow();
    });

    it('deletes only the sessions expired at or before the given time', async () => {
      const store = await stores.fresh();
      await seeded(store);
      const early = session({ expiresAt: T0 + 10 });
      const edge = session({ expiresAt: T0 + 20 });
      const late = session({ expiresAt: T0 + 30 });
      for (const s of [early, edge, late]) await store.iam.createSession(s);
      expect(await store.iam.deleteExpiredSessions(T0 + 20)).toBe(2);
      expect(await store.iam.getSession(edge.accessKeyId)).toBeUndefined();
      expect(await store.iam.getSession(late.accessKeyId)).toStrictEqual(late);
    });
  });

  describe('deleting principals', () => {
    it('deletes a user with its access keys and policies, and a role with its sessions', async () => {
      const store = await stores.fresh();
      const { alice } = await seeded(store);
      const key = makeAccessKey('AKIA00000000000000A1', alice);
      await store.identities.createAccessKey(key);
      await store.iam.putIdentityPolicy(policy(alice.arn, 'p'));
      const s = session();
      await store.iam.createSession(s);
      await store.iam.putIdentityPolicy(policy(ROLE.arn, 'p'));

      expect(await store.iam.deletePrincipal(alice.arn)).toBe(true);
      expect(await store.identities.getPrincipal(alice.arn)).toBeUndefined();
      expect(await store.identities.getAccessKey(key.accessKeyId)).toBeUndefined();
      expect(await store.iam.listIdentityPolicies(alice.arn)).toStrictEqual([]);
      expect(await store.iam.deletePrincipal(alice.arn)).toBe(false);

      expect(await store.iam.deletePrincipal(ROLE.arn)).toBe(true);
      expect(await store.iam.getSession(s.accessKeyId)).toBeUndefined();
      expect(await store.iam.listIdentityPolicies(ROLE.arn)).toStrictEqual([]);
    });

    it('never deletes an account root, nor its access keys', async () => {
      const store = await stores.fresh();
      await seeded(store);
      const root = makePrincipal('root', { arn: `arn:aws:iam::${ACCOUNT}:root`, type: 'root' });
      await store.identities.ensurePrincipal(root);
      const key = makeAccessKey('AKIA00000000000000R1', root);
      await store.identities.createAccessKey(key);
      expect(await store.iam.deletePrincipal(root.arn)).toBe(false);
      expect(await store.identities.getPrincipal(root.arn)).toStrictEqual(root);
      expect(await store.identities.getAccessKey(key.accessKeyId)).toStrictEqual(key);
    });
  });
}
