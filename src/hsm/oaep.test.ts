import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { oaepDecode, type OaepHash } from './oaep.js';

// Node's RSA_NO_PADDING private decryption gives exactly what CKM_RSA_X_509 gives in the token.
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

function encrypt(message: Buffer, hash: OaepHash): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, message);
}

function raw(ciphertext: Buffer): Buffer {
  return privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
}

describe('OAEP decoding of imported key material after a raw RSA decryption', () => {
  for (const hash of ['sha256', 'sha1'] as const) {
    it(`recovers 32-byte material encrypted with OAEP-${hash} by node:crypto`, () => {
      const material = randomBytes(32);
      const result = oaepDecode(raw(encrypt(material, hash)), hash, 32);
      expect(result.ok && result.message.equals(material)).toBe(true);
    });
  }

  it('reports correctly padded material of another length as a length error', () => {
    expect(oaepDecode(raw(encrypt(randomBytes(16), 'sha256')), 'sha256', 32)).toStrictEqual({ ok: false, reason: 'length' });
    expect(oaepDecode(raw(encrypt(Buffer.alloc(0), 'sha256')), 'sha256', 32)).toStrictEqual({ ok: false, reason: 'length' });
  });

  it('refuses the wrong hash, tampered bytes, random bytes and zeros alike, with one answer', () => {
    expect(oaepDecode(raw(encrypt(randomBytes(32), 'sha1')), 'sha256', 32)).toStrictEqual({ ok: false, reason: 'invalid' });
    const em = raw(encrypt(randomBytes(32), 'sha256'));
    for (const position of [0, 1, 40, 200, 255]) {
      const tampered = Buffer.from(em);
      tampered[position]! ^= 0x01;
      expect(oaepDecode(tampered, 'sha256', 32)).toStrictEqual({ ok: false, reason: 'invalid' });
    }
    expect(oaepDecode(randomBytes(256), 'sha256', 32)).toStrictEqual({ ok: false, reason: 'invalid' });
    expect(oaepDecode(Buffer.alloc(256), 'sha256', 32)).toStrictEqual({ ok: false, reason: 'invalid' });
    expect(oaepDecode(Buffer.alloc(2 * 32 + 1), 'sha256', 0)).toStrictEqual({ ok: false, reason: 'invalid' });
  });

  it('leaves the encoded message to the caller (who zeroes it)', () => {
    const em = raw(encrypt(randomBytes(32), 'sha256'));
    const copy = Buffer.from(em);
    oaepDecode(em, 'sha256', 32);
    expect(em.equals(copy)).toBe(true);
  });
});
