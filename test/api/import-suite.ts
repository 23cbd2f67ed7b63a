/**
 * Issue 7, imported key material (Origin EXTERNAL): GetParametersForImport, ImportKeyMaterial and
 * DeleteImportedKeyMaterial through @aws-sdk/client-kms, with the key material wrapped by the
 * openssl commands AWS's developer guide gives customers ("Encrypt key material"). Run once per
 * key-storage mode.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  type AlgorithmSpec,
  type ImportKeyMaterialCommandInput,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server.js';
import { ManualClock } from '../support/clock.js';
import { errorOf } from '../support/errors.js';
import { auditEvents } from '../support/audit.js';

const HOUR = 3_600_000;

/** The developer guide's openssl steps, in a scratch directory. */
class Openssl {
  readonly dir = mkdtempSync(join(tmpdir(), 'strongroom-byok-'));

  private run(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /** `openssl rand -out PlaintextKeyMaterial.bin 32` */
  newMaterial(name: string, bytes = 32): string {
    this.run(['rand', '-out', name, String(bytes)]);
    return name;
  }

  /** Writes the PublicKey of GetParametersForImport and wraps `material` with `algorithm`. */
  wrap(publicKey: Uint8Array, algorithm: AlgorithmSpec, material: string): Buffer {
    writeFileSync(join(this.dir, 'WrappingPublicKey.der'), publicKey);
    const md = algorithm.endsWith('SHA_256') ? 'sha256' : 'sha1';
    const oaep = ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`];
    const pkeyutl = (input: string, output: string) =>
      this.run(['pkeyutl', '-encrypt', '-in', input, '-out', output, '-inkey', 'WrappingPublicKey.der', '-keyform', 'DER', '-pubin', ...oaep]);
    if (algorithm === 'RSAES_OAEP_SHA_256' || algorithm === 'RSAES_OAEP_SHA_1') {
      pkeyutl(material, 'EncryptedKeyMaterial.bin');
    } else {
      // RSA_AES_KEY_WRAP: an ephemeral AES-256 key wraps the material (RFC 5649), RSA-OAEP wraps that key.
      this.run(['rand', '-out', 'aes-key.bin', '32']);
      const hex = readFileSync(join(this.dir, 'aes-key.bin')).toString('hex');
      this.run(['enc', '-id-aes256-wrap-pad', '-K', hex, '-iv', 'A65959A6', '-in', material, '-out', 'key-material-wrapped.bin']);
      pkeyutl('aes-key.bin', 'aes-key-wrapped.bin');
      const joined = Buffer.concat([readFileSync(join(this.dir, 'aes-key-wrapped.bin')), readFileSync(join(this.dir, 'key-material-wrapped.bin'))]);
      writeFileSync(join(this.dir, 'EncryptedKeyMaterial.bin'), joined);
    }
    return readFileSync(join(this.dir, 'EncryptedKeyMaterial.bin'));
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function importSuite(label: string, options: () => TestServerOptions | Promise<TestServerOptions>): void {
  describe(`imported key material (${label})`, () => {
    let srv: TestServer;
    let kms: KMSClient;
    let ssl: Openssl;
    const clock = new ManualClock();

    beforeAll(async () => {
      srv = await startTestServer({ ...(await options()), clock });
      kms = srv.kms();
      ssl = new Openssl();
    });
    afterAll(async () => {
      kms?.destroy();
      ssl?.close();
      await srv?.close();
    });

    async function externalKey(): Promise<{ id: string; arn: string }> {
      const md = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
      return { id: md.KeyId!, arn: md.Arn! };
    }

    async function importInto(
      keyId: string,
      material: string,
      algorithm: AlgorithmSpec = 'RSAES_OAEP_SHA_256',
      extra: Partial<ImportKeyMaterialCommandInput> = { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
    ) {
      const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: 'RSA_2048' }));
      const encrypted = ssl.wrap(params.PublicKey!, algorithm, material);
      return kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: encrypted, ...extra }));
    }

    const describeKey = async (id: string) => (await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!;

    it('imports material wrapped with openssl pkeyutl OAEP-SHA-256, deletes it, re-imports it, refuses other material', async () => {
      const { id, arn } = await externalKey();
      const params = await kms.send(new GetParametersForImportCommand({ KeyId: id, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
      expect(params.KeyId).toBe(arn);
      expect(Math.abs(params.ParametersValidTo!.getTime() - (clock.now() + 24 * HOUR))).toBeLessThan(60_000);
      expect(params.PublicKey!.length).toBeGreaterThan(250);

      const material = ssl.newMaterial('PlaintextKeyMaterial.bin');
      const encrypted = ssl.wrap(params.PublicKey!, 'RSAES_OAEP_SHA_256', material);
      const imported = await kms.send(
        new ImportKeyMaterialCommand({ KeyId: id, ImportToken: params.ImportToken, EncryptedKeyMaterial: encrypted, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
      );
      expect(imported.KeyId).toBe(arn);
      expect(imported.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      const md = await describeKey(id);
      expect(md).toMatchObject({
        KeyState: 'Enabled', Enabled: true, Origin: 'EXTERNAL', CurrentKeyMaterialId: imported.KeyMaterialId, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      });
      expect(md.ValidTo).toBeUndefined();
      const ct = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('bring your own key') }))).CiphertextBlob!;
      expect((await kms.send(new DecryptCommand({ CiphertextBlob: ct }))).KeyMaterialId).toBe(imported.KeyMaterialId);

      const deleted = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: id }));
      expect(deleted).toMatchObject({ KeyId: arn, KeyMaterialId: imported.KeyMaterialId });
      expect(await describeKey(id)).toMatchObject({ KeyState: 'PendingImport', Enabled: false });
      const pending = { name: 'KMSInvalidStateException', message: `${arn} is pending import.` };
      expect(await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: ct })))).toMatchObject(pending);
      expect(await errorOf(kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') })))).toMatchObject(pending);

      // The same material again (with the SHA-1 variant of the command): the old ciphertext decrypts.
      const again = await importInto(id, material, 'RSAES_OAEP_SHA_1');
      expect(again.KeyMaterialId).toBe(imported.KeyMaterialId);
      expect(await describeKey(id)).toMatchObject({ KeyState: 'Enabled' });
      expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!).toString()).toBe('bring your own key');

      const other = ssl.newMaterial('OtherKeyMaterial.bin');
      const err = await errorOf(importInto(id, other));
      expect(err.name).toBe('IncorrectKeyMaterialException');
      expect(err.message).toContain(arn);
      expect(await describeKey(id)).toMatchObject({ KeyState: 'Enabled', CurrentKeyMaterialId: imported.KeyMaterialId });
    });

    it('imports with RSA_AES_KEY_WRAP (openssl enc -id-aes256-wrap-pad + pkeyutl), SHA-256 and SHA-1', async () => {
      const { id } = await externalKey();
      const material = ssl.newMaterial('WrapPadMaterial.bin');
      const first = await importInto(id, material, 'RSA_AES_KEY_WRAP_SHA_256');
      const ct = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('kwp') }))).CiphertextBlob!;
      await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: id, KeyMaterialId: first.KeyMaterialId }));
      const second = await importInto(id, material, 'RSA_AES_KEY_WRAP_SHA_1');
      expect(second.KeyMaterialId).toBe(first.KeyMaterialId);
      expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!).toString()).toBe('kwp');
    });

    it('rotates an imported key on demand into material imported as NEW_KEY_MATERIAL', async () => {
      const { id, arn } = await externalKey();
      const a = await importInto(id, ssl.newMaterial('A.bin'));
      const ct = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('under A') }))).CiphertextBlob!;
      expect(await errorOf(kms.send(new RotateKeyOnDemandCommand({ KeyId: id })))).toMatchObject({
        name: 'KMSInvalidStateException', message: `No available key material pending rotation for the key: ${arn}.`,
      });
      const b = await importInto(id, ssl.newMaterial('B.bin'), 'RSAES_OAEP_SHA_256', {
        ImportType: 'NEW_KEY_MATERIAL', ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', KeyMaterialDescription: 'second generation',
      });
      expect(b.KeyMaterialId).not.toBe(a.KeyMaterialId);
      const third = await errorOf(importInto(id, ssl.newMaterial('C.bin'), 'RSAES_OAEP_SHA_256', { ImportType: 'NEW_KEY_MATERIAL', ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
      expect(third.name).toBe('KMSInvalidStateException');
      expect(third.message).toContain(`because another key material (id: ${b.KeyMaterialId}) is pending rotation`);
      const listed = await kms.send(new ListKeyRotationsCommand({ KeyId: id, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }));
      expect(listed.Rotations!.map((r) => [r.KeyMaterialId, r.KeyMaterialState, r.ImportState, r.ExpirationModel])).toStrictEqual([
        [a.KeyMaterialId, 'CURRENT', 'IMPORTED', 'KEY_MATERIAL_DOES_NOT_EXPIRE'],
        [b.KeyMaterialId, 'PENDING_ROTATION', 'IMPORTED', 'KEY_MATERIAL_DOES_NOT_EXPIRE'],
      ]);
      expect(listed.Rotations![1]!.KeyMaterialDescription).toBe('second generation');
      expect((await describeKey(id)).CurrentKeyMaterialId).toBe(a.KeyMaterialId);

      await kms.send(new RotateKeyOnDemandCommand({ KeyId: id }));
      expect((await describeKey(id)).CurrentKeyMaterialId).toBe(b.KeyMaterialId);
      expect(await kms.send(new GetKeyRotationStatusCommand({ KeyId: id }))).toMatchObject({ KeyRotationEnabled: false });
      const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: id }));
      expect(rotations.Rotations!.map((r) => [r.KeyMaterialId, r.RotationType, r.KeyMaterialState])).toStrictEqual([[b.KeyMaterialId, 'ON_DEMAND', 'CURRENT']]);
      expect((await kms.send(new DecryptCommand({ CiphertextBlob: ct }))).KeyMaterialId).toBe(a.KeyMaterialId);
      const fresh = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('under B') }))).CiphertextBlob!;
      expect((await kms.send(new DecryptCommand({ CiphertextBlob: fresh }))).KeyMaterialId).toBe(b.KeyMaterialId);
      // Deleting a non-current material makes the key PendingImport until it is imported again.
      await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: id, KeyMaterialId: a.KeyMaterialId }));
      expect((await describeKey(id)).KeyState).toBe('PendingImport');
    });

    it('reports as ValidTo the earliest expiry of any of the key’s materials, not only the current one', async () => {
      const { id } = await externalKey();
      const validTo = new Date(Math.floor((clock.now() + 48 * HOUR) / 1000) * 1000);
      await importInto(id, ssl.newMaterial('E1.bin'), 'RSAES_OAEP_SHA_256', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo });
      await importInto(id, ssl.newMaterial('E2.bin'), 'RSAES_OAEP_SHA_256', { ImportType: 'NEW_KEY_MATERIAL', ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: id }));
      const md = await describeKey(id);
      expect(md.ExpirationModel).toBe('KEY_MATERIAL_DOES_NOT_EXPIRE');
      expect(md.ValidTo?.getTime()).toBe(validTo.getTime());
    });

    it('expires material at ValidTo: the scheduler deletes it and the key goes to PendingImport until re-imported', async () => {
      const { id, arn } = await externalKey();
      const material = ssl.newMaterial('Expiring.bin');
      const validTo = new Date(clock.now() + HOUR);
      const imported = await importInto(id, material, 'RSAES_OAEP_SHA_256', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo });
      const ct = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('short-lived') }))).CiphertextBlob!;
      const entry = (await kms.send(new ListKeyRotationsCommand({ KeyId: id, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))).Rotations![0]!;
      expect(entry).toMatchObject({ ExpirationModel: 'KEY_MATERIAL_EXPIRES', ImportState: 'IMPORTED' });
      expect(Math.abs(entry.ValidTo!.getTime() - validTo.getTime())).toBeLessThan(1000);
      const md = await describeKey(id);
      expect(md.ExpirationModel).toBe('KEY_MATERIAL_EXPIRES');
      expect(Math.abs(md.ValidTo!.getTime() - validTo.getTime())).toBeLessThan(1000);

      clock.advance(HOUR - 60_000);
      await srv.svc.scheduler.runOnce();
      expect((await describeKey(id)).KeyState).toBe('Enabled');
      clock.advance(2 * 60_000);
      const run = await srv.svc.scheduler.runOnce();
      expect(run.jobs.filter((j) => j.kind === 'expire-material' && j.keyId === id).map((j) => j.outcome)).toStrictEqual(['done']);
      expect(await describeKey(id)).toMatchObject({ KeyState: 'PendingImport' });
      expect(await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: ct })))).toMatchObject({ name: 'KMSInvalidStateException', message: `${arn} is pending import.` });
      const expired = (await auditEvents(srv)).filter((e) => e.eventName === 'DeleteExpiredKeyMaterial' && e.resources?.some((r) => r.ARN === arn));
      expect(expired.map((e) => e.eventType)).toStrictEqual(['AwsServiceEvent']);
      const again = await importInto(id, material, 'RSAES_OAEP_SHA_1', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(clock.now() + 48 * HOUR) });
      expect(again.KeyMaterialId).toBe(imported.KeyMaterialId);
      expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!).toString()).toBe('short-lived');
    });

    it('refuses foreign, tampered and expired import tokens, bad ciphertext and material of the wrong size', async () => {
      const { id } = await externalKey();
      const other = await externalKey();
      const params = await kms.send(new GetParametersForImportCommand({ KeyId: id, WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_3072' }));
      const good = ssl.wrap(params.PublicKey!, 'RSAES_OAEP_SHA_1', ssl.newMaterial('Good.bin'));
      const base = { KeyId: id, ImportToken: params.ImportToken, EncryptedKeyMaterial: good, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const };

      expect((await errorOf(kms.send(new ImportKeyMaterialCommand({ ...base, KeyId: other.id })))).name).toBe('InvalidImportTokenException');
      const tampered = Buffer.from(params.ImportToken!);
      tampered[tampered.length - 1]! ^= 0x01;
      expect((await errorOf(kms.send(new ImportKeyMaterialCommand({ ...base, ImportToken: tampered })))).name).toBe('InvalidImportTokenException');
      expect((await errorOf(kms.send(new ImportKeyMaterialCommand({ ...base, ImportToken: Buffer.from('not a token') })))).name).toBe('InvalidImportTokenException');
      const garbage = Buffer.from(good);
      garbage[10]! ^= 0xff;
      expect((await errorOf(kms.send(new ImportKeyMaterialCommand({ ...base, EncryptedKeyMaterial: garbage })))).name).toBe('InvalidCiphertextException');
      const short = ssl.wrap(params.PublicKey!, 'RSAES_OAEP_SHA_1', ssl.newMaterial('Short.bin', 16));
      expect((await errorOf(kms.send(new ImportKeyMaterialCommand({ ...base, EncryptedKeyMaterial: short })))).name).toBe('IncorrectKeyMaterialException');
      expect(await errorOf(kms.send(new ImportKeyMaterialCommand({ ...base, ExpirationModel: undefined })))).toMatchObject({
        name: 'ValidationException', message: 'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES',
      });
      const tooLate = new Date(clock.now() + 366 * 24 * HOUR);
      expect((await errorOf(kms.send(new ImportKeyMaterialCommand({ ...base, ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: tooLate })))).name).toBe('ValidationException');
      expect(
        (await errorOf(kms.send(new ImportKeyMaterialCommand({ ...base, ImportType: 'NEW_KEY_MATERIAL', KeyMaterialId: 'ab'.repeat(32) })))).name,
      ).toBe('ValidationException');
      expect((await describeKey(id)).KeyState).toBe('PendingImport'); // nothing was imported

      clock.advance(24 * HOUR);
      expect((await errorOf(kms.send(new ImportKeyMaterialCommand(base)))).name).toBe('ExpiredImportTokenException');
      // The scheduler destroys the expired wrapping key and forgets the parameters.
      const run = await srv.svc.scheduler.runOnce();
      expect(run.jobs.some((j) => j.kind === 'remove-import-parameters' && j.keyId === id && j.outcome === 'done')).toBe(true);
      expect(await srv.svc.deps.store.imports.listParametersForKey(id)).toStrictEqual([]);
    });

    it('refuses import operations on keys that cannot take imported material, or in the wrong state', async () => {
      const generated = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      const notValid = { name: 'UnsupportedOperationException', message: `${generated.Arn} origin is AWS_KMS which is not valid for this operation.` };
      expect(await errorOf(kms.send(new GetParametersForImportCommand({ KeyId: generated.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })))).toMatchObject(notValid);
      expect(await errorOf(kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: generated.KeyId })))).toMatchObject(notValid);
      const { id, arn } = await externalKey();
      for (const [alg, spec] of [['RSAES_PKCS1_V1_5', 'RSA_2048'], ['SM2PKE', 'SM2'], ['RSAES_OAEP_SHA_256', 'SM2']] as const) {
        expect((await errorOf(kms.send(new GetParametersForImportCommand({ KeyId: id, WrappingAlgorithm: alg, WrappingKeySpec: spec })))).name).toBe('UnsupportedOperationException');
      }
      expect((await errorOf(kms.send(new GetParametersForImportCommand({ KeyId: id, WrappingAlgorithm: 'NOPE' as never, WrappingKeySpec: 'RSA_2048' })))).name).toBe('ValidationException');
      expect((await errorOf(kms.send(new GetParametersForImportCommand({ KeyId: 'alias/x', WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_2048' })))).name).toBe('NotFoundException');
      // No material yet: deleting has no effect.
      expect(await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: id }))).toMatchObject({ KeyId: arn });
      expect((await errorOf(kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: id, KeyMaterialId: 'cd'.repeat(32) })))).name).toBe('NotFoundException');

      const material = ssl.newMaterial('Doomed.bin');
      await importInto(id, material);
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
      expect(await errorOf(kms.send(new GetParametersForImportCommand({ KeyId: id, WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_2048' })))).toMatchObject({
        name: 'KMSInvalidStateException', message: `${arn} is pending deletion.`,
      });
      // Deleting material is allowed while pending deletion; the key stays PendingDeletion and
      // comes back PendingImport, not Disabled.
      await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: id }));
      expect((await describeKey(id)).KeyState).toBe('PendingDeletion');
      await kms.send(new CancelKeyDeletionCommand({ KeyId: id }));
      expect((await describeKey(id)).KeyState).toBe('PendingImport');
    });
  });
}
