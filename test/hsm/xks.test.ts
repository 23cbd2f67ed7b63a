/**
 * hsm.xks against a real SoftHSM token in both storage modes: AES-256-GCM under external-key
 * materials with per-call derived keys, the spec's AAD layout, and the dedicated health key.
 */
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HsmDecryptError, type MaterialRef } from '../../src/kms/ports/hsm.js';
import type { XksSealed } from '../../src/kms/ports/hsm-xks.js';
import { xksGcmAad } from '../../src/kms/xks/ciphertext-metadata.js';
import { createTestHsm } from '../support/softhsm.js';
import { MODES, flipByte, newMaterial } from './helpers.js';

type TestHsm = Awaited<ReturnType<typeof createTestHsm>>;

function find(t: TestHsm, template: pkcs11js.Template): Promise<Handle[]> {
  return t.internals.withSession((s) => {
    const p = t.internals.pkcs11;
    p.C_FindObjectsInit(s, template);
    try {
      return p.C_FindObjects(s, 1000);
    } finally {
      p.C_FindObjectsFinal(s);
    }
  });
}

/** What the XKS Encrypt operation does: metadata (format 2) with the token's nonce, bound into the AAD. */
async function encryptXks(t: TestHsm, ref: MaterialRef, plaintext: Buffer, userAad?: Buffer) {
  let cm = Buffer.alloc(0);
  const sealed = await t.hsm.xks.encrypt(ref, plaintext, (nonce) => {
    cm = Buffer.concat([Buffer.from([2, 0, 1]), nonce]);
    return xksGcmAad(userAad, cm);
  });
  return { sealed, cm, aad: xksGcmAad(userAad, cm), derivation: { scheme: 'per-nonce' as const, nonce: sealed.nonce } };
}

const SESSION_KEYS = [
  { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
  { type: pkcs11js.CKA_TOKEN, value: false },
];

describe.each(MODES)('hsm.xks in %s mode', (mode) => {
  let t: TestHsm;
  let ref: MaterialRef;

  beforeAll(async () => {
    t = await createTestHsm(mode);
    ref = await newMaterial(t.hsm, 'xks:tenant:key-1');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each([1, 32, 4300])('round-trips %i bytes: 16-byte nonce, 12-byte IV, 16-byte tag, ciphertext as long as the plaintext', async (size) => {
    const plaintext = randomBytes(size);
    const { sealed, aad, derivation } = await encryptXks(t, ref, plaintext, randomBytes(8192));
    expect(sealed.nonce.length).toBe(16);
    expect(sealed.iv.length).toBe(12);
    expect(sealed.tag.length).toBe(16);
    expect(sealed.ciphertext.length).toBe(size);
    if (size > 1) expect(sealed.ciphertext.equals(plaintext)).toBe(false);
    expect((await t.hsm.xks.decrypt(ref, derivation, sealed, aad)).equals(plaintext)).toBe(true);
  });

  it('reuses one per-nonce key with a fresh IV for every call, and a different key per material', async () => {
    const ivs = new Set<string>();
    const nonces = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { sealed } = await encryptXks(t, ref, Buffer.from('x'));
      ivs.add(sealed.iv.toString('hex'));
      nonces.add(sealed.nonce.toString('hex'));
    }
    expect(ivs.size).toBe(20);
    expect(nonces.size).toBe(1);
    const other = await newMaterial(t.hsm, 'xks:tenant:key-3');
    const { sealed } = await encryptXks(t, other, Buffer.from('x'));
    expect(nonces.has(sealed.nonce.toString('hex'))).toBe(false);
  });

  describe('authentication', () => {
    let made: Awaited<ReturnType<typeof encryptXks>>;
    beforeAll(async () => {
      made = await encryptXks(t, ref, Buffer.from('secret data key'), Buffer.from('project=nile'));
    });

    it.each([
      ['ciphertext', (s: XksSealed) => ({ ...s, ciphertext: flipByte(s.ciphertext) })],
      ['IV', (s: XksSealed) => ({ ...s, iv: flipByte(s.iv, -1) })],
      ['tag', (s: XksSealed) => ({ ...s, tag: flipByte(s.tag, 7) })],
    ])('refuses a changed %s with HsmDecryptError', async (_what, change) => {
      await expect(t.hsm.xks.decrypt(ref, made.derivation, change(made.sealed), made.aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });

    it('refuses a changed AAD', async () => {
      const aad = xksGcmAad(Buffer.from('project=blue'), made.cm);
      await expect(t.hsm.xks.decrypt(ref, made.derivation, made.sealed, aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });

    it('refuses another derivation nonce or the other derivation scheme (the key differs)', async () => {
      const { nonce } = made.derivation;
      await expect(t.hsm.xks.decrypt(ref, { scheme: 'per-nonce', nonce: flipByte(nonce) }, made.sealed, made.aad)).rejects.toBeInstanceOf(HsmDecryptError);
      await expect(t.hsm.xks.decrypt(ref, { scheme: 'per-call', nonce }, made.sealed, made.aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });

    it('refuses another material', async () => {
      const other = await newMaterial(t.hsm, 'xks:tenant:key-2');
      await expect(t.hsm.xks.decrypt(other, made.derivation, made.sealed, made.aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });

    it('refuses the metadata moved into the AAD position', async () => {
      const k = await encryptXks(t, ref, Buffer.from('k'));
      await expect(t.hsm.xks.decrypt(ref, k.derivation, k.sealed, xksGcmAad(k.cm, undefined))).rejects.toBeInstanceOf(HsmDecryptError);
      expect((await t.hsm.xks.decrypt(ref, k.derivation, k.sealed, k.aad)).toString()).toBe('k');
    });
  });

  it('decrypts format-1 ciphertexts: a one-time key derived from nonce ‖ IV ‖ "xks1", made here with raw PKCS#11', async () => {
    const nonce = randomBytes(16);
    const iv = randomBytes(12);
    const aad = xksGcmAad(Buffer.from('legacy'), Buffer.concat([Buffer.from([1, 0, 1]), nonce]));
    const plaintext = Buffer.from('written by an earlier build');
    const out = await t.internals.withMaterial(ref, (session, material) => {
      const p = t.internals.pkcs11;
      const parameter: pkcs11js.AesCBC = { type: pkcs11js.CK_PARAMS_AES_CBC, iv: Buffer.alloc(16), data: Buffer.concat([nonce, iv, Buffer.from('xks1')]) };
      const key = p.C_DeriveKey(session, { mechanism: pkcs11js.CKM_AES_CBC_ENCRYPT_DATA, parameter }, material, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
        { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
        { type: pkcs11js.CKA_TOKEN, value: false },
        { type: pkcs11js.CKA_ENCRYPT, value: true },
      ]);
      try {
        const gcm: pkcs11js.GcmParams = { type: pkcs11js.CK_PARAMS_GCM, iv, ivBits: 96, aad, tagBits: 128 };
        p.C_EncryptInit(session, { mechanism: pkcs11js.CKM_AES_GCM, parameter: gcm }, key);
        return Buffer.from(p.C_Encrypt(session, plaintext, Buffer.alloc(plaintext.length + 16)));
      } finally {
        p.C_DestroyObject(session, key);
      }
    });
    const sealed = { iv, ciphertext: out.subarray(0, plaintext.length), tag: out.subarray(plaintext.length) };
    expect((await t.hsm.xks.decrypt(ref, { scheme: 'per-call', nonce }, sealed, aad)).equals(plaintext)).toBe(true);
    await expect(t.hsm.xks.decrypt(ref, { scheme: 'per-nonce', nonce }, sealed, aad)).rejects.toBeInstanceOf(HsmDecryptError);
  });

  it('refuses empty plaintexts and nonces of the wrong size before touching the token', async () => {
    await expect(t.hsm.xks.encrypt(ref, Buffer.alloc(0), () => Buffer.alloc(3))).rejects.toBeInstanceOf(RangeError);
    const { sealed, aad } = await encryptXks(t, ref, Buffer.from('x'));
    await expect(t.hsm.xks.decrypt(ref, { scheme: 'per-nonce', nonce: randomBytes(32) }, sealed, aad)).rejects.toBeInstanceOf(RangeError);
  });

  it('keeps one sensitive, non-extractable encrypt/decrypt-only session key per material; one-time keys leave nothing behind', async () => {
    const material = await newMaterial(t.hsm, 'xks:tenant:objects');
    const encryptKeys = [...SESSION_KEYS, { type: pkcs11js.CKA_ENCRYPT, value: true }];
    const hex = (hs: Handle[]) => new Set(hs.map((h) => h.toString('hex')));
    const before = hex(await find(t, SESSION_KEYS));
    const encryptBefore = hex(await find(t, encryptKeys));
    await encryptXks(t, material, Buffer.from('x'));
    const added = (await find(t, encryptKeys)).filter((h) => !encryptBefore.has(h.toString('hex')));
    expect(added).toHaveLength(1);
    const attrs = await t.internals.withSession((s) => t.internals.inspectKey(s, added[0]!));
    expect(attrs).toMatchObject({ token: false, sensitive: true, extractable: false, encrypt: true, decrypt: true, derive: false, wrap: false, unwrap: false });
    for (let i = 0; i < 10; i++) {
      const m = await encryptXks(t, material, Buffer.from('x'));
      await t.hsm.xks.decrypt(material, m.derivation, m.sealed, m.aad);
      await t.hsm.xks.decrypt(material, m.derivation, { ...m.sealed, tag: flipByte(m.sealed.tag) }, m.aad).catch(() => {});
      // A nonce this process holds no key for: a one-time key, destroyed after the call.
      await t.hsm.xks.decrypt(material, { scheme: 'per-nonce', nonce: randomBytes(16) }, m.sealed, m.aad).catch(() => {});
    }
    // The per-nonce key, and in wrapped mode the unwrapped (derive-only) material copy.
    expect((await find(t, SESSION_KEYS)).length).toBe(before.size + (mode === 'wrapped' ? 2 : 1));
    await t.hsm.destroyMaterial(material);
    expect((await find(t, SESSION_KEYS)).length).toBe(before.size);
  });

  it('health: a deep round trip on one dedicated, derive-only, non-extractable token key', async () => {
    const h = await t.hsm.xks.health();
    expect(h).toMatchObject({ ok: true, busy: false, tokenLabel: 'strongroom-test', manufacturer: 'SoftHSM project' });
    expect(h.serialNumber).toMatch(/\S+/);
    expect(h.elapsedMs).toBeGreaterThan(0);
    await t.hsm.xks.health();
    const keys = await find(t, [{ type: pkcs11js.CKA_LABEL, value: 'strongroom-xks-health' }]);
    expect(keys).toHaveLength(1);
    const attrs = await t.internals.withSession((s) => t.internals.inspectKey(s, keys[0]!));
    expect(attrs).toMatchObject({ token: true, sensitive: true, extractable: false, derive: true, encrypt: false, decrypt: false, wrap: false });
  });
});

describe.each(MODES)('hsm.xks in %s mode when the per-nonce key is no longer held (cache of one)', (mode) => {
  let t: TestHsm;
  beforeAll(async () => {
    t = await createTestHsm(mode, { handleCacheSize: 1 });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('decrypts with a one-time copy derived from the nonce, and destroys that copy', async () => {
    const a = await newMaterial(t.hsm, 'xks:tenant:a');
    const b = await newMaterial(t.hsm, 'xks:tenant:b');
    const made = await encryptXks(t, a, Buffer.from('under a'), Buffer.from('ctx'));
    const other = await encryptXks(t, b, Buffer.from('under b')); // evicts a's per-nonce key
    const decryptKeys = [...SESSION_KEYS, { type: pkcs11js.CKA_DECRYPT, value: true }];
    const held = (await find(t, decryptKeys)).length;
    expect((await t.hsm.xks.decrypt(a, made.derivation, made.sealed, made.aad)).toString()).toBe('under a');
    await expect(t.hsm.xks.decrypt(a, made.derivation, { ...made.sealed, tag: flipByte(made.sealed.tag) }, made.aad)).rejects.toBeInstanceOf(HsmDecryptError);
    expect((await find(t, decryptKeys)).length).toBe(held);
    expect((await t.hsm.xks.decrypt(b, other.derivation, other.sealed, other.aad)).toString()).toBe('under b');
  });
});

describe('hsm.xks health when the token has no free session', () => {
  let t: TestHsm;
  beforeAll(async () => {
    t = await createTestHsm('wrapped', { sessionPoolSize: 1, sessionWaitMs: 100 });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('reports busy (a dependency timeout) instead of throwing', async () => {
    let release!: () => void;
    const held = t.internals.withSession(() => new Promise<void>((r) => (release = r)));
    const h = await t.hsm.xks.health();
    release();
    await held;
    expect(h).toMatchObject({ ok: false, busy: true });
    expect(h.detail).toMatch(/HsmBusyError/);
    expect((await t.hsm.xks.health()).ok).toBe(true);
  });
});
