/**
 * STRONGROOM_HSM_SOFTWARE_OAEP=off (deployments that forbid key material in process memory):
 * on SoftHSM, which has no native RSA-OAEP with SHA-256, the SHA-256 wrapping algorithms are
 * refused with a clear error; the SHA-1 ones still import entirely inside the token.
 */
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateKeyCommand, EncryptCommand, GetParametersForImportCommand, ImportKeyMaterialCommand, type KMSClient } from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';

describe('imported key material with software OAEP switched off', () => {
  let srv: TestServer;
  let kms: KMSClient;

  beforeAll(async () => {
    srv = await startTestServer({ keyStorage: 'token', env: { STRONGROOM_HSM_SOFTWARE_OAEP: 'off' } });
    kms = srv.kms();
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
  });

  it('refuses RSAES_OAEP_SHA_256 and RSA_AES_KEY_WRAP_SHA_256 with UnsupportedOperationException naming the setting', async () => {
    const key = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    for (const algorithm of ['RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_256'] as const) {
      const err = await errorOf(kms.send(new GetParametersForImportCommand({ KeyId: key.KeyId, WrappingAlgorithm: algorithm, WrappingKeySpec: 'RSA_2048' })));
      expect(err.name).toBe('UnsupportedOperationException');
      expect(err.message).toContain(algorithm);
      expect(err.message).toContain('STRONGROOM_HSM_SOFTWARE_OAEP=off');
    }
    expect(await srv.svc.deps.store.imports.listParametersForKey(key.KeyId!)).toStrictEqual([]);
  });

  it('imports with RSAES_OAEP_SHA_1, unwrapped by the token itself', async () => {
    const key = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    const params = await kms.send(new GetParametersForImportCommand({ KeyId: key.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_4096' }));
    const publicKey = createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' });
    const encrypted = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, randomBytes(32));
    const res = await kms.send(new ImportKeyMaterialCommand({
      KeyId: key.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: encrypted, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    }));
    expect(res.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('ok') }));
  });
});
