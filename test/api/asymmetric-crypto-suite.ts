/**
 * RSA encryption, HMAC, ECDH and data key pairs end to end (real server, @aws-sdk/client-kms,
 * SoftHSM), checked against node:crypto: ciphertext made by publicEncrypt with the GetPublicKey
 * key decrypts in Strongroom, ECDH secrets equal node:crypto's with the peer's private key, data
 * key pairs are working PKCS#8/SPKI pairs. Run once per storage mode (asymmetric-crypto-*.test.ts).
 */
import { createECDH, createPrivateKey, generateKeyPairSync, publicEncrypt, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecryptCommand,
  DeriveSharedSecretCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  ReEncryptCommand,
  VerifyMacCommand,
  type DataKeyPairSpec,
  type KMSClient,
  type MacAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server.js';
import { errorOf } from '../support/errors.js';
import { signedPost } from '../support/raw.js';
import { createKeys, flip, otherAccountClient, publicKeyOf } from './asymmetric-support.js';

const RSA = [
  { spec: 'RSA_2048', k: 256 },
  { spec: 'RSA_3072', k: 384 },
  { spec: 'RSA_4096', k: 512 },
] as const;
const OAEP = [
  { algorithm: 'RSAES_OAEP_SHA_1', hash: 'sha1', hLen: 20 },
  { algorithm: 'RSAES_OAEP_SHA_256', hash: 'sha256', hLen: 32 },
] as const;
const MACS = [
  { spec: 'HMAC_224', algorithm: 'HMAC_SHA_224', bytes: 28 },
  { spec: 'HMAC_256', algorithm: 'HMAC_SHA_256', bytes: 32 },
  { spec: 'HMAC_384', algorithm: 'HMAC_SHA_384', bytes: 48 },
  { spec: 'HMAC_512', algorithm: 'HMAC_SHA_512', bytes: 64 },
] as const;
const ECDH = [
  { spec: 'ECC_NIST_P256', curve: 'prime256v1' },
  { spec: 'ECC_NIST_P384', curve: 'secp384r1' },
  { spec: 'ECC_NIST_P521', curve: 'secp521r1' },
] as const;

export function asymmetricCryptoSuite(label: string, options: () => Promise<TestServerOptions> | TestServerOptions): void {
  describe(`RSA encryption, HMAC, ECDH and data key pairs (${label})`, () => {
    let srv: TestServer;
    let kms: KMSClient;
    let keys: Map<string, string>;
    const key = (spec: string, usage: string): string => keys.get(`${spec}/${usage}`)!;
    const arnOf = async (KeyId: string): Promise<string> => (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!.Arn!;

    beforeAll(async () => {
      srv = await startTestServer(await options());
      kms = srv.kms();
      keys = await createKeys(kms, [
        ...RSA.map(({ spec }) => [spec, 'ENCRYPT_DECRYPT'] as const),
        ...MACS.map(({ spec }) => [spec, 'GENERATE_VERIFY_MAC'] as const),
        ...ECDH.map(({ spec }) => [spec, 'KEY_AGREEMENT'] as const),
        ['RSA_2048', 'SIGN_VERIFY'],
        ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'],
      ]);
    });
    afterAll(async () => {
      kms?.destroy();
      await srv?.close();
    });

    describe.each(RSA)('$spec ENCRYPT_DECRYPT', ({ spec, k }) => {
      it('reports EncryptionAlgorithms RSAES_OAEP_SHA_1 and RSAES_OAEP_SHA_256', async () => {
        const md = (await kms.send(new DescribeKeyCommand({ KeyId: key(spec, 'ENCRYPT_DECRYPT') }))).KeyMetadata!;
        expect(md).toMatchObject({ KeySpec: spec, KeyUsage: 'ENCRYPT_DECRYPT', EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] });
        expect(md.SigningAlgorithms).toBeUndefined();
        const pub = await kms.send(new GetPublicKeyCommand({ KeyId: key(spec, 'ENCRYPT_DECRYPT') }));
        expect(pub).toMatchObject({ KeySpec: spec, KeyUsage: 'ENCRYPT_DECRYPT', EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] });
        expect(publicKeyOf(pub.PublicKey!).asymmetricKeyDetails?.modulusLength).toBe(k * 8);
      });

      it.each(OAEP)('decrypts node:crypto $algorithm ciphertext and round-trips Encrypt at the size limit', async ({ algorithm, hash, hLen }) => {
        const KeyId = key(spec, 'ENCRYPT_DECRYPT');
        const max = k - 2 * hLen - 2;
        const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId }));
        const plaintext = randomBytes(max);
        const offline = publicEncrypt({ key: publicKeyOf(PublicKey!), oaepHash: hash }, plaintext);
        const dec = await kms.send(new DecryptCommand({ KeyId, CiphertextBlob: offline, EncryptionAlgorithm: algorithm }));
        expect(Buffer.from(dec.Plaintext!)).toEqual(plaintext);
        expect(dec).toMatchObject({ EncryptionAlgorithm: algorithm, KeyId: await arnOf(KeyId) });
        const enc = await kms.send(new EncryptCommand({ KeyId, Plaintext: plaintext, EncryptionAlgorithm: algorithm }));
        expect(enc.CiphertextBlob).toHaveLength(k);
        expect(enc.EncryptionAlgorithm).toBe(algorithm);
        const back = await kms.send(new DecryptCommand({ KeyId, CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: algorithm }));
        expect(Buffer.from(back.Plaintext!)).toEqual(plaintext);
        const err = await errorOf(kms.send(new EncryptCommand({ KeyId, Plaintext: randomBytes(max + 1), EncryptionAlgorithm: algorithm })));
        expect(err).toMatchObject({ name: 'ValidationException', message: `Algorithm ${algorithm} and key spec ${spec} cannot encrypt data larger than ${max} bytes.` });
      });
    });

    it('refuses tampered, wrong-algorithm and wrong-length RSA ciphertext with InvalidCiphertextException', async () => {
      const KeyId = key('RSA_2048', 'ENCRYPT_DECRYPT');
      const enc = await kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('secret'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      const bad = [
        { CiphertextBlob: flip(enc.CiphertextBlob!, 9), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' as const },
        { CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' as const },
        { CiphertextBlob: Buffer.from(enc.CiphertextBlob!).subarray(1), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' as const },
      ];
      for (const b of bad) {
        expect(await errorOf(kms.send(new DecryptCommand({ KeyId, ...b })))).toMatchObject({ name: 'InvalidCiphertextException', status: 400 });
      }
    });

    it('RSA encryption refuses EncryptionContext, a missing KeyId and mismatched keys and algorithms', async () => {
      const KeyId = key('RSA_2048', 'ENCRYPT_DECRYPT');
      const EncryptionContext = { purpose: 'test' };
      expect((await errorOf(kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1', EncryptionContext })))).name).toBe('ValidationException');
      const enc = await kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }));
      expect((await errorOf(kms.send(new DecryptCommand({ KeyId, CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1', EncryptionContext })))).name).toBe('ValidationException');
      expect((await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })))).name).toBe('ValidationException');
      const arn = await arnOf(KeyId);
      expect(await errorOf(kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x') })))).toMatchObject({
        name: 'InvalidKeyUsageException',
        message: 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.',
      });
      const signing = key('RSA_2048', 'SIGN_VERIFY');
      const signingArn = await arnOf(signing);
      expect(await errorOf(kms.send(new EncryptCommand({ KeyId: signing, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })))).toMatchObject({
        name: 'InvalidKeyUsageException',
        message: `${signingArn} key usage is SIGN_VERIFY which is not valid for Encrypt.`,
      });
      expect(await errorOf(kms.send(new DecryptCommand({ KeyId: signing, CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })))).toMatchObject({
        name: 'InvalidKeyUsageException',
        message: `${signingArn} key usage is SIGN_VERIFY which is not valid for Decrypt.`,
      });
      const sym = key('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
      expect(await errorOf(kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })))).toMatchObject({
        name: 'InvalidKeyUsageException',
        message: 'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.',
      });
      expect(await errorOf(kms.send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256' })))).toMatchObject({
        name: 'InvalidKeyUsageException',
        message: `${arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateDataKey.`,
      });
      expect((await errorOf(kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1', DryRun: true })))).name).toBe('DryRunOperationException');
    });

    it('ReEncrypt moves data between symmetric and RSA keys in both directions', async () => {
      const sym = key('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
      const rsa = key('RSA_3072', 'ENCRYPT_DECRYPT');
      const plaintext = Buffer.from('moving between key types');
      const symBlob = (await kms.send(new EncryptCommand({ KeyId: sym, Plaintext: plaintext, EncryptionContext: { a: 'b' } }))).CiphertextBlob!;
      const toRsa = await kms.send(new ReEncryptCommand({ CiphertextBlob: symBlob, SourceEncryptionContext: { a: 'b' }, DestinationKeyId: rsa, DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      expect(toRsa).toMatchObject({ SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', KeyId: await arnOf(rsa) });
      expect(toRsa.SourceKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      const rsaPlain = await kms.send(new DecryptCommand({ KeyId: rsa, CiphertextBlob: toRsa.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      expect(Buffer.from(rsaPlain.Plaintext!)).toEqual(plaintext);
      const back = await kms.send(new ReEncryptCommand({ CiphertextBlob: toRsa.CiphertextBlob, SourceKeyId: rsa, SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DestinationKeyId: sym }));
      expect(back.DestinationKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: back.CiphertextBlob }))).Plaintext!)).toEqual(plaintext);
      const rsa2rsa = await kms.send(new ReEncryptCommand({ CiphertextBlob: toRsa.CiphertextBlob, SourceKeyId: rsa, SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DestinationKeyId: key('RSA_2048', 'ENCRYPT_DECRYPT'), DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }));
      const out = await kms.send(new DecryptCommand({ KeyId: key('RSA_2048', 'ENCRYPT_DECRYPT'), CiphertextBlob: rsa2rsa.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }));
      expect(Buffer.from(out.Plaintext!)).toEqual(plaintext);
      const noKey = await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: toRsa.CiphertextBlob, SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DestinationKeyId: sym })));
      expect(noKey.name).toBe('ValidationException');
      const tooBig = (await kms.send(new EncryptCommand({ KeyId: sym, Plaintext: randomBytes(400) }))).CiphertextBlob!;
      const err = await errorOf(kms.send(new ReEncryptCommand({ CiphertextBlob: tooBig, DestinationKeyId: key('RSA_2048', 'ENCRYPT_DECRYPT'), DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })));
      expect(err).toMatchObject({ name: 'ValidationException', message: 'Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes.' });
    });

    it.each(MACS)('$spec: GenerateMac/VerifyMac round-trip, flipped bits are KMSInvalidMacException', async ({ spec, algorithm, bytes }) => {
      const KeyId = key(spec, 'GENERATE_VERIFY_MAC');
      const MacAlgorithm = algorithm as MacAlgorithmSpec;
      const md = (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;
      expect(md).toMatchObject({ KeySpec: spec, KeyUsage: 'GENERATE_VERIFY_MAC', MacAlgorithms: [algorithm] });
      expect(md.EncryptionAlgorithms).toBeUndefined();
      const Message = randomBytes(4096);
      const mac = await kms.send(new GenerateMacCommand({ KeyId, Message, MacAlgorithm }));
      expect(mac.Mac).toHaveLength(bytes);
      expect(mac).toMatchObject({ MacAlgorithm: algorithm, KeyId: md.Arn });
      expect(Buffer.from((await kms.send(new GenerateMacCommand({ KeyId, Message, MacAlgorithm }))).Mac!)).toEqual(Buffer.from(mac.Mac!));
      expect(await kms.send(new VerifyMacCommand({ KeyId, Message, MacAlgorithm, Mac: mac.Mac }))).toMatchObject({ MacValid: true, MacAlgorithm: algorithm });
      for (const bad of [{ Message, Mac: flip(mac.Mac!, bytes - 1) }, { Message: flip(Message, 100), Mac: mac.Mac }, { Message, Mac: Buffer.from(mac.Mac!).subarray(1) }]) {
        expect(await errorOf(kms.send(new VerifyMacCommand({ KeyId, MacAlgorithm, ...bad })))).toMatchObject({ name: 'KMSInvalidMacException', status: 400 });
      }
      const wrong = algorithm === 'HMAC_SHA_256' ? 'HMAC_SHA_384' : 'HMAC_SHA_256';
      expect(await errorOf(kms.send(new GenerateMacCommand({ KeyId, Message, MacAlgorithm: wrong })))).toMatchObject({
        name: 'InvalidKeyUsageException',
        message: `Algorithm ${wrong} is incompatible with key spec ${spec}.`,
      });
    });

    it('answers a wrong MAC and a wrong signature with the bare AWS error, empty message', async () => {
      const KeyId = key('HMAC_384', 'GENERATE_VERIFY_MAC');
      const body = JSON.stringify({ KeyId, Message: 'bQ==', MacAlgorithm: 'HMAC_SHA_384', Mac: Buffer.alloc(48).toString('base64') });
      const r = await signedPost(srv.url, 'TrentService.VerifyMac', body);
      expect(r.status).toBe(400);
      expect(r.json).toStrictEqual({ __type: 'KMSInvalidMacException', message: '' });
      const sig = JSON.stringify({ KeyId: key('RSA_2048', 'SIGN_VERIFY'), Message: 'bQ==', Signature: Buffer.alloc(256).toString('base64'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' });
      const v = await signedPost(srv.url, 'TrentService.Verify', sig);
      expect(v.json).toStrictEqual({ __type: 'KMSInvalidSignatureException', message: '' });
    });

    it('MAC operations refuse non-HMAC keys, DryRun and other accounts', async () => {
      const sym = key('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
      const base = { Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' as const };
      expect(await errorOf(kms.send(new GenerateMacCommand({ KeyId: sym, ...base })))).toMatchObject({
        name: 'InvalidKeyUsageException',
        message: `${await arnOf(sym)} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`,
      });
      const hmac = key('HMAC_256', 'GENERATE_VERIFY_MAC');
      expect((await errorOf(kms.send(new GenerateMacCommand({ KeyId: hmac, ...base, DryRun: true })))).name).toBe('DryRunOperationException');
      expect((await errorOf(kms.send(new EncryptCommand({ KeyId: hmac, Plaintext: Buffer.from('x') })))).name).toBe('InvalidKeyUsageException');
      const other = await otherAccountClient(srv, '555566667777');
      try {
        expect((await errorOf(other.send(new GenerateMacCommand({ KeyId: await arnOf(hmac), ...base })))).name).toBe('AccessDeniedException');
      } finally {
        other.destroy();
      }
    });

    it.each(ECDH)('$spec: DeriveSharedSecret equals node:crypto ECDH with the peer private key', async ({ spec, curve }) => {
      const KeyId = key(spec, 'KEY_AGREEMENT');
      const peer = generateKeyPairSync('ec', { namedCurve: curve });
      const res = await kms.send(new DeriveSharedSecretCommand({ KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer.publicKey.export({ type: 'spki', format: 'der' }) }));
      expect(res).toMatchObject({ KeyAgreementAlgorithm: 'ECDH', KeyOrigin: 'AWS_KMS' });
      const ours = publicKeyOf((await kms.send(new GetPublicKeyCommand({ KeyId }))).PublicKey!).export({ format: 'jwk' });
      const ecdh = createECDH(curve);
      ecdh.setPrivateKey(Buffer.from(peer.privateKey.export({ format: 'jwk' }).d!, 'base64url'));
      const expected = ecdh.computeSecret(Buffer.concat([Buffer.of(4), Buffer.from(ours.x!, 'base64url'), Buffer.from(ours.y!, 'base64url')]));
      expect(Buffer.from(res.SharedSecret!)).toEqual(expected);
    });

    it('DeriveSharedSecret refuses other curves, malformed keys, non-agreement keys and DryRun', async () => {
      const KeyId = key('ECC_NIST_P256', 'KEY_AGREEMENT');
      const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'der' });
      const rsaPub = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
      const good = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' });
      for (const PublicKey of [p384, rsaPub, Buffer.from('not a key'), flip(good, -1)]) {
        expect((await errorOf(kms.send(new DeriveSharedSecretCommand({ KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey })))).name).toBe('ValidationException');
      }
      const signing = key('RSA_2048', 'SIGN_VERIFY');
      expect(await errorOf(kms.send(new DeriveSharedSecretCommand({ KeyId: signing, KeyAgreementAlgorithm: 'ECDH', PublicKey: good })))).toMatchObject({
        name: 'InvalidKeyUsageException',
        message: `${await arnOf(signing)} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`,
      });
      expect((await errorOf(kms.send(new DeriveSharedSecretCommand({ KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: good, DryRun: true })))).name).toBe('DryRunOperationException');
    });

    const PAIRS: DataKeyPairSpec[] = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519'];
    it.each(PAIRS)('GenerateDataKeyPair %s: a working PKCS#8/SPKI pair, the private key sealed under the symmetric key', async (KeyPairSpec) => {
      const KeyId = key('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
      const EncryptionContext = { pair: KeyPairSpec };
      const res = await kms.send(new GenerateDataKeyPairCommand({ KeyId, KeyPairSpec, EncryptionContext }));
      expect(res).toMatchObject({ KeyPairSpec, KeyId: await arnOf(KeyId) });
      expect(res.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      const priv = createPrivateKey({ key: Buffer.from(res.PrivateKeyPlaintext!), format: 'der', type: 'pkcs8' });
      const pub = publicKeyOf(res.PublicKey!);
      const alg = KeyPairSpec === 'ECC_NIST_EDWARDS25519' ? null : 'sha256';
      const msg = Buffer.from('pair check');
      expect(nodeVerify(alg, msg, pub, nodeSign(alg, msg, priv))).toBe(true);
      const opened = await kms.send(new DecryptCommand({ CiphertextBlob: res.PrivateKeyCiphertextBlob, EncryptionContext }));
      expect(Buffer.from(opened.Plaintext!)).toEqual(Buffer.from(res.PrivateKeyPlaintext!));
      expect((await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: res.PrivateKeyCiphertextBlob })))).name).toBe('InvalidCiphertextException');
    });

    it('GenerateDataKeyPairWithoutPlaintext returns only the sealed private key and the public key', async () => {
      const KeyId = key('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
      // On the wire, not through the SDK: its deserializer drops members this response does not model.
      const raw = await signedPost(srv.url, 'TrentService.GenerateDataKeyPairWithoutPlaintext', JSON.stringify({ KeyId, KeyPairSpec: 'ECC_NIST_P384' }));
      expect(raw.status).toBe(200);
      expect(Object.keys(raw.json).sort()).toStrictEqual(['KeyId', 'KeyMaterialId', 'KeyPairSpec', 'PrivateKeyCiphertextBlob', 'PublicKey']);
      const res = { PrivateKeyCiphertextBlob: Buffer.from(raw.json.PrivateKeyCiphertextBlob as string, 'base64'), PublicKey: Buffer.from(raw.json.PublicKey as string, 'base64') };
      const pkcs8 = Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: res.PrivateKeyCiphertextBlob }))).Plaintext!);
      const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      expect(nodeVerify('sha384', Buffer.from('x'), publicKeyOf(res.PublicKey), nodeSign('sha384', Buffer.from('x'), priv))).toBe(true);
    });

    it('data key pairs need a symmetric encryption key; SM2 is unsupported; DryRun has no side effect', async () => {
      const rsa = key('RSA_2048', 'ENCRYPT_DECRYPT');
      expect(await errorOf(kms.send(new GenerateDataKeyPairCommand({ KeyId: rsa, KeyPairSpec: 'ECC_NIST_P256' })))).toMatchObject({
        name: 'InvalidKeyUsageException',
        message: `${await arnOf(rsa)} key usage is ENCRYPT_DECRYPT which is not valid for GenerateDataKeyPair.`,
      });
      const hmac = key('HMAC_256', 'GENERATE_VERIFY_MAC');
      expect((await errorOf(kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: hmac, KeyPairSpec: 'ECC_NIST_P256' })))).name).toBe('InvalidKeyUsageException');
      const sym = key('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
      expect((await errorOf(kms.send(new GenerateDataKeyPairCommand({ KeyId: sym, KeyPairSpec: 'SM2' })))).name).toBe('UnsupportedOperationException');
      expect((await errorOf(kms.send(new GenerateDataKeyPairCommand({ KeyId: sym, KeyPairSpec: 'RSA_2048', DryRun: true })))).name).toBe('DryRunOperationException');
    });
  });
}
