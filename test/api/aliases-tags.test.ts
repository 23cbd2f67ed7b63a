/** Issue 4: aliases and tags with AWS's rules, through @aws-sdk/client-kms. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  ListAliasesCommand,
  ListResourceTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCOUNT, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';

describe('aliases', () => {
  let srv: TestServer;
  let kms: KMSClient;
  let k1: { id: string; arn: string };
  let k2: { id: string; arn: string };

  beforeAll(async () => {
    srv = await startTestServer({ keyStorage: 'wrapped' });
    kms = srv.kms();
    const mk = async () => {
      const md = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      return { id: md.KeyId!, arn: md.Arn! };
    };
    k1 = await mk();
    k2 = await mk();
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
  });

  it('resolves an alias name and alias ARN in every operation that accepts them', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: k1.id }));
    const aliasArn = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:alias/app`;
    expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/app' }))).KeyMetadata!.KeyId).toBe(k1.id);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: aliasArn }))).KeyMetadata!.KeyId).toBe(k1.id);
    const ct = await kms.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('via alias') }));
    expect(ct.KeyId).toBe(k1.arn);
    const dec = await kms.send(new DecryptCommand({ KeyId: aliasArn, CiphertextBlob: ct.CiphertextBlob }));
    expect(Buffer.from(dec.Plaintext!).toString()).toBe('via alias');
    expect((await kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/app', KeySpec: 'AES_128' }))).KeyId).toBe(k1.arn);
  });

  it('lists aliases with AWS fields, by key and paginated', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/list-a', TargetKeyId: k2.id }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/list-b', TargetKeyId: k2.arn }));
    const forK2 = await kms.send(new ListAliasesCommand({ KeyId: k2.id }));
    expect(forK2.Aliases!.map((a) => a.AliasName).sort()).toEqual(['alias/list-a', 'alias/list-b']);
    const a = forK2.Aliases![0]!;
    expect(a.AliasArn).toBe(`arn:aws:kms:us-east-1:${TEST_ACCOUNT}:${a.AliasName}`);
    expect(a.TargetKeyId).toBe(k2.id);
    expect(a.CreationDate).toBeInstanceOf(Date);
    expect(a.LastUpdatedDate).toBeInstanceOf(Date);
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await kms.send(new ListAliasesCommand({ Limit: 1, Marker: marker }));
      names.push(...page.Aliases!.map((x) => x.AliasName!));
      marker = page.NextMarker;
      expect(page.Truncated).toBe(marker !== undefined);
    } while (marker);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['alias/app', 'alias/list-a', 'alias/list-b']));
    expect((await errorOf(kms.send(new ListAliasesCommand({ Limit: 101 })))).name).toBe('ValidationException');
  });

  it('refuses duplicate, malformed and reserved alias names', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: k1.id }));
    expect(await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: k2.id })))).toMatchObject({
      name: 'AlreadyExistsException',
      message: `An alias with the name arn:aws:kms:us-east-1:${TEST_ACCOUNT}:alias/dup already exists`,
    });
    const noPrefix = await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'dup2', TargetKeyId: k1.id })));
    expect(noPrefix.name).toBe('ValidationException');
    expect(noPrefix.message).toContain('Alias must start with the prefix "alias/"');
    expect((await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: k1.id })))).name).toBe('InvalidAliasNameException');
    const badChars = await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/has space', TargetKeyId: k1.id })));
    expect(badChars.name).toBe('ValidationException');
    expect(badChars.message).toContain("at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern");
    expect((await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/to-nowhere', TargetKeyId: '00000000-0000-4000-8000-000000000000' })))).name).toBe('NotFoundException');
    expect((await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/to-alias', TargetKeyId: 'alias/dup' })))).name).toBe('NotFoundException');
  });

  it('limits a key to 50 aliases and writes nothing beyond', async () => {
    const md = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    for (let i = 0; i < 50; i++) await kms.send(new CreateAliasCommand({ AliasName: `alias/many-${i}`, TargetKeyId: md.KeyId }));
    expect((await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/many-50', TargetKeyId: md.KeyId })))).name).toBe('LimitExceededException');
    expect((await errorOf(kms.send(new DescribeKeyCommand({ KeyId: 'alias/many-50' })))).name).toBe('NotFoundException');
    expect((await kms.send(new ListAliasesCommand({ KeyId: md.KeyId, Limit: 100 }))).Aliases!.length).toBe(50);
  });

  it('re-points an alias with UpdateAlias and removes it with DeleteAlias', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: k1.id }));
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: k2.id }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/moving' }))).KeyMetadata!.KeyId).toBe(k2.id);
    expect((await errorOf(kms.send(new UpdateAliasCommand({ AliasName: 'alias/absent', TargetKeyId: k2.id })))).name).toBe('NotFoundException');
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/moving' }));
    expect((await errorOf(kms.send(new DescribeKeyCommand({ KeyId: 'alias/moving' })))).name).toBe('NotFoundException');
    expect(await errorOf(kms.send(new DeleteAliasCommand({ AliasName: 'alias/moving' })))).toMatchObject({
      name: 'NotFoundException',
      message: `Alias arn:aws:kms:us-east-1:${TEST_ACCOUNT}:alias/moving is not found.`,
    });
  });

  it('keeps aliases per region', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/regional', TargetKeyId: k1.id }));
    const west = srv.kms({ region: 'eu-west-1' });
    expect((await errorOf(west.send(new DescribeKeyCommand({ KeyId: 'alias/regional' })))).name).toBe('NotFoundException');
    west.destroy();
  });
});

describe('tags', () => {
  let srv: TestServer;
  let kms: KMSClient;
  let keyId: string;

  beforeAll(async () => {
    srv = await startTestServer({ keyStorage: 'wrapped' });
    kms = srv.kms();
    keyId = (await kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'owner', TagValue: 'team-a' }] }))).KeyMetadata!.KeyId!;
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
  });

  it('adds, overwrites, lists and removes tags', async () => {
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([{ TagKey: 'owner', TagValue: 'team-a' }]);
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'owner', TagValue: 'team-b' }, { TagKey: 'env', TagValue: '' }] }));
    const tags = (await kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags!;
    expect(tags).toEqual([{ TagKey: 'env', TagValue: '' }, { TagKey: 'owner', TagValue: 'team-b' }]);
    await kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['env', 'not-there'] }));
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([{ TagKey: 'owner', TagValue: 'team-b' }]);
  });

  it('paginates tags', async () => {
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: Array.from({ length: 5 }, (_, i) => ({ TagKey: `p${i}`, TagValue: String(i) })) }));
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 2, Marker: marker }));
      seen.push(...page.Tags!.map((t) => t.TagKey!));
      marker = page.NextMarker;
    } while (marker);
    expect(seen).toEqual(['owner', 'p0', 'p1', 'p2', 'p3', 'p4'].sort());
  });

  it('enforces the tag rules: 50 per key, aws: reserved, unique keys, lengths', async () => {
    const md = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new TagResourceCommand({ KeyId: md.KeyId, Tags: Array.from({ length: 50 }, (_, i) => ({ TagKey: `t${i}`, TagValue: 'v' })) }));
    expect(await errorOf(kms.send(new TagResourceCommand({ KeyId: md.KeyId, Tags: [{ TagKey: 'one-more', TagValue: 'v' }] })))).toMatchObject({ name: 'TagException', message: 'Too many tags' });
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: md.KeyId }))).Tags!.some((t) => t.TagKey === 'one-more')).toBe(false);
    expect(await errorOf(kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'aws:x', TagValue: 'v' }] })))).toMatchObject({ name: 'TagException', message: 'Tags beginning with aws: are reserved' });
    expect(await errorOf(kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'd', TagValue: '1' }, { TagKey: 'd', TagValue: '2' }] })))).toMatchObject({ name: 'TagException', message: 'Duplicate tag keys' });
    const long = await errorOf(kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'k'.repeat(129), TagValue: 'v' }] })));
    expect(long.name).toBe('ValidationException');
    expect(long.message).toContain("at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128");
  });
});
