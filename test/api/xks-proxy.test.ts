/**
 * Issue 9: the XKS proxy API on a listening loopback server (real SoftHSM token in both storage
 * modes, SQLite file), requests signed by @smithy/signature-v4: GetHealthStatus, GetKeyMetadata,
 * Encrypt/Decrypt round trips, the spec's sizes, CDIV checked independently with SHA-256, and
 * tampering. Key usage, status, rules, rotation and auditing: xks-keys.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXksKey, type XksAdminDeps } from '../../src/kms/xks/keys.js';
import { b64, expectXksError, requestMetadata, startXksTestProxy, unb64, type XksResponse, type XksTestProxy } from '../support/xks.js';

const MODES = ['wrapped', 'token'] as const;
const KEY = 'foo';

function flip(s: unknown, at = 0): string {
  const b = unb64(s);
  b[at] = b[at]! ^ 0x01;
  return b.toString('base64');
}

describe.each(MODES)('XKS proxy API in %s mode', (mode) => {
  let p: XksTestProxy;
  let admin: XksAdminDeps;
  beforeAll(async () => {
    p = await startXksTestProxy(mode, {
      tenant: 'example',
      uriPathPrefix: '/example/uri/path/prefix',
      externalKeyId: KEY,
    });
    admin = { store: p.store, hsm: p.hsm.hsm, now: () => Date.now() };
  });
  afterAll(async () => {
    await p?.close();
  });

  const encrypt: XksTestProxy['encrypt'] = (...a) => p.encrypt(...a);
  const decrypt: XksTestProxy['decrypt'] = (...a) => p.decrypt(...a);

  describe('GetHealthStatus', () => {
    it('answers a deep check with the fleet size, vendor, model and one ACTIVE HSM', async () => {
      const r = await p.post('health', { requestMetadata: { kmsOperation: 'KmsHealthCheck', kmsRequestId: 'abc' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.json).toMatchObject({ xksProxyFleetSize: 1, xksProxyVendor: 'Strongroom', ekmVendor: 'SoftHSM project' });
      expect(String(r.json.xksProxyModel)).toMatch(/^Strongroom XKS proxy \d+\.\d+\.\d+$/);
      const fleet = r.json.ekmFleetDetails as Array<Record<string, string>>;
      expect(fleet).toHaveLength(1);
      expect(fleet[0]).toMatchObject({ healthStatus: 'ACTIVE', model: expect.stringMatching(/^SoftHSM/) });
      expect(fleet[0]!.id).toMatch(/\S/);
    });

    it.each(['CreateCustomKeyStore', 'ConnectCustomKeyStore', 'SomeFutureOperation'])('accepts kmsOperation %s', async (op) => {
      expect((await p.post('health', { requestMetadata: { kmsOperation: op, kmsRequestId: 'x' } })).status).toBe(200);
    });

    it('answers ValidationException without requestMetadata or with an empty one (as the AWS test client expects)', async () => {
      expectXksError(await p.post('health', {}), 400, 'ValidationException');
      expectXksError(await p.post('health', { requestMetadata: {} }), 400, 'ValidationException');
    });
  });

  describe('GetKeyMetadata', () => {
    it('reports AES_256, the default usages and ENABLED, ignoring fields it does not know', async () => {
      for (const op of ['CreateKey', 'DescribeKey']) {
        const r = await p.post(`keys/${KEY}/metadata`, { requestMetadata: requestMetadata(op, { futureField: 'x' }), another: 1 });
        expect(r.status).toBe(200);
        expect(r.json).toStrictEqual({ keySpec: 'AES_256', keyUsage: ['ENCRYPT', 'DECRYPT', 'WRAP', 'UNWRAP'], keyStatus: 'ENABLED' });
      }
    });

    it('answers without kmsKeyArn (CreateKey sends none) and for an unknown kmsOperation', async () => {
      const { kmsKeyArn: _, ...md } = requestMetadata('CreateKey');
      expect((await p.post(`keys/${KEY}/metadata`, { requestMetadata: md })).status).toBe(200);
      expect((await p.post(`keys/${KEY}/metadata`, { requestMetadata: requestMetadata('BulkDescribeKey') })).status).toBe(200);
    });

    it('answers ValidationException without requestMetadata, with an empty one, or without awsPrincipalArn', async () => {
      expectXksError(await p.post(`keys/${KEY}/metadata`, {}), 400, 'ValidationException');
      expectXksError(await p.post(`keys/${KEY}/metadata`, { requestMetadata: {} }), 400, 'ValidationException');
      const { awsPrincipalArn: _, ...md } = requestMetadata('DescribeKey');
      expectXksError(await p.post(`keys/${KEY}/metadata`, { requestMetadata: md }), 400, 'ValidationException');
    });

    it('answers KeyNotFoundException for an unknown external key', async () => {
      expectXksError(await p.post('keys/non_existing_key/metadata', { requestMetadata: requestMetadata('DescribeKey') }), 404, 'KeyNotFoundException');
    });
  });

  describe('Encrypt and Decrypt', () => {
    it('round-trips without AAD: ciphertext as long as the plaintext, 12-byte IV, 16-byte tag, our metadata', async () => {
      const plaintext = Buffer.from('Hello World!');
      const e = await encrypt(KEY, plaintext);
      expect(e.status).toBe(200);
      expect(Object.keys(e.json).sort()).toStrictEqual(['authenticationTag', 'ciphertext', 'ciphertextMetadata', 'initializationVector']);
      expect(unb64(e.json.ciphertext).length).toBe(plaintext.length);
      expect(unb64(e.json.initializationVector).length).toBe(12);
      expect(unb64(e.json.authenticationTag).length).toBe(16);
      const cm = unb64(e.json.ciphertextMetadata);
      expect(cm.length).toBeLessThanOrEqual(20);
      expect(cm.readUInt16BE(1)).toBe(1); // material version 1
      const d = await decrypt(KEY, e.json);
      expect(d.status).toBe(200);
      expect(Object.keys(d.json)).toStrictEqual(['plaintext']);
      expect(unb64(d.json.plaintext).equals(plaintext)).toBe(true);
    });

    it('round-trips with AAD, and refuses a missing or different AAD with InvalidCiphertextException', async () => {
      const aad = Buffer.from('project=nile,department=marketing');
      const e = await encrypt(KEY, Buffer.from('plaintext\n'), aad);
      expect(e.status).toBe(200);
      expect(unb64((await decrypt(KEY, e.json, aad)).json.plaintext).toString()).toBe('plaintext\n');
      expectXksError(await decrypt(KEY, e.json), 400, 'InvalidCiphertextException');
      expectXksError(await decrypt(KEY, e.json, Buffer.from('project=blue,department=finance')), 400, 'InvalidCiphertextException');
    });

    it.each([
      ['with AAD', Buffer.from('project=nile,department=marketing')],
      ['without AAD', undefined],
    ])('returns the ciphertext data integrity value %s: SHA-256 over aad ‖ cm ‖ iv ‖ ciphertext ‖ tag', async (_what, aad) => {
      const e = await encrypt(KEY, Buffer.from('Hello World!'), aad, true);
      expect(e.status).toBe(200);
      const parts = [aad ?? Buffer.alloc(0), ...['ciphertextMetadata', 'initializationVector', 'ciphertext', 'authenticationTag'].map((f) => unb64(e.json[f]))];
      const expected = createHash('sha256').update(Buffer.concat(parts)).digest('base64');
      expect(e.json.ciphertextDataIntegrityValue).toBe(expected);
      expect((await decrypt(KEY, e.json, aad)).status).toBe(200);
    });

    it('takes 4300 bytes of plaintext and 8192 bytes of AAD (the spec minimums), and refuses one byte more with UnsupportedOperationException', async () => {
      const plaintext = randomBytes(4300);
      const aad = randomBytes(8192);
      const e = await encrypt(KEY, plaintext, aad, true);
      expect(e.status).toBe(200);
      expect(unb64((await decrypt(KEY, e.json, aad)).json.plaintext).equals(plaintext)).toBe(true);
      expectXksError(await encrypt(KEY, randomBytes(4301)), 501, 'UnsupportedOperationException');
      expectXksError(await encrypt(KEY, Buffer.from('x'), randomBytes(8193)), 501, 'UnsupportedOperationException');
      expectXksError(await decrypt(KEY, { ...e.json, ciphertext: b64(randomBytes(4301)) }, aad), 501, 'UnsupportedOperationException');
      expectXksError(await decrypt(KEY, e.json, randomBytes(8193)), 501, 'UnsupportedOperationException');
    });

    describe('any change makes Decrypt fail with InvalidCiphertextException', () => {
      const aad = Buffer.from('context');
      let e: XksResponse;
      beforeAll(async () => {
        e = await encrypt(KEY, Buffer.from('a data key of 32 bytes, roughly.'), aad);
      });

      it.each(['ciphertext', 'initializationVector', 'authenticationTag', 'ciphertextMetadata'])('a flipped bit in %s', async (field) => {
        expectXksError(await decrypt(KEY, { ...e.json, [field]: flip(e.json[field], field === 'ciphertextMetadata' ? 10 : 0) }, aad), 400, 'InvalidCiphertextException');
      });

      it('a flipped bit in the AAD', async () => {
        expectXksError(await decrypt(KEY, e.json, Buffer.from('contexu')), 400, 'InvalidCiphertextException');
      });

      it('the material version in the metadata changed', async () => {
        const cm = unb64(e.json.ciphertextMetadata);
        cm.writeUInt16BE(7, 1);
        expectXksError(await decrypt(KEY, { ...e.json, ciphertextMetadata: b64(cm) }, aad), 400, 'InvalidCiphertextException');
      });

      it('the metadata left out, or moved into the AAD position', async () => {
        const made = await encrypt(KEY, Buffer.from('k'));
        const { ciphertextMetadata, ...rest } = made.json;
        expectXksError(await decrypt(KEY, rest), 400, 'InvalidCiphertextException');
        expectXksError(await decrypt(KEY, rest, unb64(ciphertextMetadata)), 400, 'InvalidCiphertextException');
        expect((await decrypt(KEY, made.json)).status).toBe(200);
      });

      it('a 16-byte IV (valid in the spec, never ours) or an empty ciphertext', async () => {
        expectXksError(await decrypt(KEY, { ...e.json, initializationVector: b64(randomBytes(16)) }, aad), 400, 'InvalidCiphertextException');
        expectXksError(await decrypt(KEY, { ...e.json, ciphertext: '' }, aad), 400, 'InvalidCiphertextException');
      });

      it('a ciphertext of another external key', async () => {
        await createXksKey(admin, { tenant: 'example', externalKeyId: 'other-key' });
        expectXksError(await decrypt('other-key', e.json, aad), 400, 'InvalidCiphertextException');
      });
    });
  });
});
