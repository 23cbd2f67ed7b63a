/**
 * hsm.asymmetric against a real SoftHSM token in both storage modes, checked by an independent
 * implementation: every signature the token makes is verified by node:crypto from the SPKI the
 * HSM layer built, data encrypted by node:crypto decrypts in the token, ECDH secrets equal
 * node:crypto's. RSA-3072/4096 are covered end to end in test/api (one key per spec and file).
 */
import { createECDH, createHash, createPublicKey, constants, publicEncrypt, randomBytes, randomUUID, verify as nodeVerify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPairParams, PrivateKeyRef, SignatureScheme } from '../../src/kms/ports/hsm-asymmetric.js';
import { HsmDecryptError } from '../../src/kms/ports/hsm.js';
import { createTestHsm } from '../support/softhsm.js';
import { MODES } from './helpers.js';

type TestHsm = Awaited<ReturnType<typeof createTestHsm>>;

async function newPair(t: TestHsm, params: KeyPairParams, usage: PrivateKeyRef['usage']): Promise<{ ref: PrivateKeyRef; spki: Buffer; storage: string }> {
  const keyId = randomUUID();
  const materialId = randomBytes(32).toString('hex');
  const g = await t.hsm.asymmetric.generateKeyPair(keyId, materialId, params, usage);
  return { ref: { keyId, materialId, wrapped: g.wrapped, params, usage }, spki: g.publicKey, storage: g.storage };
}

const EC_CURVES = [
  { curve: 'P-256', node: 'prime256v1', hash: 'sha256' },
  { curve: 'P-384', node: 'secp384r1', hash: 'sha384' },
  { curve: 'P-521', node: 'secp521r1', hash: 'sha512' },
  { curve: 'secp256k1', node: 'secp256k1', hash: 'sha256' },
] as const;

describe.each(MODES)('hsm.asymmetric in %s mode', (mode) => {
  let t: TestHsm;
  let rsaSign: Awaited<ReturnType<typeof newPair>>;
  let rsaDecrypt: Awaited<ReturnType<typeof newPair>>;
  const message = Buffer.from('the quick brown fox');

  beforeAll(async () => {
    t = await createTestHsm(mode);
    rsaSign = await newPair(t, { kind: 'rsa', bits: 2048 }, 'sign');
    rsaDecrypt = await newPair(t, { kind: 'rsa', bits: 2048 }, 'decrypt');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('stores RSA and EC private keys in the deployment mode and Ed25519 as a token object', async () => {
    expect(rsaSign.storage).toBe(mode);
    expect(rsaSign.ref.wrapped !== undefined).toBe(mode === 'wrapped');
    const ed = await newPair(t, { kind: 'ed25519' }, 'sign');
    // SoftHSM 2.6.1 cannot wrap CKK_EC_EDWARDS private keys (CKR_KEY_NOT_WRAPPABLE).
    expect(ed.storage).toBe('token');
    expect(ed.ref.wrapped).toBeUndefined();
  });

  it.each(['sha256', 'sha384', 'sha512'] as const)('RSASSA-PSS and PKCS#1 v1.5 over a %s digest verify in node:crypto', async (hash) => {
    const digest = createHash(hash).update(message).digest();
    const key = createPublicKey({ key: rsaSign.spki, format: 'der', type: 'spki' });
    const pss = await t.hsm.asymmetric.sign(rsaSign.ref, { kind: 'rsa-pss', hash }, digest);
    expect(nodeVerify(hash, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length }, pss)).toBe(true);
    const v15 = await t.hsm.asymmetric.sign(rsaSign.ref, { kind: 'rsa-pkcs1-v1_5', hash }, digest);
    expect(nodeVerify(hash, message, key, v15)).toBe(true);
    expect(await t.hsm.asymmetric.verify(rsaSign.spki, { kind: 'rsa-pss', hash }, digest, pss)).toBe(true);
    expect(await t.hsm.asymmetric.verify(rsaSign.spki, { kind: 'rsa-pkcs1-v1_5', hash }, digest, v15)).toBe(true);
  });

  it.each(EC_CURVES)('ECDSA on $curve returns DER that node:crypto verifies', async ({ curve, hash }) => {
    const pair = await newPair(t, { kind: 'ec', curve }, 'sign');
    const digest = createHash(hash).update(message).digest();
    const der = await t.hsm.asymmetric.sign(pair.ref, { kind: 'ecdsa' }, digest);
    expect(der[0]).toBe(0x30);
    const key = createPublicKey({ key: pair.spki, format: 'der', type: 'spki' });
    expect(key.asymmetricKeyDetails?.namedCurve).toBe(EC_CURVES.find((c) => c.curve === curve)!.node);
    expect(nodeVerify(hash, message, { key, dsaEncoding: 'der' }, der)).toBe(true);
    expect(await t.hsm.asymmetric.verify(pair.spki, { kind: 'ecdsa' }, digest, der)).toBe(true);
  });

  it('Ed25519 signs the message itself; node:crypto verifies', async () => {
    const pair = await newPair(t, { kind: 'ed25519' }, 'sign');
    const sig = await t.hsm.asymmetric.sign(pair.ref, { kind: 'ed25519' }, message);
    expect(sig).toHaveLength(64);
    expect(nodeVerify(null, message, createPublicKey({ key: pair.spki, format: 'der', type: 'spki' }), sig)).toBe(true);
    expect(await t.hsm.asymmetric.verify(pair.spki, { kind: 'ed25519' }, message, sig)).toBe(true);
  });

  it('verify rejects a flipped bit in the signature or the digest, and malformed DER', async () => {
    const digest = createHash('sha256').update(message).digest();
    const scheme: SignatureScheme = { kind: 'rsa-pss', hash: 'sha256' };
    const sig = await t.hsm.asymmetric.sign(rsaSign.ref, scheme, digest);
    const flipped = Buffer.from(sig);
    flipped[7]! ^= 0x01;
    expect(await t.hsm.asymmetric.verify(rsaSign.spki, scheme, digest, flipped)).toBe(false);
    const otherDigest = Buffer.from(digest);
    otherDigest[0]! ^= 0x80;
    expect(await t.hsm.asymmetric.verify(rsaSign.spki, scheme, otherDigest, sig)).toBe(false);
    expect(await t.hsm.asymmetric.verify(rsaSign.spki, scheme, digest, sig.subarray(1))).toBe(false);
    const ec = await newPair(t, { kind: 'ec', curve: 'P-256' }, 'sign');
    const der = await t.hsm.asymmetric.sign(ec.ref, { kind: 'ecdsa' }, digest);
    const bad = Buffer.from(der);
    bad[bad.length - 1]! ^= 0x01;
    expect(await t.hsm.asymmetric.verify(ec.spki, { kind: 'ecdsa' }, digest, bad)).toBe(false);
    expect(await t.hsm.asymmetric.verify(ec.spki, { kind: 'ecdsa' }, digest, Buffer.concat([der, Buffer.of(0)]))).toBe(false);
    expect(await t.hsm.asymmetric.verify(ec.spki, { kind: 'ecdsa' }, digest, Buffer.from('not der'))).toBe(false);
  });

  it.each(['sha1', 'sha256'] as const)('decrypts RSAES-OAEP-%s ciphertext made by node:crypto publicEncrypt', async (hash) => {
    const plaintext = randomBytes(100);
    const ciphertext = publicEncrypt({ key: createPublicKey({ key: rsaDecrypt.spki, format: 'der', type: 'spki' }), oaepHash: hash }, plaintext);
    expect(await t.hsm.asymmetric.decrypt(rsaDecrypt.ref, hash, ciphertext)).toEqual(plaintext);
    // Empty plaintexts are valid OAEP messages too (the decoder must find the separator at the end).
    const empty = publicEncrypt({ key: createPublicKey({ key: rsaDecrypt.spki, format: 'der', type: 'spki' }), oaepHash: hash }, Buffer.alloc(0));
    expect(await t.hsm.asymmetric.decrypt(rsaDecrypt.ref, hash, empty)).toHaveLength(0);
  });

  it('refuses tampered, wrong-hash and wrong-length OAEP ciphertexts with HsmDecryptError', async () => {
    const key = createPublicKey({ key: rsaDecrypt.spki, format: 'der', type: 'spki' });
    const ct = publicEncrypt({ key, oaepHash: 'sha256' }, Buffer.from('secret'));
    const tampered = Buffer.from(ct);
    tampered[20]! ^= 0x04;
    await expect(t.hsm.asymmetric.decrypt(rsaDecrypt.ref, 'sha256', tampered)).rejects.toBeInstanceOf(HsmDecryptError);
    await expect(t.hsm.asymmetric.decrypt(rsaDecrypt.ref, 'sha1', ct)).rejects.toBeInstanceOf(HsmDecryptError);
    const sha1 = publicEncrypt({ key, oaepHash: 'sha1' }, Buffer.from('secret'));
    await expect(t.hsm.asymmetric.decrypt(rsaDecrypt.ref, 'sha256', sha1)).rejects.toBeInstanceOf(HsmDecryptError);
    await expect(t.hsm.asymmetric.decrypt(rsaDecrypt.ref, 'sha256', ct.subarray(1))).rejects.toBeInstanceOf(HsmDecryptError);
    await expect(t.hsm.asymmetric.decrypt(rsaDecrypt.ref, 'sha1', Buffer.alloc(256, 0xff))).rejects.toBeInstanceOf(HsmDecryptError);
    // The sessions that saw the failures are still good for the next call.
    expect((await t.hsm.asymmetric.decrypt(rsaDecrypt.ref, 'sha256', ct)).toString()).toBe('secret');
  });

  it.each(EC_CURVES.filter((c) => c.curve !== 'secp256k1'))('ECDH on $curve equals node:crypto computeSecret with the peer private key', async ({ curve, node }) => {
    const pair = await newPair(t, { kind: 'ec', curve }, 'derive');
    const peer = createECDH(node);
    peer.generateKeys();
    const secret = await t.hsm.asymmetric.deriveSharedSecret(pair.ref, peer.getPublicKey());
    const jwk = createPublicKey({ key: pair.spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
    const ours = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    expect(secret).toEqual(peer.computeSecret(ours));
  });

  it.runIf(mode === 'token')('the token refuses to sign with a decrypt-only private key object', async () => {
    const digest = createHash('sha256').update(message).digest();
    // CKA_SIGN=false on the token object: CKR_KEY_FUNCTION_NOT_PERMITTED, whatever the caller claims.
    await expect(t.hsm.asymmetric.sign({ ...rsaDecrypt.ref, usage: 'sign' }, { kind: 'rsa-pss', hash: 'sha256' }, digest)).rejects.toThrow();
  });
});
