/**
 * Issue 5: authorization of the cryptographic operations and DescribeKey through
 * @aws-sdk/client-kms, two accounts × several principals (test/support/authz-world.ts): allowed
 * by key policy, by identity policy, by grant (token usable in the very next call), denied by
 * explicit deny in either policy, by a missing permission, cross-account without the identity
 * policy, by an encryption-context condition or constraint — and allowed again after a policy
 * change, without restarting the server. Run per store and key-storage mode (authz-crypto-*.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  PutKeyPolicyCommand,
  ReEncryptCommand,
  TagResourceCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server.js';
import { errorOf } from '../support/errors.js';
import { ACCOUNT_A, ACCOUNT_B, ALLOW_ALL, arnOf, buildWorld, denied, policyDoc, type World } from '../support/authz-world.js';

const ROOT_A_STATEMENT = { Sid: 'root', Effect: 'Allow', Principal: { AWS: arnOf.root(ACCOUNT_A) }, Action: 'kms:*', Resource: '*' };
const PT = Buffer.from('sensitive');

export function authzCryptoSuite(label: string, options: () => Promise<TestServerOptions> | TestServerOptions): void {
  describe(`authorization of cryptographic operations (${label})`, () => {
    let srv: TestServer;
    let w: World;
    let rootA: KMSClient;

    beforeAll(async () => {
      srv = await startTestServer(await options());
      w = await buildWorld(srv);
      rootA = w.clients.rootA;
    });
    afterAll(async () => {
      w?.destroy();
      await srv?.close();
    });

    async function key(policy?: string): Promise<{ id: string; arn: string }> {
      const md = (await rootA.send(new CreateKeyCommand(policy ? { Policy: policy } : {}))).KeyMetadata!;
      return { id: md.KeyId!, arn: md.Arn! };
    }

    const encrypt = (c: KMSClient, KeyId: string, ctx?: Record<string, string>) =>
      c.send(new EncryptCommand({ KeyId, Plaintext: PT, ...(ctx ? { EncryptionContext: ctx } : {}) }));

    describe('same account', () => {
      it('allows a user named in the key policy, without any identity policy', async () => {
        const k = await key(
          policyDoc(ROOT_A_STATEMENT, {
            Effect: 'Allow',
            Principal: { AWS: arnOf.user(ACCOUNT_A, 'bob') },
            Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
            Resource: '*',
          }),
        );
        const bob = w.clients.bob;
        const ct = (await encrypt(bob, k.id)).CiphertextBlob!;
        expect(Buffer.from((await bob.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!)).toEqual(PT);
        expect((await bob.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_256' }))).Plaintext).toHaveLength(32);
        await bob.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: k.id, NumberOfBytes: 16 }));
        expect((await bob.send(new DescribeKeyCommand({ KeyId: k.arn }))).KeyMetadata!.KeyId).toBe(k.id);
        // ReEncrypt is not in the statement.
        expect(await errorOf(bob.send(new ReEncryptCommand({ CiphertextBlob: ct, DestinationKeyId: k.id })))).toMatchObject({
          name: 'AccessDeniedException',
          message: denied(arnOf.user(ACCOUNT_A, 'bob'), 'ReEncryptFrom', k.arn, 'identity'),
        });
      });

      it('allows a user through an identity policy when the default key policy delegates to the account', async () => {
        const k = await key();
        const alice = w.clients.alice;
        const ct = (await encrypt(alice, k.id, { app: 'x' })).CiphertextBlob!;
        await alice.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionContext: { app: 'x' } }));
        await alice.send(new ReEncryptCommand({ CiphertextBlob: ct, SourceEncryptionContext: { app: 'x' }, DestinationKeyId: k.id }));
        await alice.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_128' }));
        await alice.send(new DescribeKeyCommand({ KeyId: k.id }));
      });

      it('denies a user with neither, in AWS’s words, for every operation family', async () => {
        const k = await key();
        const bob = w.clients.bob;
        const me = arnOf.user(ACCOUNT_A, 'bob');
        const ct = (await encrypt(rootA, k.id)).CiphertextBlob!;
        const cases: Array<[string, () => Promise<unknown>]> = [
          ['Encrypt', () => encrypt(bob, k.id)],
          ['Decrypt', () => bob.send(new DecryptCommand({ CiphertextBlob: ct }))],
          ['GenerateDataKey', () => bob.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_256' }))],
          ['GenerateDataKeyWithoutPlaintext', () => bob.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: k.id, KeySpec: 'AES_256' }))],
          ['DescribeKey', () => bob.send(new DescribeKeyCommand({ KeyId: k.id }))],
        ];
        for (const [action, call] of cases) {
          expect(await errorOf(call())).toMatchObject({ name: 'AccessDeniedException', message: denied(me, action, k.arn, 'identity'), status: 400 });
        }
      });

      it('denies with an explicit Deny in the key policy, even to a user allowed by identity policy', async () => {
        const k = await key(
          policyDoc(ROOT_A_STATEMENT, { Sid: 'no-decrypt', Effect: 'Deny', Principal: { AWS: arnOf.user(ACCOUNT_A, 'alice') }, Action: 'kms:Decrypt', Resource: '*' }),
        );
        const ct = (await encrypt(w.clients.alice, k.id)).CiphertextBlob!;
        expect(await errorOf(w.clients.alice.send(new DecryptCommand({ CiphertextBlob: ct })))).toMatchObject({
          name: 'AccessDeniedException',
          message: denied(arnOf.user(ACCOUNT_A, 'alice'), 'Decrypt', k.arn, 'deny-resource'),
        });
        // The account root is not named by the Deny.
        await rootA.send(new DecryptCommand({ CiphertextBlob: ct }));
      });

      it('denies with an explicit Deny in an identity policy, and a grant cannot override it', async () => {
        const k = await key();
        const dan = w.clients.dan;
        await encrypt(dan, k.id);
        const err = await errorOf(dan.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_256' })));
        expect(err).toMatchObject({ name: 'AccessDeniedException', message: denied(arnOf.user(ACCOUNT_A, 'dan'), 'GenerateDataKey', k.arn, 'deny-identity') });
        const { GrantToken } = await rootA.send(
          new CreateGrantCommand({ KeyId: k.id, GranteePrincipal: arnOf.user(ACCOUNT_A, 'dan'), Operations: ['GenerateDataKey'] }),
        );
        expect((await errorOf(dan.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_256', GrantTokens: [GrantToken!] })))).message).toBe(err.message);
      });

      it('allows by grant, with the token in the very next call and without it afterwards', async () => {
        const k = await key();
        const bob = w.clients.bob;
        const { GrantToken } = await rootA.send(
          new CreateGrantCommand({ KeyId: k.id, GranteePrincipal: arnOf.user(ACCOUNT_A, 'bob'), Operations: ['Encrypt', 'Decrypt', 'DescribeKey'] }),
        );
        const ct = (await bob.send(new EncryptCommand({ KeyId: k.arn, Plaintext: PT, GrantTokens: [GrantToken!] }))).CiphertextBlob!;
        expect(Buffer.from((await bob.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!)).toEqual(PT);
        await bob.send(new DescribeKeyCommand({ KeyId: k.arn }));
        // Operations the grant does not list stay denied.
        expect((await errorOf(bob.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_256' })))).name).toBe('AccessDeniedException');
      });

      it('rejects a malformed grant token with InvalidGrantTokenException', async () => {
        const k = await key();
        const err = await errorOf(rootA.send(new EncryptCommand({ KeyId: k.id, Plaintext: PT, GrantTokens: ['not-a-grant-token'] })));
        expect(err.name).toBe('InvalidGrantTokenException');
      });

      it('lets a session of a role act with the role’s identity policy, and matches the role in key policies', async () => {
        const app = w.clients.app;
        const k = await key();
        const ct = (await encrypt(app, k.id)).CiphertextBlob!;
        await app.send(new DecryptCommand({ CiphertextBlob: ct }));
        expect(await errorOf(app.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_256' })))).toMatchObject({
          name: 'AccessDeniedException',
          message: denied(w.sessionArn, 'GenerateDataKey', k.arn, 'identity'),
        });
        const named = await key(
          policyDoc(ROOT_A_STATEMENT, { Effect: 'Allow', Principal: { AWS: arnOf.role(ACCOUNT_A, 'app') }, Action: 'kms:GenerateDataKey', Resource: '*' }),
        );
        await app.send(new GenerateDataKeyCommand({ KeyId: named.id, KeySpec: 'AES_256' }));
      });
    });

    describe('cross account', () => {
      async function sharedKey() {
        return key(
          policyDoc(ROOT_A_STATEMENT, {
            Sid: 'account-b',
            Effect: 'Allow',
            Principal: { AWS: ACCOUNT_B },
            Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'],
            Resource: '*',
          }),
        );
      }

      it('allows a user of the other account when both the key policy and its identity policy allow', async () => {
        const k = await sharedKey();
        const carol = w.clients.carol;
        const ct = (await encrypt(carol, k.arn)).CiphertextBlob!;
        expect(Buffer.from((await carol.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!)).toEqual(PT);
        expect((await carol.send(new DecryptCommand({ CiphertextBlob: ct, KeyId: k.arn }))).KeyId).toBe(k.arn);
        expect((await carol.send(new DescribeKeyCommand({ KeyId: k.arn }))).KeyMetadata!.AWSAccountId).toBe(ACCOUNT_A);
        // The other account's root holds every permission of its own account.
        await encrypt(w.clients.rootB, k.arn);
      });

      it('denies a user of the other account without the identity policy', async () => {
        const k = await sharedKey();
        expect(await errorOf(encrypt(w.clients.dave, k.arn))).toMatchObject({
          name: 'AccessDeniedException',
          message: denied(arnOf.user(ACCOUNT_B, 'dave'), 'Encrypt', k.arn, 'identity'),
        });
      });

      it('denies the other account when the key policy does not name it, whatever its identity policy says', async () => {
        const k = await key();
        expect(await errorOf(encrypt(w.clients.carol, k.arn))).toMatchObject({
          name: 'AccessDeniedException',
          message: denied(arnOf.user(ACCOUNT_B, 'carol'), 'Encrypt', k.arn, 'resource'),
        });
        expect((await errorOf(encrypt(w.clients.rootB, k.arn))).name).toBe('AccessDeniedException');
      });

      it('names a foreign key only by ARN, and refuses operations AWS does not allow across accounts', async () => {
        const k = await sharedKey();
        expect(await errorOf(encrypt(w.clients.carol, k.id))).toMatchObject({
          name: 'NotFoundException',
          message: `Key 'arn:aws:kms:us-east-1:${ACCOUNT_B}:key/${k.id}' does not exist`,
        });
        expect(await errorOf(w.clients.carol.send(new DisableKeyCommand({ KeyId: k.arn })))).toMatchObject({
          name: 'NotFoundException',
          message: `Key '${k.arn}' does not exist`,
        });
      });

      it('allows the other account by grant alone', async () => {
        const k = await key();
        await rootA.send(new CreateGrantCommand({ KeyId: k.id, GranteePrincipal: arnOf.user(ACCOUNT_B, 'dave'), Operations: ['Encrypt'] }));
        await encrypt(w.clients.dave, k.arn);
      });
    });

    describe('conditions and constraints', () => {
      it('denies by a kms:EncryptionContext condition in the key policy', async () => {
        const k = await key(
          policyDoc(ROOT_A_STATEMENT, {
            Effect: 'Allow',
            Principal: { AWS: arnOf.user(ACCOUNT_A, 'bob') },
            Action: ['kms:Encrypt', 'kms:Decrypt'],
            Resource: '*',
            Condition: { StringEquals: { 'kms:EncryptionContext:dept': 'it' } },
          }),
        );
        const bob = w.clients.bob;
        const ct = (await encrypt(bob, k.id, { dept: 'it', extra: '1' })).CiphertextBlob!;
        await bob.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionContext: { extra: '1', dept: 'it' } }));
        for (const ctx of [{ dept: 'hr' }, undefined]) {
          expect(await errorOf(encrypt(bob, k.id, ctx))).toMatchObject({
            name: 'AccessDeniedException',
            message: denied(arnOf.user(ACCOUNT_A, 'bob'), 'Encrypt', k.arn, 'identity'),
          });
        }
      });

      it('denies by a grant’s encryption-context constraint', async () => {
        const k = await key();
        const { GrantToken } = await rootA.send(
          new CreateGrantCommand({
            KeyId: k.id,
            GranteePrincipal: arnOf.user(ACCOUNT_A, 'bob'),
            Operations: ['Encrypt', 'Decrypt'],
            Constraints: { EncryptionContextSubset: { tenant: 't1' } },
          }),
        );
        const ct = (await w.clients.bob.send(new EncryptCommand({ KeyId: k.id, Plaintext: PT, EncryptionContext: { tenant: 't1', x: 'y' }, GrantTokens: [GrantToken!] }))).CiphertextBlob!;
        await w.clients.bob.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionContext: { tenant: 't1', x: 'y' } }));
        expect((await errorOf(encrypt(w.clients.bob, k.id, { tenant: 't2' }))).name).toBe('AccessDeniedException');
        expect((await errorOf(encrypt(w.clients.bob, k.id))).name).toBe('AccessDeniedException');
      });

      it('honours kms:RequestAlias: allowed through the alias, denied by key id', async () => {
        const k = await key(
          policyDoc(ROOT_A_STATEMENT, {
            Effect: 'Allow',
            Principal: { AWS: arnOf.user(ACCOUNT_A, 'bob') },
            Action: 'kms:Encrypt',
            Resource: '*',
            Condition: { StringEquals: { 'kms:RequestAlias': 'alias/bob-app' } },
          }),
        );
        await rootA.send(new CreateAliasCommand({ AliasName: 'alias/bob-app', TargetKeyId: k.id }));
        await encrypt(w.clients.bob, 'alias/bob-app');
        expect((await errorOf(encrypt(w.clients.bob, k.id))).name).toBe('AccessDeniedException');
      });

      it('sets kms:EncryptionAlgorithm on Encrypt, GenerateDataKey*, GenerateDataKeyPair* and both sides of ReEncrypt', async () => {
        const actions = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:GenerateDataKeyPair*', 'kms:ReEncrypt*'];
        const only = (algorithm: string) => policyDoc({ Effect: 'Allow', Action: actions, Resource: '*', Condition: { StringEquals: { 'kms:EncryptionAlgorithm': algorithm } } });
        const { client: frank } = await w.user('frank', only('SYMMETRIC_DEFAULT'));
        const { client: gina } = await w.user('gina', only('RSAES_OAEP_SHA_256'));
        const k = await key();
        const ct = (await encrypt(frank, k.id)).CiphertextBlob!;
        await frank.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_256' }));
        await frank.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: k.id, NumberOfBytes: 16 }));
        await frank.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: k.id, KeyPairSpec: 'ECC_NIST_P256' }));
        const re = await frank.send(new ReEncryptCommand({ CiphertextBlob: ct, DestinationKeyId: k.id }));
        expect(re.KeyId).toBe(k.arn);
        for (const call of [
          () => gina.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_256' })),
          () => gina.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: k.id, KeyPairSpec: 'ECC_NIST_P256' })),
          () => gina.send(new ReEncryptCommand({ CiphertextBlob: ct, DestinationKeyId: k.id })),
        ]) {
          expect((await errorOf(call())).name).toBe('AccessDeniedException');
        }
      });

      it('honours aws:ResourceTag in an identity policy, re-reading tags on every request', async () => {
        const { client: erin } = await w.user(
          'erin',
          policyDoc({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } } }),
        );
        const k = await key();
        expect((await errorOf(encrypt(erin, k.id))).name).toBe('AccessDeniedException');
        await rootA.send(new TagResourceCommand({ KeyId: k.id, Tags: [{ TagKey: 'team', TagValue: 'payments' }] }));
        await encrypt(erin, k.id);
      });
    });

    describe('policy changes take effect on the next request', () => {
      it('denies after the key policy drops a user and allows again once it is back', async () => {
        const withBob = policyDoc(ROOT_A_STATEMENT, { Effect: 'Allow', Principal: { AWS: arnOf.user(ACCOUNT_A, 'bob') }, Action: 'kms:Encrypt', Resource: '*' });
        const k = await key(withBob);
        await encrypt(w.clients.bob, k.id);
        await rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: policyDoc(ROOT_A_STATEMENT) }));
        expect((await errorOf(encrypt(w.clients.bob, k.id))).name).toBe('AccessDeniedException');
        await rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: withBob }));
        await encrypt(w.clients.bob, k.id);
      });

      it('denies after an identity policy is removed and allows again once it is attached', async () => {
        const { principal, client } = await w.user('frank', ALLOW_ALL);
        const k = await key();
        await encrypt(client, k.id);
        await w.removePolicy(principal, 'main');
        expect((await errorOf(encrypt(client, k.id))).name).toBe('AccessDeniedException');
        await w.setPolicy(principal, 'again', ALLOW_ALL);
        await encrypt(client, k.id);
      });
    });
  });
}
