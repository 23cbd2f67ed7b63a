/**
 * CreateKey for non-symmetric specs (AWS's KeySpec × KeyUsage rules and wording, reference §3.1),
 * the metadata every spec reports, and the life of such keys in token storage: their token
 * objects are destroyed when the deletion window ends, and a deleted key signs no more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GenerateMacCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { ManualClock } from '../support/clock.js';
import { errorOf } from '../support/errors.js';

const DAY = 86_400_000;

describe('CreateKey and life of asymmetric and HMAC keys (token key storage)', () => {
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

  it('requires KeyUsage for every spec but SYMMETRIC_DEFAULT', async () => {
    for (const KeySpec of ['HMAC_256', 'RSA_2048', 'ECC_NIST_P256'] as const) {
      expect(await errorOf(kms.send(new CreateKeyCommand({ KeySpec })))).toMatchObject({
        name: 'ValidationException',
        message: 'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.',
      });
    }
  });

  it('refuses KeyUsage values the spec does not allow, in AWS wording', async () => {
    const cases = [
      ['RSA_2048', 'KEY_AGREEMENT'],
      ['RSA_4096', 'GENERATE_VERIFY_MAC'],
      ['ECC_NIST_P384', 'ENCRYPT_DECRYPT'],
      ['ECC_SECG_P256K1', 'KEY_AGREEMENT'],
      ['ECC_NIST_EDWARDS25519', 'KEY_AGREEMENT'],
      ['ECC_NIST_EDWARDS25519', 'ENCRYPT_DECRYPT'],
      ['HMAC_384', 'SIGN_VERIFY'],
      ['HMAC_512', 'ENCRYPT_DECRYPT'],
    ] as const;
    for (const [KeySpec, KeyUsage] of cases) {
      expect(await errorOf(kms.send(new CreateKeyCommand({ KeySpec, KeyUsage })))).toMatchObject({
        name: 'ValidationException',
        message: `KeyUsage ${KeyUsage} is not compatible with KeySpec ${KeySpec}`,
      });
    }
  });

  it('refuses specs the HSM layer does not implement, and imported asymmetric material', async () => {
    for (const KeySpec of ['SM2', 'ML_DSA_65'] as const) {
      expect((await errorOf(kms.send(new CreateKeyCommand({ KeySpec, KeyUsage: 'SIGN_VERIFY' })))).name).toBe('UnsupportedOperationException');
    }
    expect((await errorOf(kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Origin: 'EXTERNAL' })))).name).toBe('UnsupportedOperationException');
  });

  it('accepts the legacy CustomerMasterKeySpec and reports it back', async () => {
    const md = (await kms.send(new CreateKeyCommand({ CustomerMasterKeySpec: 'ECC_NIST_P521', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
    expect(md).toMatchObject({ KeySpec: 'ECC_NIST_P521', CustomerMasterKeySpec: 'ECC_NIST_P521', SigningAlgorithms: ['ECDSA_SHA_512'] });
  });

  it('reports exactly the algorithm list of each key type in CreateKey, DescribeKey and ListKeys', async () => {
    const cases = [
      [{ KeySpec: 'HMAC_224', KeyUsage: 'GENERATE_VERIFY_MAC' }, { MacAlgorithms: ['HMAC_SHA_224'] }],
      [{ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }, { KeyAgreementAlgorithms: ['ECDH'] }],
      [{ KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' }, { SigningAlgorithms: ['ED25519_SHA_512'] }],
      [{ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }, { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] }],
    ] as const;
    const lists = ['EncryptionAlgorithms', 'SigningAlgorithms', 'MacAlgorithms', 'KeyAgreementAlgorithms'] as const;
    for (const [input, fields] of cases) {
      const created = (await kms.send(new CreateKeyCommand(input))).KeyMetadata!;
      const described = (await kms.send(new DescribeKeyCommand({ KeyId: created.KeyId }))).KeyMetadata!;
      for (const md of [created, described]) {
        expect(md).toMatchObject({ ...input, KeyState: 'Enabled', Enabled: true, Origin: 'AWS_KMS', KeyManager: 'CUSTOMER' });
        for (const list of lists) expect(md[list]).toEqual((fields as Record<string, unknown>)[list]);
        expect(md.CurrentKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      }
      const listed = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.map((k) => k.KeyId);
      expect(listed).toContain(created.KeyId);
    }
  });

  it('destroys the token objects of deleted asymmetric and HMAC keys; they can no longer be used', async () => {
    const sig = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
    const mac = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!.KeyId!;
    const refs = [];
    for (const id of [sig, mac]) {
      const [m] = await srv.svc.deps.store.keys.listMaterials(id);
      expect(m).toMatchObject({ storage: 'token' });
      expect(m!.wrapped).toBeUndefined();
      refs.push({ keyId: id, materialId: m!.materialId });
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
    }
    clock.advance(7 * DAY + 1000);
    const swept = await srv.svc.sweepNow();
    expect(swept.failed).toEqual([]);
    expect(swept.deleted).toEqual(expect.arrayContaining([sig, mac]));
    // The token objects are gone: using the old references directly fails in the HSM itself.
    await expect(srv.svc.deps.hsm.asymmetric.sign({ ...refs[0]!, params: { kind: 'ed25519' }, usage: 'sign' }, { kind: 'ed25519' }, Buffer.from('x'))).rejects.toThrow(/not in the token/);
    await expect(srv.svc.deps.hsm.mac.mac({ ...refs[1]!, hash: 'sha256' }, Buffer.from('x'))).rejects.toThrow(/not in the token/);
    expect((await errorOf(kms.send(new SignCommand({ KeyId: sig, Message: Buffer.from('x'), SigningAlgorithm: 'ED25519_SHA_512' })))).name).toBe('NotFoundException');
    expect((await errorOf(kms.send(new GenerateMacCommand({ KeyId: mac, Message: Buffer.from('x'), MacAlgorithm: 'HMAC_SHA_256' })))).name).toBe('NotFoundException');
  });
});
