import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HsmDecryptError, HsmKeyNotFoundError, SEAL_IV_BYTES, SEAL_NONCE_BYTES, SEAL_TAG_BYTES, type Hsm, type MaterialRef } from '../../src/kms/ports/hsm.js';
import { createTestHsm } from '../support/softhsm.js';
import { MODES, flipByte, newMaterial, withField } from './helpers.js';

describe.each(MODES)('seal/open in %s mode', (mode) => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  let hsm: Hsm;
  let ref: MaterialRef;
  const aad = Buffer.from('format=1|arn:aws:kms:eu-west-1:111122223333:key/x|ctx', 'utf8');

  beforeAll(async () => {
    t = await createTestHsm(mode);
    hsm = t.hsm;
    ref = await newMaterial(hsm);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('reports its storage mode and returns a wrapped blob only in wrapped mode', async () => {
    expect(hsm.mode).toBe(mode);
    if (mode === 'wrapped') expect(ref.wrapped?.length).toBe(40);
    else expect(ref.wrapped).toBeUndefined();
  });

  it.each([1, 4096])('round-trips %i bytes with AAD', async (size) => {
    const plaintext = randomBytes(size);
    const sealed = await hsm.seal(ref, plaintext, aad);
    expect(sealed.nonce.length).toBe(SEAL_NONCE_BYTES);
    expect(sealed.iv.length).toBe(SEAL_IV_BYTES);
    expect(sealed.ciphertext.length).toBe(size + SEAL_TAG_BYTES);
    if (size > 1) expect(sealed.ciphertext.subarray(0, size).equals(plaintext)).toBe(false);
    expect((await hsm.open(ref, sealed, aad)).equals(plaintext)).toBe(true);
  });

  it.each([1, 4096])('round-trips %i bytes with an empty AAD', async (size) => {
    const plaintext = randomBytes(size);
    const sealed = await hsm.seal(ref, plaintext, Buffer.alloc(0));
    expect((await hsm.open(ref, sealed, Buffer.alloc(0))).equals(plaintext)).toBe(true);
  });

  it('uses a fresh nonce and IV for every seal', async () => {
    const a = await hsm.seal(ref, Buffer.from('same'), aad);
    const b = await hsm.seal(ref, Buffer.from('same'), aad);
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  describe('tampering', () => {
    let sealed: Awaited<ReturnType<Hsm['seal']>>;
    beforeAll(async () => {
      sealed = await hsm.seal(ref, Buffer.from('attack at dawn'), aad);
    });

    it('rejects open with a wrong AAD with HsmDecryptError', async () => {
      await expect(hsm.open(ref, sealed, Buffer.from('other'))).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('rejects open with a missing AAD with HsmDecryptError', async () => {
      await expect(hsm.open(ref, sealed, Buffer.alloc(0))).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('rejects open with a flipped ciphertext byte with HsmDecryptError', async () => {
      await expect(hsm.open(ref, withField(sealed, 'ciphertext', flipByte(sealed.ciphertext, 0)), aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('rejects open with a flipped tag byte with HsmDecryptError', async () => {
      await expect(hsm.open(ref, withField(sealed, 'ciphertext', flipByte(sealed.ciphertext, -1)), aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('rejects open with a flipped nonce byte with HsmDecryptError', async () => {
      await expect(hsm.open(ref, withField(sealed, 'nonce', flipByte(sealed.nonce, 5)), aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('rejects open with a flipped IV byte with HsmDecryptError', async () => {
      await expect(hsm.open(ref, withField(sealed, 'iv', flipByte(sealed.iv, 3)), aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('rejects open with a truncated ciphertext with HsmDecryptError', async () => {
      await expect(hsm.open(ref, withField(sealed, 'ciphertext', sealed.ciphertext.subarray(0, -1)), aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('rejects wrong-length nonce, IV or tag-only ciphertext with HsmDecryptError', async () => {
      await expect(hsm.open(ref, withField(sealed, 'nonce', sealed.nonce.subarray(1)), aad)).rejects.toBeInstanceOf(HsmDecryptError);
      await expect(hsm.open(ref, withField(sealed, 'iv', Buffer.concat([sealed.iv, Buffer.alloc(1)])), aad)).rejects.toBeInstanceOf(HsmDecryptError);
      await expect(hsm.open(ref, withField(sealed, 'ciphertext', sealed.ciphertext.subarray(0, SEAL_TAG_BYTES)), aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('rejects open under a different material with HsmDecryptError', async () => {
      const other = await newMaterial(hsm);
      await expect(hsm.open(other, sealed, aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('keeps working after a run of authentication failures', async () => {
      for (let i = 0; i < 20; i += 1) await expect(hsm.open(ref, sealed, Buffer.from(`bad-${i}`))).rejects.toBeInstanceOf(HsmDecryptError);
      expect((await hsm.open(ref, sealed, aad)).toString()).toBe('attack at dawn');
    });
  });

  if (mode === 'wrapped') {
    it('rejects a tampered wrapped blob with HsmDecryptError', async () => {
      const bad = await newMaterial(hsm);
      const tampered = { ...bad, wrapped: flipByte(bad.wrapped!, 10) };
      await expect(hsm.seal(tampered, Buffer.from('x'), aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });
    it('rejects a material reference without a blob with HsmKeyNotFoundError', async () => {
      await expect(hsm.seal({ keyId: ref.keyId, materialId: ref.materialId.replace(/^./, 'f') }, Buffer.from('x'), aad)).rejects.toBeInstanceOf(HsmKeyNotFoundError);
    });
  } else {
    it('rejects an unknown material with HsmKeyNotFoundError', async () => {
      await expect(hsm.seal({ keyId: ref.keyId, materialId: '0'.repeat(64) }, Buffer.from('x'), aad)).rejects.toBeInstanceOf(HsmKeyNotFoundError);
    });
  }

  it('rejects an empty plaintext with RangeError before touching the token', async () => {
    await expect(hsm.seal(ref, Buffer.alloc(0), aad)).rejects.toBeInstanceOf(RangeError);
    await expect(hsm.sealServiceSecret(Buffer.alloc(0), aad)).rejects.toBeInstanceOf(RangeError);
  });

  it('round-trips a service secret and binds its AAD', async () => {
    const secret = Buffer.from('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'utf8');
    const sealed = await hsm.sealServiceSecret(secret, Buffer.from('AKIAEXAMPLE'));
    expect(sealed.length).toBe(SEAL_IV_BYTES + secret.length + SEAL_TAG_BYTES);
    expect((await hsm.openServiceSecret(sealed, Buffer.from('AKIAEXAMPLE'))).equals(secret)).toBe(true);
    await expect(hsm.openServiceSecret(sealed, Buffer.from('AKIAOTHER'))).rejects.toBeInstanceOf(HsmDecryptError);
  });

  it('rejects a tampered or truncated service secret with HsmDecryptError', async () => {
    const sealed = await hsm.sealServiceSecret(Buffer.from('secret'), aad);
    await expect(hsm.openServiceSecret(flipByte(sealed, 0), aad)).rejects.toBeInstanceOf(HsmDecryptError); // IV
    await expect(hsm.openServiceSecret(flipByte(sealed, SEAL_IV_BYTES), aad)).rejects.toBeInstanceOf(HsmDecryptError); // ct
    await expect(hsm.openServiceSecret(flipByte(sealed, -1), aad)).rejects.toBeInstanceOf(HsmDecryptError); // tag
    await expect(hsm.openServiceSecret(sealed.subarray(0, SEAL_IV_BYTES + SEAL_TAG_BYTES), aad)).rejects.toBeInstanceOf(HsmDecryptError);
  });

  it.each([1, 1024])('returns %i random bytes from the token', async (n) => {
    const a = await hsm.generateRandom(n);
    expect(a.length).toBe(n);
    if (n > 16) expect(a.equals(await hsm.generateRandom(n))).toBe(false);
  });

  it('reports health with a real round trip and the token identity', async () => {
    const health = await hsm.health();
    expect(health).toEqual({ ok: true, tokenLabel: 'strongroom-test', manufacturer: 'SoftHSM project', model: 'SoftHSM v2' });
  });
});
