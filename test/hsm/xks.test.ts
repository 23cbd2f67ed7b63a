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

describe.each(MODES)('hsm.xks in %s mode', (mode) => {
  let t: TestHsm;
  let ref: MaterialRef;
  const cm = Buffer.concat([Buffer.from([1, 0, 1]), randomBytes(16)]);
  const nonce = cm.subarray(3);

  beforeAll(async () => {
    t = await createTestHsm(mode);
    ref = await newMaterial(t.hsm, 'xks:tenant:key-1');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each([1, 32, 4300])('round-trips %i bytes: 12-byte IV, 16-byte tag, ciphertext as long as the plaintext', async (size) => {
    const plaintext = randomBytes(size);
    const aad = xksGcmAad(randomBytes(8192), cm);
    const sealed = await t.hsm.xks.encrypt(ref, nonce, plaintext, aad);
    expect(sealed.iv.length).toBe(12);
    expect(sealed.tag.length).toBe(16);
    expect(sealed.ciphertext.length).toBe(size);
    if (size > 1) expect(sealed.ciphertext.equals(plaintext)).toBe(false);
    expect((await t.hsm.xks.decrypt(ref, nonce, sealed, aad)).equals(plaintext)).toBe(true);
  });

  it('draws a fresh IV for every call', async () => {
    const aad = xksGcmAad(undefined, cm);
    const ivs = new Set<string>();
    for (let i = 0; i < 20; i++) ivs.add((await t.hsm.xks.encrypt(ref, nonce, Buffer.from('x'), aad)).iv.toString('hex'));
    expect(ivs.size).toBe(20);
  });

  describe('authentication', () => {
    let sealed: XksSealed;
    const aad = xksGcmAad(Buffer.from('project=nile'), cm);
    beforeAll(async () => {
      sealed = await t.hsm.xks.encrypt(ref, nonce, Buffer.from('secret data key'), aad);
    });

    it.each([
      ['ciphertext', (s: XksSealed) => ({ ...s, ciphertext: flipByte(s.ciphertext) })],
      ['IV', (s: XksSealed) => ({ ...s, iv: flipByte(s.iv, -1) })],
      ['tag', (s: XksSealed) => ({ ...s, tag: flipByte(s.tag, 7) })],
    ])('refuses a changed %s with HsmDecryptError', async (_what, change) => {
      await expect(t.hsm.xks.decrypt(ref, nonce, change(sealed), aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });

    it('refuses a changed AAD', async () => {
      await expect(t.hsm.xks.decrypt(ref, nonce, sealed, xksGcmAad(Buffer.from('project=blue'), cm))).rejects.toBeInstanceOf(HsmDecryptError);
    });

    it('refuses another derivation nonce (the one-time key differs)', async () => {
      await expect(t.hsm.xks.decrypt(ref, flipByte(nonce), sealed, aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });

    it('refuses another material', async () => {
      const other = await newMaterial(t.hsm, 'xks:tenant:key-2');
      await expect(t.hsm.xks.decrypt(other, nonce, sealed, aad)).rejects.toBeInstanceOf(HsmDecryptError);
    });

    it('refuses the metadata moved into the AAD position', async () => {
      const made = await t.hsm.xks.encrypt(ref, nonce, Buffer.from('k'), xksGcmAad(undefined, cm));
      await expect(t.hsm.xks.decrypt(ref, nonce, made, xksGcmAad(cm, undefined))).rejects.toBeInstanceOf(HsmDecryptError);
      expect((await t.hsm.xks.decrypt(ref, nonce, made, xksGcmAad(undefined, cm))).toString()).toBe('k');
    });
  });

  it('refuses empty plaintexts and nonces of the wrong size before touching the token', async () => {
    await expect(t.hsm.xks.encrypt(ref, nonce, Buffer.alloc(0), Buffer.alloc(3))).rejects.toBeInstanceOf(RangeError);
    await expect(t.hsm.xks.encrypt(ref, randomBytes(32), Buffer.from('x'), Buffer.alloc(3))).rejects.toBeInstanceOf(RangeError);
  });

  it('destroys its one-time keys: no session objects are left behind', async () => {
    const sessionKeys = [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }, { type: pkcs11js.CKA_TOKEN, value: false }];
    const before = (await find(t, sessionKeys)).length;
    const aad = xksGcmAad(undefined, cm);
    for (let i = 0; i < 10; i++) {
      const s = await t.hsm.xks.encrypt(ref, nonce, Buffer.from('x'), aad);
      await t.hsm.xks.decrypt(ref, nonce, s, aad);
      await t.hsm.xks.decrypt(ref, nonce, { ...s, tag: flipByte(s.tag) }, aad).catch(() => {});
    }
    expect((await find(t, sessionKeys)).length).toBe(before);
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
