import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ecdsaDerToRaw, ecdsaRawToDer } from './ecdsa-der.js';

describe('ECDSA signature encodings', () => {
  it.each([
    ['prime256v1', 32],
    ['secp384r1', 48],
    ['secp521r1', 66],
    ['secp256k1', 32],
  ] as const)('converts node:crypto %s signatures both ways, byte for byte', (curve, half) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    for (let i = 0; i < 20; i += 1) {
      const msg = Buffer.from(`message ${i}`);
      const raw = sign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaRawToDer(raw);
      expect(verify('sha256', msg, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      expect(ecdsaDerToRaw(der, half)).toEqual(raw);
      const nodeDer = sign('sha256', msg, { key: privateKey, dsaEncoding: 'der' });
      const back = ecdsaDerToRaw(nodeDer, half)!;
      expect(verify('sha256', msg, { key: publicKey, dsaEncoding: 'ieee-p1363' }, back)).toBe(true);
    }
  });

  it('encodes high-bit and leading-zero halves minimally', () => {
    const raw = Buffer.concat([Buffer.from('80' + '00'.repeat(31), 'hex'), Buffer.from('00'.repeat(31) + '05', 'hex')]);
    expect(ecdsaRawToDer(raw).toString('hex')).toBe('3026022100' + '80' + '00'.repeat(31) + '020105');
    expect(ecdsaDerToRaw(ecdsaRawToDer(raw), 32)).toEqual(raw);
  });

  it.each([
    ['trailing bytes', '3006020101020101' + '00'],
    ['a negative integer', '3006020181020101'],
    ['a non-minimal integer', '300702020001020101'],
    ['a wrong outer length', '3007020101020101'],
    ['a missing second integer', '3003020101'],
    ['a non-minimal long-form length', '308106020101020101'],
    ['an integer longer than the curve', '3026022201' + '00'.repeat(32) + '020101'],
    ['not a sequence', '0406020101020101'],
    ['nothing', ''],
  ])('refuses %s', (_name, hex) => {
    expect(ecdsaDerToRaw(Buffer.from(hex, 'hex'), 32)).toBeUndefined();
  });
});
