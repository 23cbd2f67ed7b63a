/**
 * hsm.mac against a real SoftHSM token in both storage modes. Generated keys are unknown, so they
 * round-trip and reject flipped bits; a test-only fixture puts a KNOWN secret into the token the
 * way each storage mode holds it (a token object, or a KWP blob under the domain key) so the MAC
 * can be compared with node:crypto's HMAC byte for byte.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materialCkaId } from '../../src/hsm/templates.js';
import type { MacHash, MacKeyRef } from '../../src/kms/ports/hsm-mac.js';
import { createTestHsm } from '../support/softhsm.js';
import { MODES } from './helpers.js';

type TestHsm = Awaited<ReturnType<typeof createTestHsm>>;

const HASHES: Array<{ hash: MacHash; bytes: number }> = [
  { hash: 'sha224', bytes: 28 },
  { hash: 'sha256', bytes: 32 },
  { hash: 'sha384', bytes: 48 },
  { hash: 'sha512', bytes: 64 },
];

/** Fixture: a known HMAC secret held exactly as `mode` holds generated ones. */
async function knownKey(t: TestHsm, mode: string, hash: MacHash, secret: Buffer): Promise<MacKeyRef> {
  const keyId = randomUUID();
  const materialId = randomBytes(32).toString('hex');
  const { pkcs11: p } = t.internals;
  const wrapped = await t.internals.withSession((s) => {
    const h = p.C_CreateObject(s, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
      { type: pkcs11js.CKA_VALUE, value: secret },
      { type: pkcs11js.CKA_TOKEN, value: mode === 'token' },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: mode !== 'token' },
      { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_VERIFY, value: true },
      { type: pkcs11js.CKA_ID, value: materialCkaId(keyId, materialId) },
    ]);
    if (mode === 'token') return undefined;
    try {
      return Buffer.from(p.C_WrapKey(s, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, t.internals.wellKnownKey('domain'), h, Buffer.alloc(256)));
    } finally {
      p.C_DestroyObject(s, h);
    }
  });
  return { keyId, materialId, wrapped, hash };
}

describe.each(MODES)('hsm.mac in %s mode', (mode) => {
  let t: TestHsm;
  const message = Buffer.from('message to authenticate');

  beforeAll(async () => {
    t = await createTestHsm(mode);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each(HASHES)('a generated $hash key MACs deterministically and VerifyMac round-trips', async ({ hash, bytes }) => {
    const keyId = randomUUID();
    const materialId = randomBytes(32).toString('hex');
    const g = await t.hsm.mac.generate(keyId, materialId, hash);
    expect(g.storage).toBe(mode);
    const ref: MacKeyRef = { keyId, materialId, wrapped: g.wrapped, hash };
    const mac = await t.hsm.mac.mac(ref, message);
    expect(mac).toHaveLength(bytes);
    expect(await t.hsm.mac.mac(ref, message)).toEqual(mac);
    expect(await t.hsm.mac.verify(ref, message, mac)).toBe(true);
    const flipped = Buffer.from(mac);
    flipped[bytes - 1]! ^= 0x01;
    expect(await t.hsm.mac.verify(ref, message, flipped)).toBe(false);
    const otherMessage = Buffer.from(message);
    otherMessage[0]! ^= 0x01;
    expect(await t.hsm.mac.verify(ref, otherMessage, mac)).toBe(false);
    expect(await t.hsm.mac.verify(ref, message, mac.subarray(0, bytes - 1))).toBe(false);
    expect(await t.hsm.mac.verify(ref, message, Buffer.concat([mac, Buffer.of(0)]))).toBe(false);
  });

  it.each(HASHES)('with known key material the $hash MAC equals node:crypto HMAC', async ({ hash, bytes }) => {
    // A 28-byte HMAC_224 secret is zero-padded to 32 by SoftHSM's KWP wrap; HMAC is unchanged.
    const secret = randomBytes(bytes);
    const ref = await knownKey(t, mode, hash, secret);
    const expected = createHmac(hash, secret).update(message).digest();
    expect(await t.hsm.mac.mac(ref, message)).toEqual(expected);
    expect(await t.hsm.mac.verify(ref, message, expected)).toBe(true);
  });

  it('two keys give different MACs over the same message', async () => {
    const refs: MacKeyRef[] = [];
    for (let i = 0; i < 2; i += 1) {
      const keyId = randomUUID();
      const materialId = randomBytes(32).toString('hex');
      const g = await t.hsm.mac.generate(keyId, materialId, 'sha256');
      refs.push({ keyId, materialId, wrapped: g.wrapped, hash: 'sha256' });
    }
    const [a, b] = await Promise.all(refs.map((r) => t.hsm.mac.mac(r, message)));
    expect(a).not.toEqual(b);
    expect(await t.hsm.mac.verify(refs[1]!, message, a!)).toBe(false);
  });
});
