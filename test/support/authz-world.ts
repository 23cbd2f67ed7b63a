/**
 * Two accounts and several principals on a running test server, for the authorization suites:
 *   account A (TEST_ACCOUNT): root (the bootstrap key), alice (identity policy kms:* on *),
 *     bob (no identity policy), dan (kms:* but an explicit Deny of kms:GenerateDataKey*),
 *     role `app` (identity policy: Encrypt/Decrypt/DescribeKey) and a session of it;
 *   account B: root, carol (identity policy: kms:* on account A's keys), dave (no policy).
 * Identities are made with the same library functions the CLI uses, against the server's own
 * store and token; every principal gets a real access key and a real @aws-sdk/client-kms client.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import type { TestServer } from './server.js';
import { TEST_ACCOUNT } from './server.js';
import type { PrincipalRecord } from '../../src/kms/model/identity.js';
import { ensureAccountRoot } from '../../src/kms/identity/access-keys.js';
import { ensureNamedPrincipal, issueAccessKey, putIdentityPolicy } from '../../src/kms/identity/iam-admin.js';
import { assumeRole } from '../../src/kms/identity/sessions.js';

export const ACCOUNT_A = TEST_ACCOUNT;
export const ACCOUNT_B = '444455556666';
export const REGION = 'us-east-1';

export const arnOf = {
  root: (acct: string) => `arn:aws:iam::${acct}:root`,
  user: (acct: string, name: string) => `arn:aws:iam::${acct}:user/${name}`,
  role: (acct: string, name: string) => `arn:aws:iam::${acct}:role/${name}`,
};

export function policyDoc(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export const ALLOW_ALL = policyDoc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' });

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface World {
  srv: TestServer;
  clients: Record<'rootA' | 'alice' | 'bob' | 'dan' | 'app' | 'rootB' | 'carol' | 'dave', KMSClient>;
  principals: Record<'alice' | 'bob' | 'dan' | 'app' | 'carol' | 'dave', PrincipalRecord>;
  sessionArn: string;
  client(creds: Credentials): KMSClient;
  /** Creates a user in account A (or B) with an access key and optional identity policy. */
  user(name: string, policy?: string, account?: string): Promise<{ principal: PrincipalRecord; client: KMSClient }>;
  setPolicy(principal: PrincipalRecord, name: string, document: string): Promise<void>;
  removePolicy(principal: PrincipalRecord, name: string): Promise<void>;
  destroy(): void;
}

export async function buildWorld(srv: TestServer): Promise<World> {
  const { store, hsm } = srv.svc.deps;
  const now = Date.now();
  const made: KMSClient[] = [];
  const client = (creds: Credentials): KMSClient => {
    const c = new KMSClient({ region: REGION, endpoint: srv.url, maxAttempts: 1, credentials: creds });
    made.push(c);
    return c;
  };
  const user = async (name: string, policy?: string, account = ACCOUNT_A) => {
    const { principal } = await ensureNamedPrincipal(store, 'aws', account, 'user', name, now);
    if (policy) await putIdentityPolicy(store, 'aws', principal, 'main', policy, now);
    return { principal, client: client(await issueAccessKey(store, hsm, principal, now)) };
  };
  const rootB = await ensureAccountRoot(store, 'aws', ACCOUNT_B, now);
  const alice = await user('alice', ALLOW_ALL);
  const bob = await user('bob');
  const dan = await user(
    'dan',
    policyDoc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }, { Effect: 'Deny', Action: 'kms:GenerateDataKey*', Resource: '*' }),
  );
  const carol = await user('carol', policyDoc({ Effect: 'Allow', Action: 'kms:*', Resource: `arn:aws:kms:*:${ACCOUNT_A}:key/*` }), ACCOUNT_B);
  const dave = await user('dave', undefined, ACCOUNT_B);
  const { principal: role } = await ensureNamedPrincipal(store, 'aws', ACCOUNT_A, 'role', 'app', now);
  await putIdentityPolicy(store, 'aws', role, 'main', policyDoc({ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: '*' }), now);
  const session = await assumeRole(store, hsm, role, 'worker-1', 3600, now);
  return {
    srv,
    clients: {
      rootA: srv.kms(),
      alice: alice.client,
      bob: bob.client,
      dan: dan.client,
      app: client({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken }),
      rootB: client(await issueAccessKey(store, hsm, rootB, now)),
      carol: carol.client,
      dave: dave.client,
    },
    principals: { alice: alice.principal, bob: bob.principal, dan: dan.principal, app: role, carol: carol.principal, dave: dave.principal },
    sessionArn: session.arn,
    client,
    user,
    async setPolicy(principal, name, document) {
      await putIdentityPolicy(store, 'aws', principal, name, document, Date.now());
    },
    async removePolicy(principal, name) {
      await store.iam.deleteIdentityPolicy(principal.arn, name);
    },
    destroy() {
      for (const c of made) c.destroy();
    },
  };
}

/** AWS's AccessDeniedException text. */
export function denied(principal: string, action: string, resource: string, why: 'identity' | 'resource' | 'deny-identity' | 'deny-resource'): string {
  const head = `User: ${principal} is not authorized to perform: kms:${action} on resource: ${resource}`;
  switch (why) {
    case 'identity':
      return `${head} because no identity-based policy allows the kms:${action} action`;
    case 'resource':
      return `${head} because no resource-based policy allows the kms:${action} action`;
    case 'deny-identity':
      return `${head} with an explicit deny in an identity-based policy`;
    case 'deny-resource':
      return `${head} with an explicit deny in a resource-based policy`;
  }
}
