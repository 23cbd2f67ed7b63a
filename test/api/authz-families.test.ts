/**
 * Authorization of the asymmetric, HMAC and key-agreement families, of key management and of
 * grants, and the condition keys kms:KeySpec, kms:KeyUsage, kms:CallerAccount, aws:PrincipalArn
 * and aws:SourceIp — end to end through @aws-sdk/client-kms, with the principals of
 * test/support/authz-world.ts (reference §5.10 and §5.11). One server, wrapped key storage.
 */
import { diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DeriveSharedSecretCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GenerateMacCommand,
  GetKeyPolicyCommand,
  GetPublicKeyCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  UpdateKeyDescriptionCommand,
  VerifyCommand,
  VerifyMacCommand,
  type GrantOperation,
  type KMSClient,
  type KeySpec,
  type KeyUsageType,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';
import { ACCOUNT_A, ACCOUNT_B, arnOf, buildWorld, denied, policyDoc, type World } from '../support/authz-world.js';
import { publicKeyOf, verifiedByNode } from './asymmetric-support.js';

const ROOT_A_STATEMENT = { Sid: 'root', Effect: 'Allow', Principal: { AWS: arnOf.root(ACCOUNT_A) }, Action: 'kms:*', Resource: '*' };
const BOB = arnOf.user(ACCOUNT_A, 'bob');
const ALICE = arnOf.user(ACCOUNT_A, 'alice');
const CAROL = arnOf.user(ACCOUNT_B, 'carol');
const DAVE = arnOf.user(ACCOUNT_B, 'dave');

interface Key {
  id: string;
  arn: string;
}

type Call = [action: string, run: () => Promise<unknown>];

interface Family {
  name: string;
  slug: string;
  spec: KeySpec;
  usage: KeyUsageType;
  /** The kms: actions the family needs, in the order `use` calls them. */
  actions: string[];
  grantOps: GrantOperation[];
  /** Runs every operation of the family as `c`, the first call carrying `tokens`, and checks the results. */
  use(c: KMSClient, k: Key, tokens?: string[]): Promise<void>;
  /** One call per action, for the denial checks. */
  calls(c: KMSClient, k: Key): Call[];
}

describe('authorization of the signing, MAC, public-key and key-agreement families, management and grants', () => {
  let srv: TestServer;
  let w: World;
  let rootA: KMSClient;

  beforeAll(async () => {
    srv = await startTestServer({ keyStorage: 'wrapped' });
    w = await buildWorld(srv);
    rootA = w.clients.rootA;
  });
  afterAll(async () => {
    w?.destroy();
    await srv?.close();
  });

  async function key(spec: KeySpec = 'SYMMETRIC_DEFAULT', usage: KeyUsageType = 'ENCRYPT_DECRYPT', policy?: string): Promise<Key> {
    const md = (await rootA.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage, ...(policy ? { Policy: policy } : {}) }))).KeyMetadata!;
    return { id: md.KeyId!, arn: md.Arn! };
  }

  const publicKey = async (k: Key) => (await rootA.send(new GetPublicKeyCommand({ KeyId: k.id }))).PublicKey!;
  const sign = (c: KMSClient, KeyId: string, GrantTokens?: string[]) =>
    c.send(new SignCommand({ KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256', GrantTokens }));

  const FAMILIES: Family[] = [
    {
      name: 'Sign/Verify',
      slug: 'sv',
      spec: 'ECC_NIST_P256',
      usage: 'SIGN_VERIFY',
      actions: ['Sign', 'Verify'],
      grantOps: ['Sign', 'Verify'],
      async use(c, k, GrantTokens) {
        const Message = randomBytes(100);
        const signed = await c.send(new SignCommand({ KeyId: k.id, Message, SigningAlgorithm: 'ECDSA_SHA_256', GrantTokens }));
        expect(signed.KeyId).toBe(k.arn);
        expect(verifiedByNode(await publicKey(k), 'ECDSA_SHA_256', Message, signed.Signature!)).toBe(true);
        const v = await c.send(new VerifyCommand({ KeyId: k.id, Message, Signature: signed.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }));
        expect(v).toMatchObject({ SignatureValid: true, KeyId: k.arn });
      },
      calls: (c, k) => [
        ['Sign', () => c.send(new SignCommand({ KeyId: k.id, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }))],
        ['Verify', () => c.send(new VerifyCommand({ KeyId: k.id, Message: Buffer.from('m'), Signature: Buffer.from('s'), SigningAlgorithm: 'ECDSA_SHA_256' }))],
      ],
    },
    {
      name: 'GenerateMac/VerifyMac',
      slug: 'mac',
      spec: 'HMAC_256',
      usage: 'GENERATE_VERIFY_MAC',
      actions: ['GenerateMac', 'VerifyMac'],
      grantOps: ['GenerateMac', 'VerifyMac'],
      async use(c, k, GrantTokens) {
        const Message = randomBytes(100);
        const mac = await c.send(new GenerateMacCommand({ KeyId: k.id, Message, MacAlgorithm: 'HMAC_SHA_256', GrantTokens }));
        expect(mac.KeyId).toBe(k.arn);
        const byRoot = await rootA.send(new GenerateMacCommand({ KeyId: k.id, Message, MacAlgorithm: 'HMAC_SHA_256' }));
        expect(Buffer.from(mac.Mac!)).toEqual(Buffer.from(byRoot.Mac!));
        const v = await c.send(new VerifyMacCommand({ KeyId: k.id, Message, Mac: mac.Mac, MacAlgorithm: 'HMAC_SHA_256' }));
        expect(v).toMatchObject({ MacValid: true, KeyId: k.arn });
      },
      calls: (c, k) => [
        ['GenerateMac', () => c.send(new GenerateMacCommand({ KeyId: k.id, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' }))],
        ['VerifyMac', () => c.send(new VerifyMacCommand({ KeyId: k.id, Message: Buffer.from('m'), Mac: Buffer.alloc(32), MacAlgorithm: 'HMAC_SHA_256' }))],
      ],
    },
    {
      name: 'GetPublicKey',
      slug: 'pub',
      spec: 'ECC_NIST_P256',
      usage: 'SIGN_VERIFY',
      actions: ['GetPublicKey'],
      grantOps: ['GetPublicKey'],
      async use(c, k, GrantTokens) {
        const pub = await c.send(new GetPublicKeyCommand({ KeyId: k.id, GrantTokens }));
        expect(pub).toMatchObject({ KeyId: k.arn, KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
        expect(Buffer.from(pub.PublicKey!)).toEqual(Buffer.from(await publicKey(k)));
      },
      calls: (c, k) => [['GetPublicKey', () => c.send(new GetPublicKeyCommand({ KeyId: k.id }))]],
    },
    {
      name: 'DeriveSharedSecret',
      slug: 'ecdh',
      spec: 'ECC_NIST_P256',
      usage: 'KEY_AGREEMENT',
      actions: ['DeriveSharedSecret'],
      grantOps: ['DeriveSharedSecret'],
      async use(c, k, GrantTokens) {
        const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
        const PublicKey = peer.publicKey.export({ type: 'spki', format: 'der' });
        const res = await c.send(new DeriveSharedSecretCommand({ KeyId: k.id, KeyAgreementAlgorithm: 'ECDH', PublicKey, GrantTokens }));
        expect(res.KeyId).toBe(k.arn);
        const expected = diffieHellman({ privateKey: peer.privateKey, publicKey: publicKeyOf(await publicKey(k)) });
        expect(Buffer.from(res.SharedSecret!)).toEqual(expected);
      },
      calls: (c, k) => [
        [
          'DeriveSharedSecret',
          () =>
            c.send(
              new DeriveSharedSecretCommand({
                KeyId: k.id,
                KeyAgreementAlgorithm: 'ECDH',
                PublicKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' }),
              }),
            ),
        ],
      ],
    },
  ];

  describe.each(FAMILIES)('$name, for a non-root user of the key’s account', (fam) => {
    const kmsActions = () => fam.actions.map((a) => `kms:${a}`);

    it('is allowed by a key policy naming the user, without any identity policy', async () => {
      const k = await key(fam.spec, fam.usage, policyDoc(ROOT_A_STATEMENT, { Effect: 'Allow', Principal: { AWS: BOB }, Action: kmsActions(), Resource: '*' }));
      await fam.use(w.clients.bob, k);
    });

    it('is allowed by an identity policy when the default key policy delegates to the account', async () => {
      const { client } = await w.user(`${fam.slug}-idp`, policyDoc({ Effect: 'Allow', Action: kmsActions(), Resource: '*' }));
      const k = await key(fam.spec, fam.usage);
      await fam.use(client, k);
    });

    it('is denied, in AWS’s words, with no permission at all', async () => {
      const k = await key(fam.spec, fam.usage);
      for (const [action, call] of fam.calls(w.clients.bob, k)) {
        expect(await errorOf(call())).toMatchObject({ name: 'AccessDeniedException', message: denied(BOB, action, k.arn, 'identity'), status: 400 });
      }
    });

    it('is denied by an explicit Deny in an identity policy even though another statement allows kms:*', async () => {
      const name = `${fam.slug}-denied`;
      const { client } = await w.user(
        name,
        policyDoc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }, { Effect: 'Deny', Action: kmsActions(), Resource: '*' }),
      );
      const k = await key(fam.spec, fam.usage);
      // The Allow statement is in force for everything else.
      expect((await client.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata!.KeyUsage).toBe(fam.usage);
      for (const [action, call] of fam.calls(client, k)) {
        expect(await errorOf(call())).toMatchObject({
          name: 'AccessDeniedException',
          message: denied(arnOf.user(ACCOUNT_A, name), action, k.arn, 'deny-identity'),
        });
      }
    });

    it(`is allowed by a grant of ${fam.grantOps.join(', ')}, the token used in the first call`, async () => {
      const k = await key(fam.spec, fam.usage);
      expect((await errorOf(fam.calls(w.clients.bob, k)[0]![1]())).name).toBe('AccessDeniedException');
      const { GrantToken } = await rootA.send(new CreateGrantCommand({ KeyId: k.id, GranteePrincipal: BOB, Operations: fam.grantOps }));
      expect(GrantToken).toBeTruthy();
      await fam.use(w.clients.bob, k, [GrantToken!]);
      // The grant covers only its operations.
      expect(await errorOf(w.clients.bob.send(new DescribeKeyCommand({ KeyId: k.id })))).toMatchObject({
        name: 'AccessDeniedException',
        message: denied(BOB, 'DescribeKey', k.arn, 'identity'),
      });
    });
  });

  describe('key management for a non-root user', () => {
    const MANAGEMENT = ['DisableKey', 'EnableKey', 'UpdateKeyDescription', 'TagResource', 'PutKeyPolicy', 'ScheduleKeyDeletion'];
    const bobManages = policyDoc(ROOT_A_STATEMENT, {
      Sid: 'bob-manages',
      Effect: 'Allow',
      Principal: { AWS: BOB },
      Action: MANAGEMENT.map((a) => `kms:${a}`),
      Resource: '*',
    });

    /** The six operations, in an order that leaves every one of them meaningful (deletion last). */
    const management = (c: KMSClient, k: Key, policy: string): Call[] => [
      ['DisableKey', () => c.send(new DisableKeyCommand({ KeyId: k.id }))],
      ['EnableKey', () => c.send(new EnableKeyCommand({ KeyId: k.id }))],
      ['UpdateKeyDescription', () => c.send(new UpdateKeyDescriptionCommand({ KeyId: k.id, Description: 'managed' }))],
      ['TagResource', () => c.send(new TagResourceCommand({ KeyId: k.id, Tags: [{ TagKey: 'team', TagValue: 'ops' }] }))],
      ['PutKeyPolicy', () => c.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: policy }))],
      ['ScheduleKeyDeletion', () => c.send(new ScheduleKeyDeletionCommand({ KeyId: k.id, PendingWindowInDays: 7 }))],
    ];

    const metadata = async (k: Key) => (await rootA.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata!;

    /** Runs the six as `c` and checks each took effect. */
    async function manage(c: KMSClient, k: Key, policy: string): Promise<void> {
      const [disable, enable, describe, tag, put, schedule] = management(c, k, policy).map(([, run]) => run);
      await disable!();
      expect((await metadata(k)).KeyState).toBe('Disabled');
      await enable!();
      expect((await metadata(k)).KeyState).toBe('Enabled');
      await describe!();
      expect((await metadata(k)).Description).toBe('managed');
      await tag!();
      expect((await rootA.send(new ListResourceTagsCommand({ KeyId: k.id }))).Tags).toEqual([{ TagKey: 'team', TagValue: 'ops' }]);
      await put!();
      expect(JSON.parse((await rootA.send(new GetKeyPolicyCommand({ KeyId: k.id }))).Policy!)).toEqual(JSON.parse(policy));
      await schedule!();
      expect((await metadata(k)).KeyState).toBe('PendingDeletion');
    }

    it('is allowed when the key policy names the user', async () => {
      const k = await key('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', bobManages);
      // Bob's new policy keeps his own PutKeyPolicy permission (lockout safety check).
      const next = policyDoc(ROOT_A_STATEMENT, { Sid: 'bob-manages-v2', Effect: 'Allow', Principal: { AWS: BOB }, Action: MANAGEMENT.map((a) => `kms:${a}`), Resource: '*' });
      await manage(w.clients.bob, k, next);
    });

    it('is denied by an explicit Deny in the key policy even with an identity policy allowing kms:*', async () => {
      const k = await key(
        'SYMMETRIC_DEFAULT',
        'ENCRYPT_DECRYPT',
        policyDoc(ROOT_A_STATEMENT, { Sid: 'no-admin', Effect: 'Deny', Principal: { AWS: ALICE }, Action: MANAGEMENT.map((a) => `kms:${a}`), Resource: '*' }),
      );
      // Alice's kms:* identity policy is in force for what the Deny does not name.
      await w.clients.alice.send(new DescribeKeyCommand({ KeyId: k.id }));
      for (const [action, call] of management(w.clients.alice, k, policyDoc(ROOT_A_STATEMENT))) {
        expect(await errorOf(call())).toMatchObject({ name: 'AccessDeniedException', message: denied(ALICE, action, k.arn, 'deny-resource') });
      }
      expect(await metadata(k)).toMatchObject({ KeyState: 'Enabled', Description: '' });
      expect((await rootA.send(new ListResourceTagsCommand({ KeyId: k.id }))).Tags).toEqual([]);
    });

    it('is denied after the key policy drops the user and allowed again once it is restored', async () => {
      const k = await key('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', bobManages);
      await w.clients.bob.send(new UpdateKeyDescriptionCommand({ KeyId: k.id, Description: 'before' }));
      await rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: policyDoc(ROOT_A_STATEMENT) }));
      for (const [action, call] of management(w.clients.bob, k, bobManages)) {
        expect(await errorOf(call())).toMatchObject({ name: 'AccessDeniedException', message: denied(BOB, action, k.arn, 'identity') });
      }
      expect(await metadata(k)).toMatchObject({ KeyState: 'Enabled', Description: 'before' });
      await rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: bobManages }));
      await manage(w.clients.bob, k, bobManages);
    });
  });

  describe('grant operations', () => {
    const carolMayGrant = {
      Sid: 'carol-may-grant',
      Effect: 'Allow',
      Principal: { AWS: CAROL },
      Action: 'kms:CreateGrant',
      Resource: '*',
    };

    it('lets a principal of another account create a grant by key ARN, which the grantee then uses', async () => {
      const k = await key('ECC_NIST_P256', 'SIGN_VERIFY', policyDoc(ROOT_A_STATEMENT, carolMayGrant));
      // Without the grant, dave (account B, no policies) is refused.
      expect((await errorOf(sign(w.clients.dave, k.arn))).name).toBe('AccessDeniedException');
      const created = await w.clients.carol.send(new CreateGrantCommand({ KeyId: k.arn, GranteePrincipal: DAVE, Operations: ['Sign', 'Verify'] }));
      expect(created.GrantId).toMatch(/^[0-9a-f]{64}$/);
      const Message = Buffer.from('cross-account grant');
      const signed = await w.clients.dave.send(
        new SignCommand({ KeyId: k.arn, Message, SigningAlgorithm: 'ECDSA_SHA_256', GrantTokens: [created.GrantToken!] }),
      );
      expect(verifiedByNode(await publicKey(k), 'ECDSA_SHA_256', Message, signed.Signature!)).toBe(true);
      const v = await w.clients.dave.send(new VerifyCommand({ KeyId: k.arn, Message, Signature: signed.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }));
      expect(v.SignatureValid).toBe(true);
      // The key policy gave carol kms:CreateGrant only.
      expect(await errorOf(sign(w.clients.carol, k.arn))).toMatchObject({ name: 'AccessDeniedException', message: denied(CAROL, 'Sign', k.arn, 'resource') });
    });

    it('refuses CreateGrant that the key policy explicitly denies, in either account', async () => {
      const k = await key(
        'ECC_NIST_P256',
        'SIGN_VERIFY',
        policyDoc(ROOT_A_STATEMENT, carolMayGrant, { Sid: 'no-grants', Effect: 'Deny', Principal: { AWS: [CAROL, ALICE] }, Action: 'kms:CreateGrant', Resource: '*' }),
      );
      for (const [who, c, KeyId] of [[CAROL, w.clients.carol, k.arn], [ALICE, w.clients.alice, k.id]] as const) {
        expect(await errorOf(c.send(new CreateGrantCommand({ KeyId, GranteePrincipal: DAVE, Operations: ['Sign'] })))).toMatchObject({
          name: 'AccessDeniedException',
          message: denied(who, 'CreateGrant', k.arn, 'deny-resource'),
        });
      }
      expect((await errorOf(sign(w.clients.dave, k.arn))).name).toBe('AccessDeniedException');
      // The account root is not named by the Deny.
      await rootA.send(new CreateGrantCommand({ KeyId: k.id, GranteePrincipal: DAVE, Operations: ['Sign'] }));
    });
  });

  describe('condition keys', () => {
    it('kms:KeySpec: kms:Sign allowed only on an ECC_NIST_P256 key', async () => {
      const name = 'spec-signer';
      const { client } = await w.user(
        name,
        policyDoc({ Effect: 'Allow', Action: 'kms:Sign', Resource: '*', Condition: { StringEquals: { 'kms:KeySpec': 'ECC_NIST_P256' } } }),
      );
      const p256 = await key('ECC_NIST_P256', 'SIGN_VERIFY');
      const p384 = await key('ECC_NIST_P384', 'SIGN_VERIFY');
      await sign(client, p256.id);
      expect(await errorOf(client.send(new SignCommand({ KeyId: p384.id, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_384' })))).toMatchObject({
        name: 'AccessDeniedException',
        message: denied(arnOf.user(ACCOUNT_A, name), 'Sign', p384.arn, 'identity'),
      });
    });

    it('kms:KeyUsage: kms:GetPublicKey allowed only on a SIGN_VERIFY key', async () => {
      const name = 'usage-reader';
      const { client } = await w.user(
        name,
        policyDoc({ Effect: 'Allow', Action: 'kms:GetPublicKey', Resource: '*', Condition: { StringEquals: { 'kms:KeyUsage': 'SIGN_VERIFY' } } }),
      );
      const signing = await key('ECC_NIST_P256', 'SIGN_VERIFY');
      const agreement = await key('ECC_NIST_P256', 'KEY_AGREEMENT');
      expect((await client.send(new GetPublicKeyCommand({ KeyId: signing.id }))).KeyUsage).toBe('SIGN_VERIFY');
      expect(await errorOf(client.send(new GetPublicKeyCommand({ KeyId: agreement.id })))).toMatchObject({
        name: 'AccessDeniedException',
        message: denied(arnOf.user(ACCOUNT_A, name), 'GetPublicKey', agreement.arn, 'identity'),
      });
    });

    it('kms:CallerAccount: Principal "*" limited to account A admits A’s user and refuses account B', async () => {
      const k = await key(
        'ECC_NIST_P256',
        'SIGN_VERIFY',
        policyDoc(ROOT_A_STATEMENT, {
          Sid: 'account-a-signs',
          Effect: 'Allow',
          Principal: '*',
          Action: 'kms:Sign',
          Resource: '*',
          Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT_A } },
        }),
      );
      // Bob has no identity policy: only the "*" statement can allow him.
      await sign(w.clients.bob, k.id);
      // Carol's identity policy allows kms:* on account A's keys; the key policy's condition does not.
      expect(await errorOf(sign(w.clients.carol, k.arn))).toMatchObject({ name: 'AccessDeniedException', message: denied(CAROL, 'Sign', k.arn, 'resource') });
    });

    it('aws:PrincipalArn: a role session matches by its role ARN, not by its session ARN', async () => {
      const byArn = (arn: string) =>
        policyDoc(ROOT_A_STATEMENT, {
          Sid: 'principal-arn',
          Effect: 'Allow',
          Principal: '*',
          Action: 'kms:Sign',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalArn': arn } },
        });
      expect(w.sessionArn).toBe(`arn:aws:sts::${ACCOUNT_A}:assumed-role/app/worker-1`);
      const roleKey = await key('ECC_NIST_P256', 'SIGN_VERIFY', byArn(arnOf.role(ACCOUNT_A, 'app')));
      const sessionKey = await key('ECC_NIST_P256', 'SIGN_VERIFY', byArn(w.sessionArn));
      await sign(w.clients.app, roleKey.id);
      expect(await errorOf(sign(w.clients.app, sessionKey.id))).toMatchObject({
        name: 'AccessDeniedException',
        message: denied(w.sessionArn, 'Sign', sessionKey.arn, 'identity'),
      });
      // The condition, not the "*", is what admitted the session.
      expect((await errorOf(sign(w.clients.bob, roleKey.id))).name).toBe('AccessDeniedException');
    });

    it('aws:SourceIp: IpAddress 127.0.0.0/8 allows a request from 127.0.0.1, NotIpAddress 127.0.0.0/8 does not', async () => {
      const k = await key('ECC_NIST_P256', 'SIGN_VERIFY');
      const inside = await w.user('ip-inside', policyDoc({ Effect: 'Allow', Action: 'kms:Sign', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }));
      const outside = await w.user('ip-outside', policyDoc({ Effect: 'Allow', Action: 'kms:Sign', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }));
      await sign(inside.client, k.id);
      expect(await errorOf(sign(outside.client, k.id))).toMatchObject({
        name: 'AccessDeniedException',
        message: denied(arnOf.user(ACCOUNT_A, 'ip-outside'), 'Sign', k.arn, 'identity'),
      });
    });
  });
});
