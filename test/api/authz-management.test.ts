/**
 * Issue 5: authorization of key management, of the operations authorized by identity policy
 * alone (CreateKey, ListKeys, ListAliases, GenerateRandom) and of aliases (the alias is a
 * resource of its own), through @aws-sdk/client-kms with the principals of authz-world.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GenerateRandomCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';
import { ACCOUNT_A, arnOf, buildWorld, denied, policyDoc, type World } from '../support/authz-world.js';

describe('authorization of management operations', () => {
  let srv: TestServer;
  let w: World;
  let rootA: KMSClient;

  beforeAll(async () => {
    srv = await startTestServer();
    w = await buildWorld(srv);
    rootA = w.clients.rootA;
  });
  afterAll(async () => {
    w?.destroy();
    await srv?.close();
  });

  async function key(): Promise<{ id: string; arn: string }> {
    const md = (await rootA.send(new CreateKeyCommand({}))).KeyMetadata!;
    return { id: md.KeyId!, arn: md.Arn! };
  }

  it('lets a user with an identity policy run the management operations', async () => {
    const alice = w.clients.alice;
    const md = (await alice.send(new CreateKeyCommand({ Description: 'alice key', Tags: [{ TagKey: 'owner', TagValue: 'alice' }] }))).KeyMetadata!;
    const id = md.KeyId!;
    await alice.send(new UpdateKeyDescriptionCommand({ KeyId: id, Description: 'renamed' }));
    await alice.send(new DisableKeyCommand({ KeyId: id }));
    await alice.send(new EnableKeyCommand({ KeyId: id }));
    await alice.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'team', TagValue: 'x' }] }));
    expect((await alice.send(new ListResourceTagsCommand({ KeyId: id }))).Tags).toHaveLength(2);
    await alice.send(new UntagResourceCommand({ KeyId: id, TagKeys: ['team'] }));
    await alice.send(new CreateAliasCommand({ AliasName: 'alias/alice-key', TargetKeyId: id }));
    expect((await alice.send(new ListAliasesCommand({ KeyId: id }))).Aliases!.map((a) => a.AliasName)).toEqual(['alias/alice-key']);
    expect((await alice.send(new ListKeysCommand({}))).Keys!.some((k) => k.KeyId === id)).toBe(true);
    expect((await alice.send(new GenerateRandomCommand({ NumberOfBytes: 8 }))).Plaintext).toHaveLength(8);
    await alice.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
    await alice.send(new CancelKeyDeletionCommand({ KeyId: id }));
    await alice.send(new DeleteAliasCommand({ AliasName: 'alias/alice-key' }));
  });

  it('denies the management operations to a user without permissions, naming the key', async () => {
    const k = await key();
    const bob = w.clients.bob;
    const me = arnOf.user(ACCOUNT_A, 'bob');
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['UpdateKeyDescription', () => bob.send(new UpdateKeyDescriptionCommand({ KeyId: k.id, Description: 'x' }))],
      ['DisableKey', () => bob.send(new DisableKeyCommand({ KeyId: k.id }))],
      ['EnableKey', () => bob.send(new EnableKeyCommand({ KeyId: k.id }))],
      ['TagResource', () => bob.send(new TagResourceCommand({ KeyId: k.id, Tags: [{ TagKey: 'a', TagValue: 'b' }] }))],
      ['UntagResource', () => bob.send(new UntagResourceCommand({ KeyId: k.id, TagKeys: ['a'] }))],
      ['ListResourceTags', () => bob.send(new ListResourceTagsCommand({ KeyId: k.id }))],
      ['ScheduleKeyDeletion', () => bob.send(new ScheduleKeyDeletionCommand({ KeyId: k.id }))],
      ['CancelKeyDeletion', () => bob.send(new CancelKeyDeletionCommand({ KeyId: k.id }))],
      ['CreateAlias', () => bob.send(new CreateAliasCommand({ AliasName: 'alias/bobs', TargetKeyId: k.id }))],
    ];
    for (const [action, call] of cases) {
      expect(await errorOf(call())).toMatchObject({ name: 'AccessDeniedException', message: denied(me, action, k.arn, 'identity') });
    }
  });

  it('authorizes CreateKey, ListKeys, ListAliases and GenerateRandom by identity policy, on resource *', async () => {
    const bob = w.clients.bob;
    const me = arnOf.user(ACCOUNT_A, 'bob');
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['CreateKey', () => bob.send(new CreateKeyCommand({}))],
      ['ListKeys', () => bob.send(new ListKeysCommand({}))],
      ['ListAliases', () => bob.send(new ListAliasesCommand({}))],
      ['GenerateRandom', () => bob.send(new GenerateRandomCommand({ NumberOfBytes: 8 }))],
    ];
    for (const [action, call] of cases) {
      expect(await errorOf(call())).toMatchObject({ name: 'AccessDeniedException', message: denied(me, action, '*', 'identity') });
    }
  });

  it('needs kms:TagResource too for CreateKey with Tags, and says so without a resource', async () => {
    const { client } = await w.user('creator', policyDoc({ Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*' }));
    await client.send(new CreateKeyCommand({}));
    expect(await errorOf(client.send(new CreateKeyCommand({ Tags: [{ TagKey: 'a', TagValue: 'b' }] })))).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${arnOf.user(ACCOUNT_A, 'creator')} is not authorized to perform: kms:TagResource because no identity-based policy allows the kms:TagResource action`,
    });
  });

  it('honours an explicit Deny in an identity policy over its own Allow', async () => {
    const k = await key();
    const { client } = await w.user(
      'careful',
      policyDoc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }, { Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion', 'kms:CreateKey'], Resource: '*' }),
    );
    await client.send(new DisableKeyCommand({ KeyId: k.id }));
    expect(await errorOf(client.send(new ScheduleKeyDeletionCommand({ KeyId: k.id })))).toMatchObject({
      name: 'AccessDeniedException',
      message: denied(arnOf.user(ACCOUNT_A, 'careful'), 'ScheduleKeyDeletion', k.arn, 'deny-identity'),
    });
    expect(await errorOf(client.send(new CreateKeyCommand({})))).toMatchObject({
      message: denied(arnOf.user(ACCOUNT_A, 'careful'), 'CreateKey', '*', 'deny-identity'),
    });
  });

  it('restricts which tags may be set with aws:RequestTag and aws:TagKeys', async () => {
    const k = await key();
    const { client } = await w.user(
      'tagger',
      policyDoc({
        Effect: 'Allow',
        Action: ['kms:TagResource', 'kms:UntagResource'],
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] }, StringEqualsIfExists: { 'aws:RequestTag/env': ['dev', 'test'] } },
      }),
    );
    await client.send(new TagResourceCommand({ KeyId: k.id, Tags: [{ TagKey: 'env', TagValue: 'dev' }] }));
    await client.send(new UntagResourceCommand({ KeyId: k.id, TagKeys: ['env'] }));
    for (const tags of [[{ TagKey: 'env', TagValue: 'prod' }], [{ TagKey: 'owner', TagValue: 'me' }]]) {
      expect((await errorOf(client.send(new TagResourceCommand({ KeyId: k.id, Tags: tags })))).name).toBe('AccessDeniedException');
    }
  });

  it('authorizes aliases on the alias ARN as well as on the key(s)', async () => {
    const k1 = await key();
    const k2 = await key();
    const { client } = await w.user(
      'aliaser',
      policyDoc({
        Effect: 'Allow',
        Action: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
        Resource: [`arn:aws:kms:*:${ACCOUNT_A}:key/*`, `arn:aws:kms:*:${ACCOUNT_A}:alias/team-a/*`],
      }),
    );
    await client.send(new CreateAliasCommand({ AliasName: 'alias/team-a/app', TargetKeyId: k1.id }));
    await client.send(new UpdateAliasCommand({ AliasName: 'alias/team-a/app', TargetKeyId: k2.id }));
    expect(await errorOf(client.send(new CreateAliasCommand({ AliasName: 'alias/team-b/app', TargetKeyId: k1.id })))).toMatchObject({
      name: 'AccessDeniedException',
      message: denied(arnOf.user(ACCOUNT_A, 'aliaser'), 'CreateAlias', `arn:aws:kms:us-east-1:${ACCOUNT_A}:alias/team-b/app`, 'identity'),
    });
    await client.send(new DeleteAliasCommand({ AliasName: 'alias/team-a/app' }));
  });

  it('keeps the account root unrestricted in its own account, and a stranger’s root out of it', async () => {
    const k = await key();
    await rootA.send(new DisableKeyCommand({ KeyId: k.id }));
    await rootA.send(new EnableKeyCommand({ KeyId: k.id }));
    expect((await errorOf(w.clients.rootB.send(new DisableKeyCommand({ KeyId: k.arn })))).name).toBe('NotFoundException');
    // ListKeys of another account's root lists that account only.
    expect((await w.clients.rootB.send(new ListKeysCommand({}))).Keys!.some((x) => x.KeyId === k.id)).toBe(false);
  });
});
