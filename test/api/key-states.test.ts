/**
 * The key-state × operation matrix (reference §3.4) for PendingDeletion, PendingImport and
 * Disabled keys, UpdateAlias targets, pagination markers and default page sizes, alias resolution
 * in ReEncrypt / GenerateDataKeyWithoutPlaintext and malformed key ARNs — all through
 * @aws-sdk/client-kms against a listening server (wrapped key storage, SQLite).
 */
import { constants, createPublicKey, publicEncrypt, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ListAliasesCommand,
  ListResourceTagsCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCOUNT, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';

interface Key {
  id: string;
  arn: string;
}

describe('key states, UpdateAlias targets, pagination and key identifiers', () => {
  let srv: TestServer;
  let kms: KMSClient;

  beforeAll(async () => {
    srv = await startTestServer({ keyStorage: 'wrapped' });
    kms = srv.kms();
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
  });

  async function newKey(client: KMSClient = kms, origin?: 'EXTERNAL'): Promise<Key> {
    const md = (await client.send(new CreateKeyCommand(origin ? { Origin: origin } : {}))).KeyMetadata!;
    return { id: md.KeyId!, arn: md.Arn! };
  }

  const describeKey = async (keyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
  const encrypt = async (keyId: string, text: string) =>
    (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }))).CiphertextBlob!;
  const plaintextOf = async (blob: Uint8Array) => Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString();

  /** Imports 32 random bytes into an EXTERNAL key, wrapped RSAES_OAEP_SHA_256 with node:crypto. */
  async function importMaterial(keyId: string): Promise<string> {
    const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
    const wrappingKey = createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' });
    const encrypted = publicEncrypt({ key: wrappingKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
    const res = await kms.send(
      new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: encrypted, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
    );
    return res.KeyMaterialId!;
  }

  describe('PendingDeletion', () => {
    async function pendingDeletionKey(): Promise<Key & { ct: Uint8Array; deletionDate: Date }> {
      const key = await newKey();
      const ct = await encrypt(key.id, 'made before scheduling');
      const res = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
      expect(res).toMatchObject({ KeyId: key.arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
      return { ...key, ct, deletionDate: res.DeletionDate! };
    }

    it('refuses Encrypt, Decrypt, ReEncrypt (source and destination) and GenerateDataKey* with KMSInvalidStateException', async () => {
      const pd = await pendingDeletionKey();
      const live = await newKey();
      const liveCt = await encrypt(live.id, 'live');
      const refusal = { name: 'KMSInvalidStateException', message: `${pd.arn} is pending deletion.`, status: 400 };
      expect(await errorOf(kms.send(new EncryptCommand({ KeyId: pd.id, Plaintext: Buffer.from('x') })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: pd.ct })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: pd.ct, DestinationKeyId: live.id })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: liveCt, DestinationKeyId: pd.id })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new GenerateDataKeyCommand({ KeyId: pd.id, KeySpec: 'AES_256' })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: pd.id, KeySpec: 'AES_256' })))).toMatchObject(refusal);
      // The healthy key is untouched by the refused ReEncrypt into the pending key.
      expect(await plaintextOf(liveCt)).toBe('live');
    });

    it('refuses TagResource, UntagResource, EnableKey, DisableKey and UpdateKeyDescription, changing nothing', async () => {
      const key = await newKey();
      await kms.send(new TagResourceCommand({ KeyId: key.id, Tags: [{ TagKey: 'team', TagValue: 'a' }] }));
      await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.id, Description: 'before' }));
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
      const refusal = { name: 'KMSInvalidStateException', message: `${key.arn} is pending deletion.` };
      expect(await errorOf(kms.send(new UntagResourceCommand({ KeyId: key.id, TagKeys: ['team'] })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new TagResourceCommand({ KeyId: key.id, Tags: [{ TagKey: 'new', TagValue: 'b' }] })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new EnableKeyCommand({ KeyId: key.id })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new DisableKeyCommand({ KeyId: key.id })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.id, Description: 'after' })))).toMatchObject(refusal);
      expect((await kms.send(new ListResourceTagsCommand({ KeyId: key.id }))).Tags).toEqual([{ TagKey: 'team', TagValue: 'a' }]);
      expect(await describeKey(key.id)).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false, Description: 'before' });
    });

    it('allows DescribeKey (PendingDeletion with DeletionDate) and ListResourceTags', async () => {
      const key = await newKey();
      await kms.send(new TagResourceCommand({ KeyId: key.id, Tags: [{ TagKey: 'k1', TagValue: 'v1' }, { TagKey: 'k2', TagValue: '' }] }));
      const res = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
      const md = await describeKey(key.arn);
      expect(md).toMatchObject({ KeyId: key.id, Arn: key.arn, KeyState: 'PendingDeletion', Enabled: false });
      expect(md.DeletionDate).toBeInstanceOf(Date);
      expect(md.DeletionDate!.getTime()).toBe(res.DeletionDate!.getTime());
      // Only PendingReplicaDeletion (multi-Region) carries PendingDeletionWindowInDays (reference §5.7).
      expect(md.PendingDeletionWindowInDays).toBeUndefined();
      const tags = await kms.send(new ListResourceTagsCommand({ KeyId: key.id }));
      expect(tags).toMatchObject({ Tags: [{ TagKey: 'k1', TagValue: 'v1' }, { TagKey: 'k2', TagValue: '' }], Truncated: false });
    });

    it('allows DeleteAlias of an alias pointing at a key pending deletion', async () => {
      const key = await newKey();
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/pd-doomed', TargetKeyId: key.id }));
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
      await kms.send(new DeleteAliasCommand({ AliasName: 'alias/pd-doomed' }));
      expect((await kms.send(new ListAliasesCommand({ KeyId: key.id }))).Aliases).toEqual([]);
      expect(await errorOf(kms.send(new DescribeKeyCommand({ KeyId: 'alias/pd-doomed' })))).toMatchObject({
        name: 'NotFoundException',
        message: `Alias arn:aws:kms:us-east-1:${TEST_ACCOUNT}:alias/pd-doomed is not found.`,
      });
    });

    it('allows CancelKeyDeletion, after which the key is Disabled and its old ciphertext decrypts once re-enabled', async () => {
      const pd = await pendingDeletionKey();
      expect(await kms.send(new CancelKeyDeletionCommand({ KeyId: pd.id }))).toMatchObject({ KeyId: pd.arn });
      const md = await describeKey(pd.id);
      expect(md).toMatchObject({ KeyState: 'Disabled', Enabled: false });
      expect(md.DeletionDate).toBeUndefined();
      expect(await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: pd.ct })))).toMatchObject({ name: 'DisabledException', message: `${pd.arn} is disabled.` });
      await kms.send(new EnableKeyCommand({ KeyId: pd.id }));
      expect(await plaintextOf(pd.ct)).toBe('made before scheduling');
    });
  });

  describe('PendingImport', () => {
    it('refuses Encrypt, GenerateDataKey* and ReEncrypt into a key with no material, and EnableKey/DisableKey', async () => {
      const pi = await newKey(kms, 'EXTERNAL');
      const live = await newKey();
      const liveCt = await encrypt(live.id, 'live');
      expect(await describeKey(pi.id)).toMatchObject({ Origin: 'EXTERNAL', KeyState: 'PendingImport', Enabled: false });
      const refusal = { name: 'KMSInvalidStateException', message: `${pi.arn} is pending import.`, status: 400 };
      expect(await errorOf(kms.send(new EncryptCommand({ KeyId: pi.id, Plaintext: Buffer.from('x') })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new GenerateDataKeyCommand({ KeyId: pi.id, KeySpec: 'AES_256' })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: pi.id, NumberOfBytes: 16 })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: liveCt, DestinationKeyId: pi.id })))).toMatchObject(refusal);
      // Key-state table: EnableKey and DisableKey are refused in PendingImport ([5]).
      expect(await errorOf(kms.send(new EnableKeyCommand({ KeyId: pi.id })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new DisableKeyCommand({ KeyId: pi.id })))).toMatchObject(refusal);
      expect(await describeKey(pi.id)).toMatchObject({ KeyState: 'PendingImport', Enabled: false });
    });

    it('refuses Decrypt and ReEncrypt from a key whose material was deleted (back in PendingImport)', async () => {
      const ext = await newKey(kms, 'EXTERNAL');
      const live = await newKey();
      await importMaterial(ext.id);
      const ct = await encrypt(ext.id, 'imported');
      expect(await plaintextOf(ct)).toBe('imported');
      await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: ext.id }));
      expect(await describeKey(ext.id)).toMatchObject({ KeyState: 'PendingImport', Enabled: false });
      const refusal = { name: 'KMSInvalidStateException', message: `${ext.arn} is pending import.` };
      expect(await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: ct })))).toMatchObject(refusal);
      expect(await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: ct, DestinationKeyId: live.id })))).toMatchObject(refusal);
    });

    it('allows UpdateKeyDescription, CreateAlias, TagResource and DescribeKey', async () => {
      const pi = await newKey(kms, 'EXTERNAL');
      await kms.send(new UpdateKeyDescriptionCommand({ KeyId: pi.id, Description: 'awaiting material' }));
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/pending-import', TargetKeyId: pi.id }));
      await kms.send(new TagResourceCommand({ KeyId: pi.id, Tags: [{ TagKey: 'stage', TagValue: 'import' }] }));
      const md = await describeKey('alias/pending-import');
      expect(md).toMatchObject({ KeyId: pi.id, Arn: pi.arn, Origin: 'EXTERNAL', KeyState: 'PendingImport', Enabled: false, Description: 'awaiting material' });
      expect(md.CurrentKeyMaterialId).toBeUndefined();
      expect((await kms.send(new ListAliasesCommand({ KeyId: pi.id }))).Aliases!.map((a) => a.AliasName)).toEqual(['alias/pending-import']);
      expect((await kms.send(new ListResourceTagsCommand({ KeyId: pi.id }))).Tags).toEqual([{ TagKey: 'stage', TagValue: 'import' }]);
    });
  });

  describe('Disabled and Enabled', () => {
    it('refuses ReEncrypt from a disabled source key with DisabledException', async () => {
      const src = await newKey();
      const dst = await newKey();
      const ct = await encrypt(src.id, 'from disabled');
      await kms.send(new DisableKeyCommand({ KeyId: src.id }));
      expect(await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: ct, DestinationKeyId: dst.id })))).toMatchObject({
        name: 'DisabledException',
        message: `${src.arn} is disabled.`,
        status: 400,
      });
      expect(await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: ct, SourceKeyId: src.arn, DestinationKeyId: dst.id })))).toMatchObject({
        name: 'DisabledException',
        message: `${src.arn} is disabled.`,
      });
    });

    it('refuses CancelKeyDeletion on an Enabled key with KMSInvalidStateException', async () => {
      const key = await newKey();
      expect(await errorOf(kms.send(new CancelKeyDeletionCommand({ KeyId: key.id })))).toMatchObject({
        name: 'KMSInvalidStateException',
        message: `${key.arn} is not pending deletion.`,
      });
      expect(await describeKey(key.id)).toMatchObject({ KeyState: 'Enabled', Enabled: true });
    });
  });

  describe('UpdateAlias targets', () => {
    it('refuses a target pending deletion with KMSInvalidStateException and leaves the alias in place', async () => {
      const current = await newKey();
      const doomed = await newKey();
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/ua-pd', TargetKeyId: current.id }));
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.id, PendingWindowInDays: 7 }));
      expect(await errorOf(kms.send(new UpdateAliasCommand({ AliasName: 'alias/ua-pd', TargetKeyId: doomed.id })))).toMatchObject({
        name: 'KMSInvalidStateException',
        message: `${doomed.arn} is pending deletion.`,
      });
      expect((await describeKey('alias/ua-pd')).KeyId).toBe(current.id);
    });

    it('re-points an alias away from a key pending deletion (footnote [10]: the source may be pending deletion)', async () => {
      const doomed = await newKey();
      const next = await newKey();
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/ua-away', TargetKeyId: doomed.id }));
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.id, PendingWindowInDays: 7 }));
      await kms.send(new UpdateAliasCommand({ AliasName: 'alias/ua-away', TargetKeyId: next.id }));
      expect((await describeKey('alias/ua-away')).KeyId).toBe(next.id);
    });

    it('refuses a target that does not exist with NotFoundException', async () => {
      const current = await newKey();
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/ua-missing', TargetKeyId: current.id }));
      const missing = randomUUID();
      expect(await errorOf(kms.send(new UpdateAliasCommand({ AliasName: 'alias/ua-missing', TargetKeyId: missing })))).toMatchObject({
        name: 'NotFoundException',
        message: `Key 'arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/${missing}' does not exist`,
      });
      expect((await describeKey('alias/ua-missing')).KeyId).toBe(current.id);
    });
  });

  describe('pagination', () => {
    it('refuses a Marker it did not issue with InvalidMarkerException (ListAliases, ListResourceTags)', async () => {
      const key = await newKey();
      expect((await errorOf(kms.send(new ListAliasesCommand({ Marker: 'garbage-marker' })))).name).toBe('InvalidMarkerException');
      expect((await errorOf(kms.send(new ListResourceTagsCommand({ KeyId: key.id, Marker: 'garbage-marker' })))).name).toBe('InvalidMarkerException');
    });

    it('pages ListAliases by 50 when no Limit is given', async () => {
      // A region of its own, so the 51 aliases are all there is (aliases are per account and Region).
      const west = srv.kms({ region: 'eu-west-1' });
      try {
        const a = await newKey(west);
        const b = await newKey(west);
        const names = Array.from({ length: 51 }, (_, i) => `alias/page-${String(i).padStart(2, '0')}`);
        await Promise.all(names.map((name, i) => west.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: i < 26 ? a.id : b.id }))));
        const first = await west.send(new ListAliasesCommand({}));
        expect(first.Aliases!.length).toBe(50);
        expect(first.Truncated).toBe(true);
        expect(first.NextMarker).toEqual(expect.any(String));
        const second = await west.send(new ListAliasesCommand({ Marker: first.NextMarker }));
        expect(second.Aliases!.length).toBe(1);
        expect(second.Truncated).toBe(false);
        expect(second.NextMarker).toBeUndefined();
        expect([...first.Aliases!, ...second.Aliases!].map((x) => x.AliasName).sort()).toEqual(names);
      } finally {
        west.destroy();
      }
    });

    it('returns all 50 tags of a full key in one default ListResourceTags page', async () => {
      const key = await newKey();
      const tags = Array.from({ length: 50 }, (_, i) => ({ TagKey: `tag-${String(i).padStart(2, '0')}`, TagValue: String(i) }));
      await kms.send(new TagResourceCommand({ KeyId: key.id, Tags: tags }));
      const page = await kms.send(new ListResourceTagsCommand({ KeyId: key.id }));
      expect(page.Tags).toEqual(tags);
      expect(page.Truncated).toBe(false);
      expect(page.NextMarker).toBeUndefined();
    });

    it('pages ListResourceTags by 50 when no Limit is given (51 tags planted in the store: the API caps a key at 50)', async () => {
      const key = await newKey();
      const tags = Array.from({ length: 51 }, (_, i) => ({ TagKey: `t-${String(i).padStart(2, '0')}`, TagValue: 'v' }));
      expect(await srv.svc.deps.store.tags.put(key.id, tags, 51)).not.toBe('limit');
      const first = await kms.send(new ListResourceTagsCommand({ KeyId: key.id }));
      expect(first.Tags).toEqual(tags.slice(0, 50));
      expect(first.Truncated).toBe(true);
      expect(first.NextMarker).toEqual(expect.any(String));
      const second = await kms.send(new ListResourceTagsCommand({ KeyId: key.id, Marker: first.NextMarker }));
      expect(second.Tags).toEqual(tags.slice(50));
      expect(second.Truncated).toBe(false);
      expect(second.NextMarker).toBeUndefined();
    });

    it('refuses ListResourceTags with Limit 51 with ValidationException', async () => {
      const key = await newKey();
      const err = await errorOf(kms.send(new ListResourceTagsCommand({ KeyId: key.id, Limit: 51 })));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toMatch(/Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50/);
      expect((await kms.send(new ListResourceTagsCommand({ KeyId: key.id, Limit: 50 }))).Tags).toEqual([]);
    });
  });

  describe('alias resolution', () => {
    it('resolves alias names in ReEncrypt SourceKeyId and DestinationKeyId and reports the key ARNs', async () => {
      const src = await newKey();
      const dst = await newKey();
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/re-src', TargetKeyId: src.id }));
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/re-dst', TargetKeyId: dst.id }));
      const ct = await encrypt(src.id, 're-encrypt via aliases');
      const re = await kms.send(new ReEncryptCommand({ CiphertextBlob: ct, SourceKeyId: 'alias/re-src', DestinationKeyId: 'alias/re-dst' }));
      expect(re).toMatchObject({ SourceKeyId: src.arn, KeyId: dst.arn });
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob }));
      expect(dec.KeyId).toBe(dst.arn);
      expect(Buffer.from(dec.Plaintext!).toString()).toBe('re-encrypt via aliases');
      // The source alias really is checked against the blob's key.
      expect((await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: ct, SourceKeyId: 'alias/re-dst', DestinationKeyId: 'alias/re-dst' })))).name).toBe('IncorrectKeyException');
    });

    it('resolves an alias ARN in GenerateDataKeyWithoutPlaintext and reports the key ARN', async () => {
      const key = await newKey();
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/gdk-arn', TargetKeyId: key.id }));
      const res = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:alias/gdk-arn`, KeySpec: 'AES_256' }));
      expect(res.KeyId).toBe(key.arn);
      expect('Plaintext' in res).toBe(false);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: res.CiphertextBlob }));
      expect(dec.KeyId).toBe(key.arn);
      expect(dec.Plaintext!.length).toBe(32);
    });
  });

  describe('malformed key ARN', () => {
    const malformed = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/`;

    it('answers DescribeKey with InvalidArnException', async () => {
      expect(await errorOf(kms.send(new DescribeKeyCommand({ KeyId: malformed })))).toMatchObject({ name: 'InvalidArnException', status: 400 });
    });

    it('answers Encrypt with InvalidArnException', async () => {
      expect(await errorOf(kms.send(new EncryptCommand({ KeyId: malformed, Plaintext: Buffer.from('x') })))).toMatchObject({ name: 'InvalidArnException', status: 400 });
    });
  });
});
