/**
 * Issue 4: key management operations and the key-state rules through @aws-sdk/client-kms against
 * a listening server (SoftHSM token, SQLite file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  UpdateKeyDescriptionCommand,
  CreateAliasCommand,
  TagResourceCommand,
  ListKeysCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCOUNT, type TestServer } from '../support/server.js';
import { ManualClock } from '../support/clock.js';
import { errorOf } from '../support/errors.js';
import { HsmKeyNotFoundError } from '../../src/kms/ports/hsm.js';

const DAY = 86_400_000;

describe('key lifecycle and key states', () => {
  let srv: TestServer;
  let kms: KMSClient;
  const clock = new ManualClock();

  beforeAll(async () => {
    srv = await startTestServer({ keyStorage: 'token', clock });
    kms = srv.kms();
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
  });

  async function newKey(): Promise<{ id: string; arn: string }> {
    const md = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    return { id: md.KeyId!, arn: md.Arn! };
  }

  it('disables and re-enables a key; a disabled key refuses crypto with DisabledException', async () => {
    const { id, arn } = await newKey();
    const ct = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') }))).CiphertextBlob;
    await kms.send(new DisableKeyCommand({ KeyId: id }));
    await kms.send(new DisableKeyCommand({ KeyId: id })); // idempotent
    const md = (await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!;
    expect(md).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    for (const call of [
      kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') })),
      kms.send(new DecryptCommand({ CiphertextBlob: ct })),
      kms.send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: 'AES_256' })),
      kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: id, KeySpec: 'AES_256' })),
    ]) {
      const err = await errorOf(call);
      expect(err).toMatchObject({ name: 'DisabledException', message: `${arn} is disabled.`, status: 400 });
    }
    // Management operations still work on a disabled key.
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: id, Description: 'still manageable' }));
    await kms.send(new EnableKeyCommand({ KeyId: id }));
    const back = await kms.send(new DecryptCommand({ CiphertextBlob: ct }));
    expect(Buffer.from(back.Plaintext!).toString()).toBe('x');
    expect((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.Description).toBe('still manageable');
  });

  it('schedules deletion with the default 30-day window and cancels it back to Disabled', async () => {
    const { id, arn } = await newKey();
    const before = clock.now();
    const res = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: id }));
    expect(res).toMatchObject({ KeyId: arn, KeyState: 'PendingDeletion', PendingWindowInDays: 30 });
    expect(Math.abs(res.DeletionDate!.getTime() - (before + 30 * DAY))).toBeLessThan(60_000);
    const md = (await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!;
    expect(md.KeyState).toBe('PendingDeletion');
    expect(md.DeletionDate).toBeInstanceOf(Date);

    const pending = `${arn} is pending deletion.`;
    expect(await errorOf(kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') })))).toMatchObject({ name: 'KMSInvalidStateException', message: pending });
    expect(await errorOf(kms.send(new EnableKeyCommand({ KeyId: id })))).toMatchObject({ name: 'KMSInvalidStateException', message: pending });
    expect(await errorOf(kms.send(new DisableKeyCommand({ KeyId: id })))).toMatchObject({ name: 'KMSInvalidStateException' });
    expect(await errorOf(kms.send(new ScheduleKeyDeletionCommand({ KeyId: id })))).toMatchObject({ name: 'KMSInvalidStateException' });
    expect(await errorOf(kms.send(new UpdateKeyDescriptionCommand({ KeyId: id, Description: 'x' })))).toMatchObject({ name: 'KMSInvalidStateException' });
    expect(await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/pending-key', TargetKeyId: id })))).toMatchObject({ name: 'KMSInvalidStateException' });
    expect(await errorOf(kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'a', TagValue: 'b' }] })))).toMatchObject({ name: 'KMSInvalidStateException' });

    const cancelled = await kms.send(new CancelKeyDeletionCommand({ KeyId: id }));
    expect(cancelled.KeyId).toBe(arn);
    const after = (await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!;
    expect(after).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    expect(after.DeletionDate).toBeUndefined();
    expect(await errorOf(kms.send(new CancelKeyDeletionCommand({ KeyId: id })))).toMatchObject({
      name: 'KMSInvalidStateException',
      message: `${arn} is not pending deletion.`,
    });
  });

  it('refuses a pending window outside 7–30 days with ValidationException', async () => {
    const { id } = await newKey();
    for (const days of [6, 31]) {
      const err = await errorOf(kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: days })));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toContain(`Value '${days}' at 'pendingWindowInDays'`);
    }
    expect((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.KeyState).toBe('Enabled');
  });

  it('really deletes a key once its window has passed: metadata and token material, no orphan', async () => {
    const { id } = await newKey();
    const ct = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('gone soon') }))).CiphertextBlob!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: id }));
    await kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'team', TagValue: 'x' }] }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
    const materials = await srv.svc.deps.store.keys.listMaterials(id);
    expect(materials.length).toBe(1);
    const ref = { keyId: id, materialId: materials[0]!.materialId };
    const AAD = Buffer.from('sweeper check');
    const sealedBefore = await srv.svc.deps.hsm.seal(ref, Buffer.from('x'), AAD);
    expect((await srv.svc.deps.hsm.open(ref, sealedBefore, AAD)).toString()).toBe('x');

    clock.advance(6 * DAY);
    expect((await srv.svc.sweepNow()).deleted).not.toContain(id);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.KeyState).toBe('PendingDeletion');

    clock.advance(1 * DAY + 1000);
    expect((await srv.svc.sweepNow()).deleted).toContain(id);
    expect((await errorOf(kms.send(new DescribeKeyCommand({ KeyId: id })))).name).toBe('NotFoundException');
    expect((await errorOf(kms.send(new DescribeKeyCommand({ KeyId: 'alias/doomed' })))).name).toBe('NotFoundException');
    expect(await srv.svc.deps.store.keys.listMaterials(id)).toEqual([]);
    // The token object is gone too: what opened before the sweep no longer finds its material.
    await expect(srv.svc.deps.hsm.open(ref, sealedBefore, AAD)).rejects.toBeInstanceOf(HsmKeyNotFoundError);
    expect((await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: ct })))).name).toBe('AccessDeniedException');
    const all = await kms.send(new ListKeysCommand({ Limit: 1000 }));
    expect(all.Keys!.map((k) => k.KeyId)).not.toContain(id);
  });

  it('re-encrypts between keys and contexts without returning plaintext', async () => {
    const a = await newKey();
    const b = await newKey();
    const ct = (await kms.send(new EncryptCommand({ KeyId: a.id, Plaintext: Buffer.from('move me'), EncryptionContext: { from: 'a' } }))).CiphertextBlob!;
    const re = await kms.send(
      new ReEncryptCommand({ CiphertextBlob: ct, SourceEncryptionContext: { from: 'a' }, DestinationKeyId: b.arn, DestinationEncryptionContext: { to: 'b' } }),
    );
    expect(re).toMatchObject({ SourceKeyId: a.arn, KeyId: b.arn, SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect('Plaintext' in re).toBe(false);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { to: 'b' } }));
    expect(dec.KeyId).toBe(b.arn);
    expect(Buffer.from(dec.Plaintext!).toString()).toBe('move me');
    // Same key, new context.
    const same = await kms.send(new ReEncryptCommand({ CiphertextBlob: ct, SourceEncryptionContext: { from: 'a' }, DestinationKeyId: a.id }));
    expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: same.CiphertextBlob }))).Plaintext!).toString()).toBe('move me');
    // Wrong source context, wrong source key, disabled destination.
    expect((await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: ct, DestinationKeyId: b.id })))).name).toBe('InvalidCiphertextException');
    expect((await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: ct, SourceKeyId: b.id, SourceEncryptionContext: { from: 'a' }, DestinationKeyId: b.id })))).name).toBe('IncorrectKeyException');
    await kms.send(new DisableKeyCommand({ KeyId: b.id }));
    expect((await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: ct, SourceEncryptionContext: { from: 'a' }, DestinationKeyId: b.id })))).name).toBe('DisabledException');
  });

  it('generates data keys without plaintext that decrypt to the right length', async () => {
    const { id } = await newKey();
    const res = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: id, NumberOfBytes: 64, EncryptionContext: { k: 'v' } }));
    expect('Plaintext' in res).toBe(false);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: res.CiphertextBlob, EncryptionContext: { k: 'v' } }));
    expect(dec.Plaintext!.length).toBe(64);
  });

  it('answers DryRun with DryRunOperationException and has no effect, or with the real error', async () => {
    const { id } = await newKey();
    for (const call of [
      kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x'), DryRun: true })),
      kms.send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: 'AES_256', DryRun: true })),
      kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: id, KeySpec: 'AES_256', DryRun: true })),
    ]) {
      const err = await errorOf(call);
      expect(err).toMatchObject({ name: 'DryRunOperationException', message: 'The request would have succeeded, but the DryRun option is set.' });
    }
    const ct = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
    expect((await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: ct, DryRun: true })))).name).toBe('DryRunOperationException');
    expect((await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: ct, DestinationKeyId: id, DryRun: true })))).name).toBe('DryRunOperationException');
    await kms.send(new DisableKeyCommand({ KeyId: id }));
    expect((await errorOf(kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x'), DryRun: true })))).name).toBe('DisabledException');
  });

  it('creates EXTERNAL-origin keys in PendingImport, which refuse crypto', async () => {
    const md = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    expect(md).toMatchObject({ Origin: 'EXTERNAL', KeyState: 'PendingImport', Enabled: false });
    expect(md.CurrentKeyMaterialId).toBeUndefined();
    expect(await errorOf(kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x') })))).toMatchObject({
      name: 'KMSInvalidStateException',
      message: `${md.Arn} is pending import.`,
    });
    expect((await errorOf(kms.send(new EnableKeyCommand({ KeyId: md.KeyId })))).name).toBe('KMSInvalidStateException');
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: md.KeyId, PendingWindowInDays: 7 }));
    await kms.send(new CancelKeyDeletionCommand({ KeyId: md.KeyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: md.KeyId }))).KeyMetadata!.KeyState).toBe('PendingImport');
  });

  it('refuses unsupported CreateKey combinations with the AWS error and creates nothing', async () => {
    const before = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.length;
    expect((await errorOf(kms.send(new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'SIGN_VERIFY' })))).name).toBe('ValidationException');
    expect((await errorOf(kms.send(new CreateKeyCommand({ MultiRegion: true })))).name).toBe('UnsupportedOperationException');
    expect((await errorOf(kms.send(new CreateKeyCommand({ CustomKeyStoreId: 'cks-1234567890abcdef0' })))).name).toBe('CustomKeyStoreNotFoundException');
    expect((await errorOf(kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'aws:reserved', TagValue: 'x' }] })))).name).toBe('TagException');
    expect((await errorOf(kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'a', TagValue: '2' }] })))).name).toBe('TagException');
    expect((await errorOf(kms.send(new CreateKeyCommand({ Policy: '{not json' })))).name).toBe('MalformedPolicyDocumentException');
    const err = await errorOf(kms.send(new CreateKeyCommand({ KeySpec: 'NOPE' as never })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toMatch(/^1 validation error detected: Value 'NOPE' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: \[/);
    expect((await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.length).toBe(before);
  });

  it('partitions by account: a key ARN of another account is not usable', async () => {
    const foreign = `arn:aws:kms:us-east-1:444455556666:key/${(await newKey()).id}`;
    const err = await errorOf(kms.send(new DescribeKeyCommand({ KeyId: foreign })));
    expect(err.name).toBe('NotFoundException');
    expect(err.message).toBe(`Key '${foreign}' does not exist`);
    expect(TEST_ACCOUNT).not.toBe('444455556666');
  });
});
