/**
 * The end-to-end foundation suite: a real listening server, the real @aws-sdk/client-kms, a real
 * SoftHSM token and a real database. Run once per key-storage mode and store (see *.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateRandomCommand,
  ListKeysCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCOUNT, TEST_ACCESS_KEY_ID, type TestServer, type TestServerOptions } from '../support/server.js';
import { signedPost } from '../support/raw.js';
import { errorOf } from '../support/errors.js';

export function foundationSuite(label: string, options: () => Promise<TestServerOptions> | TestServerOptions): void {
  describe(`foundation API (${label})`, () => {
    let srv: TestServer;
    let kms: KMSClient;
    let keyId: string;
    let keyArn: string;

    beforeAll(async () => {
      srv = await startTestServer(await options());
      kms = srv.kms();
      const created = await kms.send(new CreateKeyCommand({ Description: 'foundation test key' }));
      keyId = created.KeyMetadata!.KeyId!;
      keyArn = created.KeyMetadata!.Arn!;
    });
    afterAll(async () => {
      kms?.destroy();
      await srv?.close();
    });

    it('creates a symmetric key with AWS-shaped metadata', async () => {
      const md = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
      expect(md.Arn).toBe(`arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/${keyId}`);
      expect(md).toMatchObject({
        AWSAccountId: TEST_ACCOUNT,
        KeyId: keyId,
        Enabled: true,
        Description: 'foundation test key',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyState: 'Enabled',
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        KeySpec: 'SYMMETRIC_DEFAULT',
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        MultiRegion: false,
      });
      expect(md.CreationDate).toBeInstanceOf(Date);
      expect(Math.abs(md.CreationDate!.getTime() - Date.now())).toBeLessThan(120_000);
      expect(md.CurrentKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      expect(md.DeletionDate).toBeUndefined();
    });

    it('describes a key by its ARN too', async () => {
      const md = (await kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata!;
      expect(md.KeyId).toBe(keyId);
    });

    it('round-trips Encrypt and Decrypt with and without KeyId, context in another key order', async () => {
      const plaintext = Buffer.from('attack at dawn');
      const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { tenant: 't-42', purpose: 'demo' } }));
      expect(enc.KeyId).toBe(keyArn);
      expect(enc.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
      expect(Buffer.from(enc.CiphertextBlob!).includes(plaintext)).toBe(false);
      const withoutKey = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { purpose: 'demo', tenant: 't-42' } }));
      expect(Buffer.from(withoutKey.Plaintext!).toString()).toBe('attack at dawn');
      expect(withoutKey.KeyId).toBe(keyArn);
      const withKey = await kms.send(new DecryptCommand({ KeyId: keyArn, CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { tenant: 't-42', purpose: 'demo' } }));
      expect(Buffer.from(withKey.Plaintext!).toString()).toBe('attack at dawn');
    });

    it('encrypts the maximum 4096-byte plaintext', async () => {
      const plaintext = Buffer.alloc(4096, 7);
      const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }));
      expect(enc.CiphertextBlob!.length).toBeLessThanOrEqual(6144);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      expect(Buffer.from(dec.Plaintext!).equals(plaintext)).toBe(true);
    });

    it('rejects Decrypt with a wrong or missing encryption context with InvalidCiphertextException', async () => {
      const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { a: '1' } }));
      for (const ctx of [{ a: "2" }, { A: "1" }, {}, { a: "1", b: "2" }, undefined] as Array<Record<string, string> | undefined>) {
        const err = await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ctx })));
        expect(err.name).toBe('InvalidCiphertextException');
        expect(err.status).toBe(400);
      }
    });

    it('distinguishes {"ab":"c"} from {"a":"bc"} and keeps a __proto__ context key', async () => {
      const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { ab: 'c' } }));
      expect((await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { a: 'bc' } })))).name).toBe('InvalidCiphertextException');
      const proto = await signedPost(srv.url, 'TrentService.Encrypt', '{"KeyId":"' + keyId + '","Plaintext":"eA==","EncryptionContext":{"__proto__":"x"}}');
      expect(proto.status).toBe(200);
      const blob = proto.json.CiphertextBlob as string;
      const noContext = await signedPost(srv.url, 'TrentService.Decrypt', JSON.stringify({ CiphertextBlob: blob }));
      expect(noContext.json.__type).toBe('InvalidCiphertextException');
      const same = await signedPost(srv.url, 'TrentService.Decrypt', '{"CiphertextBlob":"' + blob + '","EncryptionContext":{"__proto__":"x"}}');
      expect(same.status).toBe(200);
      expect(same.json.Plaintext).toBe('eA==');
    });

    it('rejects every flipped ciphertext byte with InvalidCiphertextException', async () => {
      const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('flip me') }));
      const blob = Buffer.from(enc.CiphertextBlob!);
      // Positions in the format byte, key id, material id, nonce, IV, ciphertext and tag.
      for (const pos of [0, 1, 20, 60, 85, 95, blob.length - 1]) {
        const bad = Buffer.from(blob);
        bad[pos]! ^= 0x01;
        const err = await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: bad })));
        expect(['InvalidCiphertextException', 'AccessDeniedException']).toContain(err.name);
        if (pos !== 1) expect(err.name).toBe('InvalidCiphertextException');
      }
      expect((await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: blob.subarray(0, 50) })))).name).toBe('InvalidCiphertextException');
    });

    it('answers IncorrectKeyException when Decrypt names another key', async () => {
      const other = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
      const err = await errorOf(kms.send(new DecryptCommand({ KeyId: other, CiphertextBlob: enc.CiphertextBlob })));
      expect(err.name).toBe('IncorrectKeyException');
    });

    it('generates data keys whose ciphertext decrypts to the same bytes', async () => {
      const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { app: 'x' } }));
      expect(dk.Plaintext!.length).toBe(32);
      expect(dk.KeyId).toBe(keyArn);
      expect(dk.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { app: 'x' } }));
      expect(Buffer.from(dec.Plaintext!).equals(Buffer.from(dk.Plaintext!))).toBe(true);
      const n = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 7 }));
      expect(n.Plaintext!.length).toBe(7);
      const k128 = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_128' }));
      expect(k128.Plaintext!.length).toBe(16);
    });

    it('refuses GenerateDataKey with both or neither of KeySpec and NumberOfBytes', async () => {
      expect((await errorOf(kms.send(new GenerateDataKeyCommand({ KeyId: keyId })))).name).toBe('ValidationException');
      expect((await errorOf(kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', NumberOfBytes: 32 })))).name).toBe('ValidationException');
    });

    it('returns random bytes of the requested length and refuses out-of-range lengths', async () => {
      const a = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 1024 }));
      const b = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 1024 }));
      expect(a.Plaintext!.length).toBe(1024);
      expect(Buffer.from(a.Plaintext!).equals(Buffer.from(b.Plaintext!))).toBe(false);
      const err = await errorOf(kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toBe(
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
      );
      expect((await errorOf(kms.send(new GenerateRandomCommand({})))).message).toBe('NumberOfBytes is required.');
    });

    it('lists keys with Limit, Marker and Truncated across pages', async () => {
      for (let i = 0; i < 3; i++) await kms.send(new CreateKeyCommand({}));
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await kms.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
        expect(page.Keys!.length).toBeLessThanOrEqual(2);
        for (const k of page.Keys!) {
          expect(k.KeyArn).toBe(`arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/${k.KeyId}`);
          seen.push(k.KeyId!);
        }
        expect(page.Truncated).toBe(page.NextMarker !== undefined);
        marker = page.NextMarker;
        pages++;
      } while (marker);
      expect(pages).toBeGreaterThan(1);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toContain(keyId);
      expect((await errorOf(kms.send(new ListKeysCommand({ Marker: 'not-a-marker' })))).name).toBe('InvalidMarkerException');
    });

    it('answers NotFoundException for unknown and malformed key ids', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      const err = await errorOf(kms.send(new DescribeKeyCommand({ KeyId: missing })));
      expect(err).toMatchObject({ name: 'NotFoundException', status: 400 });
      expect(err.message).toBe(`Key 'arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/${missing}' does not exist`);
      expect((await errorOf(kms.send(new EncryptCommand({ KeyId: missing, Plaintext: Buffer.from('x') })))).name).toBe('NotFoundException');
      expect((await errorOf(kms.send(new EncryptCommand({ KeyId: 'fake-key-id', Plaintext: Buffer.from('x') })))).message).toBe("Invalid keyId 'fake-key-id'");
      expect((await errorOf(kms.send(new DescribeKeyCommand({ KeyId: 'alias/none' })))).message).toBe(`Alias arn:aws:kms:us-east-1:${TEST_ACCOUNT}:alias/none is not found.`);
    });

    it('keeps keys in their region: another region does not see them', async () => {
      const west = srv.kms({ region: 'eu-west-1' });
      expect((await errorOf(west.send(new DescribeKeyCommand({ KeyId: keyId })))).name).toBe('NotFoundException');
      expect((await errorOf(west.send(new DescribeKeyCommand({ KeyId: keyArn })))).message).toBe('Invalid arn us-east-1');
      const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
      expect((await errorOf(west.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })))).name).toBe('AccessDeniedException');
      const westKey = (await west.send(new CreateKeyCommand({}))).KeyMetadata!;
      expect(westKey.Arn).toBe(`arn:aws:kms:eu-west-1:${TEST_ACCOUNT}:key/${westKey.KeyId}`);
      west.destroy();
    });

    it('rejects a bad secret with InvalidSignatureException and an unknown access key with UnrecognizedClientException', async () => {
      const badSecret = srv.kms({ secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret' });
      expect((await errorOf(badSecret.send(new ListKeysCommand({})))).name).toBe('InvalidSignatureException');
      const unknown = srv.kms({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00' });
      const err = await errorOf(unknown.send(new ListKeysCommand({})));
      expect(err.name).toBe('UnrecognizedClientException');
      expect(err.message).toBe('The security token included in the request is invalid.');
      badSecret.destroy();
      unknown.destroy();
    });

    it('rejects an unsigned request with MissingAuthenticationTokenException', async () => {
      const res = await fetch(srv.url, { method: 'POST', headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
    });

    it('answers malformed JSON with SerializationException and unknown targets with UnknownOperationException', async () => {
      const bad = await signedPost(srv.url, 'TrentService.Encrypt', '{"KeyId": ');
      expect(bad.status).toBe(400);
      expect(bad.json.__type).toBe('SerializationException');
      expect(bad.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      const wrongType = await signedPost(srv.url, 'TrentService.GenerateRandom', '{"NumberOfBytes":"ten"}');
      expect(wrongType.json.__type).toBe('SerializationException');
      const unknownOp = await signedPost(srv.url, 'TrentService.MakeCoffee', '{}');
      expect(unknownOp.json.__type).toBe('UnknownOperationException');
      const proto = await signedPost(srv.url, 'TrentService.__proto__', '{}');
      expect(proto.json.__type).toBe('UnknownOperationException');
      const badB64 = await signedPost(srv.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: keyId, Plaintext: '!!!notbase64' }));
      expect(badB64.json.__type).toBe('SerializationException');
    });

    it('refuses an oversized body without reading it all', async () => {
      const big = await signedPost(srv.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: keyId, Plaintext: Buffer.alloc(2_000_000).toString('base64') }));
      expect(big.status).toBe(413);
      expect(big.json.__type).toBe('RequestEntityTooLargeException');
    });

    it('reports aggregated validation errors in AWS wording', async () => {
      const res = await signedPost(srv.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: '', Plaintext: Buffer.alloc(4097).toString('base64') }));
      expect(res.json.__type).toBe('ValidationException');
      expect(res.json.message).toBe(
        "2 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
      );
    });

    it('serves liveness and a deep readiness check', async () => {
      expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${srv.url}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { hsm: { ok: boolean }; store: { ok: boolean } };
      expect(body.hsm.ok).toBe(true);
      expect(body.store.ok).toBe(true);
    });

    it('stores the access-key secret sealed, never in clear', async () => {
      const rec = await srv.svc.deps.store.identities.getAccessKey(TEST_ACCESS_KEY_ID);
      expect(rec).toBeDefined();
      expect(rec!.secretSealed.includes(Buffer.from('strongroom-test-secret'))).toBe(false);
    });
  });
}
