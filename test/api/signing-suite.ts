/**
 * Sign, Verify and GetPublicKey end to end (real server, real @aws-sdk/client-kms, real SoftHSM),
 * every signing key spec × algorithm × message type, each signature verified independently by
 * node:crypto from the key GetPublicKey returns. Run once per storage mode (signing-*.test.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeKeyCommand,
  DisableKeyCommand,
  GetPublicKeyCommand,
  SignCommand,
  VerifyCommand,
  type KMSClient,
  type MessageType,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server.js';
import { errorOf } from '../support/errors.js';
import { SIGNING_SPECS, createKeys, flip, hashOf, otherAccountClient, publicKeyOf, verifiedByNode } from './asymmetric-support.js';

const CASES = SIGNING_SPECS.flatMap(({ spec, algorithms }) =>
  algorithms.flatMap((algorithm) =>
    (algorithm === 'ED25519_SHA_512' ? ['RAW'] : ['RAW', 'DIGEST']).map((messageType) => ({ spec, algorithm, messageType })),
  ),
);

const KEY_DETAILS: Record<string, { type: string; curve?: string; bits?: number }> = {
  RSA_2048: { type: 'rsa', bits: 2048 },
  RSA_3072: { type: 'rsa', bits: 3072 },
  RSA_4096: { type: 'rsa', bits: 4096 },
  ECC_NIST_P256: { type: 'ec', curve: 'prime256v1' },
  ECC_NIST_P384: { type: 'ec', curve: 'secp384r1' },
  ECC_NIST_P521: { type: 'ec', curve: 'secp521r1' },
  ECC_SECG_P256K1: { type: 'ec', curve: 'secp256k1' },
  ECC_NIST_EDWARDS25519: { type: 'ed25519' },
};

export function signingSuite(label: string, options: () => Promise<TestServerOptions> | TestServerOptions): void {
  describe(`Sign, Verify and GetPublicKey (${label})`, () => {
    let srv: TestServer;
    let kms: KMSClient;
    let keys: Map<string, string>;
    const key = (spec: string, usage = 'SIGN_VERIFY'): string => keys.get(`${spec}/${usage}`)!;
    const signOrVerify = (op: 'Sign' | 'Verify', input: { KeyId: string; Message: Buffer; SigningAlgorithm: SigningAlgorithmSpec }): Promise<unknown> =>
      op === 'Sign' ? kms.send(new SignCommand(input)) : kms.send(new VerifyCommand({ ...input, Signature: Buffer.from('s') }));

    beforeAll(async () => {
      srv = await startTestServer(await options());
      kms = srv.kms();
      keys = await createKeys(kms, [
        ...SIGNING_SPECS.map(({ spec }) => [spec, 'SIGN_VERIFY'] as const),
        ['RSA_2048', 'ENCRYPT_DECRYPT'],
        ['ECC_NIST_P256', 'KEY_AGREEMENT'],
        ['HMAC_256', 'GENERATE_VERIFY_MAC'],
        ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'],
      ]);
    });
    afterAll(async () => {
      kms?.destroy();
      await srv?.close();
    });

    it.each(SIGNING_SPECS)('GetPublicKey and DescribeKey report $spec with its SigningAlgorithms', async ({ spec, algorithms }) => {
      const pub = await kms.send(new GetPublicKeyCommand({ KeyId: key(spec) }));
      expect(pub).toMatchObject({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: algorithms });
      expect(pub.KeyId).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//);
      expect(pub.EncryptionAlgorithms).toBeUndefined();
      expect(pub.CustomerMasterKeySpec).toBe(spec === 'ECC_NIST_EDWARDS25519' ? undefined : spec);
      const k = publicKeyOf(pub.PublicKey!);
      const want = KEY_DETAILS[spec]!;
      expect(k.asymmetricKeyType).toBe(want.type);
      if (want.curve) expect(k.asymmetricKeyDetails?.namedCurve).toBe(want.curve);
      if (want.bits) expect(k.asymmetricKeyDetails).toMatchObject({ modulusLength: want.bits, publicExponent: 65537n });
      const md = (await kms.send(new DescribeKeyCommand({ KeyId: key(spec) }))).KeyMetadata!;
      expect(md).toMatchObject({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: algorithms, KeyState: 'Enabled' });
      expect(md.EncryptionAlgorithms).toBeUndefined();
    });

    it.each(CASES)('$spec $algorithm $messageType: node:crypto verifies the signature, KMS Verify agrees', async ({ spec, algorithm, messageType }) => {
      const KeyId = key(spec);
      const SigningAlgorithm = algorithm as SigningAlgorithmSpec;
      const message = randomBytes(300);
      const digest = createHash(hashOf(algorithm)).update(message).digest();
      const Message = messageType === 'RAW' ? message : digest;
      const signed = await kms.send(new SignCommand({ KeyId, Message, MessageType: messageType as MessageType, SigningAlgorithm }));
      expect(signed.SigningAlgorithm).toBe(algorithm);
      expect(signed.KeyId).toMatch(/:key\//);
      const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId }));
      expect(verifiedByNode(PublicKey!, algorithm, message, signed.Signature!)).toBe(true);
      // A message and its digest are the same message (reference §3.3).
      const verified = await kms.send(new VerifyCommand({ KeyId, Message, MessageType: messageType as MessageType, Signature: signed.Signature, SigningAlgorithm }));
      expect(verified).toMatchObject({ SignatureValid: true, SigningAlgorithm: algorithm });
      if (algorithm !== 'ED25519_SHA_512') {
        const other = messageType === 'RAW' ? { Message: digest, MessageType: 'DIGEST' as const } : { Message: message, MessageType: 'RAW' as const };
        expect((await kms.send(new VerifyCommand({ KeyId, ...other, Signature: signed.Signature, SigningAlgorithm }))).SignatureValid).toBe(true);
      }
      for (const bad of [{ Signature: flip(signed.Signature!, -1), Message }, { Signature: signed.Signature, Message: flip(Message, 3) }]) {
        const err = await errorOf(kms.send(new VerifyCommand({ KeyId, ...bad, MessageType: messageType as MessageType, SigningAlgorithm })));
        expect(err).toMatchObject({ name: 'KMSInvalidSignatureException', status: 400 });
      }
    });

    it('signs RAW messages of 1 and 4096 bytes and refuses 4097', async () => {
      for (const n of [1, 4096]) {
        const Message = randomBytes(n);
        const s = await kms.send(new SignCommand({ KeyId: key('ECC_NIST_P256'), Message, SigningAlgorithm: 'ECDSA_SHA_256' }));
        expect(verifiedByNode((await kms.send(new GetPublicKeyCommand({ KeyId: key('ECC_NIST_P256') }))).PublicKey!, 'ECDSA_SHA_256', Message, s.Signature!)).toBe(true);
      }
      const err = await errorOf(kms.send(new SignCommand({ KeyId: key('ECC_NIST_P256'), Message: randomBytes(4097), SigningAlgorithm: 'ECDSA_SHA_256' })));
      expect(err.name).toBe('ValidationException');
    });

    it('refuses a DIGEST of the wrong length with AWS wording', async () => {
      for (const [spec, alg, n] of [['ECC_NIST_P256', 'ECDSA_SHA_256', 31], ['RSA_2048', 'RSASSA_PSS_SHA_384', 32], ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_512', 65]] as const) {
        const err = await errorOf(kms.send(new SignCommand({ KeyId: key(spec), Message: randomBytes(n), MessageType: 'DIGEST', SigningAlgorithm: alg })));
        expect(err).toMatchObject({ name: 'ValidationException', message: `Digest is invalid length for algorithm ${alg}.` });
      }
    });

    it('Ed25519: DIGEST and EXTERNAL_MU are refused, ED25519_PH_SHA_512 is unsupported by this HSM', async () => {
      const KeyId = key('ECC_NIST_EDWARDS25519');
      const digest = randomBytes(64);
      let err = await errorOf(kms.send(new SignCommand({ KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ED25519_SHA_512' })));
      expect(err).toMatchObject({ name: 'ValidationException', message: 'Message type DIGEST is incompatible with algorithm ED25519_SHA_512.' });
      err = await errorOf(kms.send(new SignCommand({ KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ED25519_PH_SHA_512' })));
      expect(err.name).toBe('UnsupportedOperationException');
      err = await errorOf(kms.send(new SignCommand({ KeyId: key('ECC_NIST_P256'), Message: digest, MessageType: 'EXTERNAL_MU', SigningAlgorithm: 'ECDSA_SHA_256' })));
      expect(err.name).toBe('ValidationException');
    });

    it('refuses an algorithm of another key spec with InvalidKeyUsageException', async () => {
      const cases = [
        ['ECC_NIST_P256', 'ECDSA_SHA_384'],
        ['ECC_NIST_P384', 'ECDSA_SHA_256'],
        ['ECC_SECG_P256K1', 'ECDSA_SHA_512'],
        ['RSA_2048', 'ECDSA_SHA_256'],
        ['ECC_NIST_P521', 'RSASSA_PSS_SHA_512'],
        ['ECC_NIST_EDWARDS25519', 'ECDSA_SHA_512'],
        ['RSA_3072', 'ED25519_SHA_512'],
      ] as const;
      for (const [spec, alg] of cases) {
        for (const op of ['Sign', 'Verify'] as const) {
          const err = await errorOf(signOrVerify(op, { KeyId: key(spec), Message: Buffer.from('m'), SigningAlgorithm: alg }));
          expect(err).toMatchObject({ name: 'InvalidKeyUsageException', message: `Algorithm ${alg} is incompatible with key spec ${spec}.` });
        }
      }
    });

    it('Sign and Verify refuse keys whose usage is not SIGN_VERIFY', async () => {
      for (const [spec, usage] of [['RSA_2048', 'ENCRYPT_DECRYPT'], ['ECC_NIST_P256', 'KEY_AGREEMENT'], ['HMAC_256', 'GENERATE_VERIFY_MAC'], ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT']] as const) {
        const KeyId = key(spec, usage);
        const arn = (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!.Arn!;
        for (const op of ['Sign', 'Verify'] as const) {
          const err = await errorOf(signOrVerify(op, { KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
          expect(err).toMatchObject({ name: 'InvalidKeyUsageException', message: `${arn} key usage is ${usage} which is not valid for ${op}.` });
        }
      }
    });

    it('GetPublicKey of a symmetric or HMAC key is UnsupportedOperationException', async () => {
      for (const [spec, usage] of [['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'], ['HMAC_256', 'GENERATE_VERIFY_MAC']] as const) {
        expect((await errorOf(kms.send(new GetPublicKeyCommand({ KeyId: key(spec, usage) })))).name).toBe('UnsupportedOperationException');
      }
      const agree = await kms.send(new GetPublicKeyCommand({ KeyId: key('ECC_NIST_P256', 'KEY_AGREEMENT') }));
      expect(agree).toMatchObject({ KeyUsage: 'KEY_AGREEMENT', KeyAgreementAlgorithms: ['ECDH'] });
      expect(agree.SigningAlgorithms).toBeUndefined();
    });

    it('DryRun Sign and Verify end in DryRunOperationException', async () => {
      const base = { KeyId: key('ECC_NIST_P384'), Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_384' as const, DryRun: true };
      expect((await errorOf(kms.send(new SignCommand(base)))).name).toBe('DryRunOperationException');
      expect((await errorOf(kms.send(new VerifyCommand({ ...base, Signature: Buffer.from('s') })))).name).toBe('DryRunOperationException');
    });

    it('another account cannot Sign, Verify or GetPublicKey with the key', async () => {
      const arn = (await kms.send(new DescribeKeyCommand({ KeyId: key('ECC_NIST_P256') }))).KeyMetadata!.Arn!;
      const other = await otherAccountClient(srv);
      try {
        const base = { KeyId: arn, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' as const };
        expect((await errorOf(other.send(new SignCommand(base)))).name).toBe('AccessDeniedException');
        expect((await errorOf(other.send(new VerifyCommand({ ...base, Signature: Buffer.from('s') })))).name).toBe('AccessDeniedException');
        expect((await errorOf(other.send(new GetPublicKeyCommand({ KeyId: arn })))).name).toBe('AccessDeniedException');
      } finally {
        other.destroy();
      }
    });

    it('a disabled key refuses Sign, Verify and GetPublicKey with DisabledException', async () => {
      const KeyId = key('ECC_SECG_P256K1');
      await kms.send(new DisableKeyCommand({ KeyId }));
      const base = { KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' as const };
      expect((await errorOf(kms.send(new SignCommand(base)))).name).toBe('DisabledException');
      expect((await errorOf(kms.send(new VerifyCommand({ ...base, Signature: Buffer.from('s') })))).name).toBe('DisabledException');
      expect((await errorOf(kms.send(new GetPublicKeyCommand({ KeyId })))).name).toBe('DisabledException');
    });
  });
}
