import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  XKS_CM_BYTES,
  ciphertextDataIntegrityValue,
  decodeCiphertextMetadata,
  encodeCiphertextMetadata,
  xksGcmAad,
} from './ciphertext-metadata.js';

describe('XKS AES-GCM AAD encoding', () => {
  it('is uint16_be(len aad) ‖ aad ‖ uint8(len cm) ‖ cm, byte for byte', () => {
    const cm = Buffer.from('0100011111111111111111111111111111111111', 'hex');
    expect(xksGcmAad(Buffer.from('ab'), cm).toString('hex')).toBe(`00026162${'14'}${cm.toString('hex')}`);
  });

  it('encodes missing fields as zero lengths', () => {
    expect(xksGcmAad(undefined, undefined).toString('hex')).toBe('000000');
    expect(xksGcmAad(Buffer.from('x'), undefined).toString('hex')).toBe('00017800');
    expect(xksGcmAad(undefined, Buffer.from('y')).toString('hex')).toBe('00000179');
  });

  it('gives different AADs when the metadata moves into the AAD position or the split point moves', () => {
    const m = randomBytes(19);
    expect(xksGcmAad(undefined, m).equals(xksGcmAad(m, undefined))).toBe(false);
    expect(xksGcmAad(Buffer.from('a'), Buffer.from('bc')).equals(xksGcmAad(Buffer.from('ab'), Buffer.from('c')))).toBe(false);
  });

  it('carries the full 8192-byte AAD the spec requires', () => {
    const aad = randomBytes(8192);
    const out = xksGcmAad(aad, Buffer.alloc(19));
    expect(out.readUInt16BE(0)).toBe(8192);
    expect(out.length).toBe(2 + 8192 + 1 + 19);
  });
});

describe('ciphertextMetadata', () => {
  it('round-trips the material version and nonce in 19 bytes (the spec allows 20)', () => {
    const nonce = randomBytes(16);
    const cm = encodeCiphertextMetadata({ version: 513, nonce });
    expect(cm.length).toBe(XKS_CM_BYTES);
    expect(cm.length).toBeLessThanOrEqual(20);
    expect(cm[0]).toBe(2);
    expect(cm.readUInt16BE(1)).toBe(513);
    expect(decodeCiphertextMetadata(cm)).toStrictEqual({ version: 513, nonce, derivation: { scheme: 'per-nonce', nonce } });
  });

  it('still reads format 1 (one-time keys per IV, written by earlier builds) and names its scheme', () => {
    const nonce = randomBytes(16);
    const cm = Buffer.concat([Buffer.from([1, 0x00, 0x07]), nonce]);
    expect(decodeCiphertextMetadata(cm)).toStrictEqual({ version: 7, nonce, derivation: { scheme: 'per-call', nonce } });
  });

  it.each([
    ['a wrong length', Buffer.alloc(18, 1)],
    ['an unknown format byte', Buffer.concat([Buffer.from([3, 0, 1]), Buffer.alloc(16)])],
    ['format byte 0', Buffer.concat([Buffer.from([0, 0, 1]), Buffer.alloc(16)])],
    ['version 0', Buffer.concat([Buffer.from([1, 0, 0]), Buffer.alloc(16)])],
    ['nothing', Buffer.alloc(0)],
  ])('refuses metadata with %s', (_what, cm) => {
    expect(decodeCiphertextMetadata(cm)).toBeUndefined();
  });

  it('refuses to encode out-of-range versions or short nonces', () => {
    expect(() => encodeCiphertextMetadata({ version: 0, nonce: randomBytes(16) })).toThrow(RangeError);
    expect(() => encodeCiphertextMetadata({ version: 65536, nonce: randomBytes(16) })).toThrow(RangeError);
    expect(() => encodeCiphertextMetadata({ version: 1, nonce: randomBytes(15) })).toThrow(RangeError);
  });
});

describe('ciphertext data integrity value', () => {
  it("matches the spec's Appendix C worked example (86 bytes)", () => {
    const cdiv = ciphertextDataIntegrityValue({
      aad: Buffer.from('project=nile,department=marketing'),
      cm: Buffer.from('key_version=1'),
      iv: Buffer.from('1ccae5470f39700254779031', 'hex'),
      ciphertext: Buffer.from('821c642b5b71783367deaf18', 'hex'),
      tag: Buffer.from('bc1c4dda7707d6812447c5955e99b261', 'hex'),
    });
    expect(cdiv.toString('hex')).toBe('a8703f2260bd8791ec2d15ea0b23e65a0631eedcf2a13a65cc82db3f47cf5ec7');
    expect(cdiv.toString('base64')).toBe('qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc=');
  });

  it('leaves absent AAD and metadata out, with no lengths', () => {
    const iv = randomBytes(12);
    const ciphertext = randomBytes(5);
    const tag = randomBytes(16);
    const expected = createHash('sha256').update(Buffer.concat([iv, ciphertext, tag])).digest();
    expect(ciphertextDataIntegrityValue({ iv, ciphertext, tag }).equals(expected)).toBe(true);
  });
});
