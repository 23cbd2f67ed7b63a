import { constants, createHash, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HsmDecryptError } from '../kms/ports/hsm.js';
import { oaepDecodeMessage, type OaepDigest } from './oaep-message.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const K = 256;

/** The encoded message inside a node:crypto OAEP ciphertext (raw RSA decryption). */
function encodedMessage(hash: OaepDigest, plaintext: Buffer): Buffer {
  const ct = publicEncrypt({ key: publicKey, oaepHash: hash }, plaintext);
  return privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ct);
}

function mgf1(hash: OaepDigest, seed: Buffer, length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; Buffer.concat(chunks).length < length; i += 1) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(i);
    chunks.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(chunks).subarray(0, length);
}

/** RFC 8017 §7.1.1 EME-OAEP encoding with a chosen DB (to build malformed blocks on purpose). */
function encode(hash: OaepDigest, db: Buffer, first = 0): Buffer {
  const hLen = hash === 'sha1' ? 20 : 32;
  const seed = randomBytes(hLen);
  const maskedDb = Buffer.from(db.map((b, i) => b ^ mgf1(hash, seed, db.length)[i]!));
  const maskedSeed = Buffer.from(seed.map((b, i) => b ^ mgf1(hash, maskedDb, hLen)[i]!));
  return Buffer.concat([Buffer.of(first), maskedSeed, maskedDb]);
}

function db(hash: OaepDigest, message: Buffer, opts: { label?: Buffer; separator?: number; padByte?: number } = {}): Buffer {
  const lHash = createHash(hash).update(opts.label ?? Buffer.alloc(0)).digest();
  const ps = Buffer.alloc(K - message.length - 2 * lHash.length - 2, 0);
  if (opts.padByte !== undefined && ps.length > 0) ps[ps.length - 1] = opts.padByte;
  return Buffer.concat([lHash, ps, Buffer.of(opts.separator ?? 1), message]);
}

describe('oaepDecodeMessage (EME-OAEP, RFC 8017 §7.1.2)', () => {
  it.each(['sha1', 'sha256'] as const)('decodes what node:crypto encoded with %s, for every plaintext length', (hash) => {
    const max = K - 2 * (hash === 'sha1' ? 20 : 32) - 2;
    for (const n of [0, 1, 17, max - 1, max]) {
      const plaintext = randomBytes(n);
      expect(oaepDecodeMessage(hash, encodedMessage(hash, plaintext))).toEqual(plaintext);
    }
  });

  it('decodes a block built by an independent encoder', () => {
    const m = Buffer.from('independent');
    expect(oaepDecodeMessage('sha256', encode('sha256', db('sha256', m)))).toEqual(m);
  });

  it('zeroes the encoded message it was given', () => {
    const em = encodedMessage('sha256', Buffer.from('wipe me'));
    oaepDecodeMessage('sha256', em);
    expect(em.every((b) => b === 0)).toBe(true);
  });

  const malformed: Array<[string, () => Buffer]> = [
    ['a non-zero leading byte', () => encode('sha256', db('sha256', Buffer.from('x')), 1)],
    ['a label hash of a non-empty label', () => encode('sha256', db('sha256', Buffer.from('x'), { label: Buffer.from('L') }))],
    ['a non-zero padding byte', () => encode('sha256', db('sha256', Buffer.from('x'), { padByte: 2 }))],
    ['a separator other than 0x01', () => encode('sha256', db('sha256', Buffer.from('x'), { separator: 2 }))],
    ['no separator at all', () => encode('sha256', Buffer.concat([createHash('sha256').digest(), Buffer.alloc(K - 32 - 1)]))],
    ['a block encoded with the other hash', () => encodedMessage('sha1', Buffer.from('x'))],
    ['random bytes', () => Buffer.concat([Buffer.of(0), randomBytes(K - 1)])],
  ];
  it.each(malformed)('rejects %s with HsmDecryptError', (_name, make) => {
    expect(() => oaepDecodeMessage('sha256', make())).toThrow(HsmDecryptError);
  });

  it('rejects a block too short to hold two hashes', () => {
    expect(() => oaepDecodeMessage('sha256', Buffer.alloc(65))).toThrow(HsmDecryptError);
  });
});
