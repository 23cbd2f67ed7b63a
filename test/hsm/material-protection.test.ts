import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11 } from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ckrOf } from '../../src/hsm/errors.js';
import type { MaterialRef } from '../../src/kms/ports/hsm.js';
import { createTestHsm } from '../support/softhsm.js';
import { MODES, newMaterial } from './helpers.js';

/** The CKR name a raw pkcs11js call fails with (or 'ok'). */
function ckrName(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return ckrOf(e)?.name ?? String(e);
  }
}

function sessionObjects(p: PKCS11, session: Handle): Handle[] {
  p.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_TOKEN, value: false },
  ]);
  try {
    return p.C_FindObjects(session, 10_000);
  } finally {
    p.C_FindObjectsFinal(session);
  }
}

function extractableKeys(p: PKCS11, session: Handle): Handle[] {
  p.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_EXTRACTABLE, value: true },
  ]);
  try {
    return p.C_FindObjects(session, 10_000);
  } finally {
    p.C_FindObjectsFinal(session);
  }
}

/** A throwaway AES key that may wrap: proves the material refuses to leave, not the wrapper. */
function wrappingKey(p: PKCS11, session: Handle): Handle {
  return p.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_WRAP, value: true },
  ]);
}

describe.each(MODES)('key material protection in %s mode', (mode) => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  let ref: MaterialRef;

  beforeAll(async () => {
    t = await createTestHsm(mode);
    ref = await newMaterial(t.hsm);
    await t.hsm.seal(ref, Buffer.from('warm the cache'), Buffer.alloc(0));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('marks the in-use material CKA_SENSITIVE=1, CKA_EXTRACTABLE=0 and derive-only', async () => {
    const attrs = await t.internals.inspectMaterial(ref);
    expect(attrs).toMatchObject({ sensitive: true, extractable: false, derive: true, encrypt: false, decrypt: false, wrap: false, unwrap: false, private: true });
    expect(attrs.token).toBe(mode === 'token');
    // Generated inside the token and never extractable: the token itself vouches for it.
    if (mode === 'token') expect(attrs).toMatchObject({ alwaysSensitive: true, neverExtractable: true });
  });

  it('refuses to reveal CKA_VALUE of the material with CKR_ATTRIBUTE_SENSITIVE', async () => {
    const result = await t.internals.withMaterial(ref, (s, h) => ckrName(() => t.internals.pkcs11.C_GetAttributeValue(s, h, [{ type: pkcs11js.CKA_VALUE }])));
    expect(result).toBe('CKR_ATTRIBUTE_SENSITIVE');
  });

  it('refuses to wrap the material under another AES key with CKR_KEY_UNEXTRACTABLE', async () => {
    const p = t.internals.pkcs11;
    const result = await t.internals.withMaterial(ref, (s, h) => {
      const wrapper = wrappingKey(p, s);
      try {
        return ckrName(() => p.C_WrapKey(s, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, wrapper, h, Buffer.alloc(64)));
      } finally {
        p.C_DestroyObject(s, wrapper);
      }
    });
    expect(result).toBe('CKR_KEY_UNEXTRACTABLE');
  });

  it('refuses to make the material extractable with CKR_ATTRIBUTE_READ_ONLY', async () => {
    // pkcs11js throws a plain Error "CKR_ATTRIBUTE_READ_ONLY:16" here (no code): errors.ts parses it.
    const result = await t.internals.withMaterial(ref, (s, h) =>
      ckrName(() => t.internals.pkcs11.C_SetAttributeValue(s, h, [{ type: pkcs11js.CKA_EXTRACTABLE, value: true }])),
    );
    expect(result).toBe('CKR_ATTRIBUTE_READ_ONLY');
  });

  it('keeps the service-secrets key non-extractable and encrypt/decrypt only', async () => {
    await t.internals.withSession((s) => {
      const h = t.internals.wellKnownKey('service');
      expect(t.internals.inspectKey(s, h)).toMatchObject({ token: true, sensitive: true, extractable: false, encrypt: true, decrypt: true, wrap: false, derive: false });
      expect(ckrName(() => t.internals.pkcs11.C_GetAttributeValue(s, h, [{ type: pkcs11js.CKA_VALUE }]))).toBe('CKR_ATTRIBUTE_SENSITIVE');
    });
  });

  it('leaves no extractable key and no derived key behind after generate, seal and open', async () => {
    for (let i = 0; i < 5; i += 1) {
      const r = await newMaterial(t.hsm);
      const sealed = await t.hsm.seal(r, Buffer.from('x'), Buffer.alloc(0));
      await t.hsm.open(r, sealed, Buffer.alloc(0));
    }
    await t.internals.withSession((s) => {
      expect(extractableKeys(t.internals.pkcs11, s)).toHaveLength(0);
      // wrapped: only the cached unwrapped materials; token: none (derived keys are destroyed).
      expect(sessionObjects(t.internals.pkcs11, s)).toHaveLength(mode === 'wrapped' ? t.internals.stats().cachedMaterials : 0);
    });
  });

  if (mode === 'wrapped') {
    it('keeps the domain key token-resident, non-extractable and wrap/unwrap only', async () => {
      const p = t.internals.pkcs11;
      await t.internals.withSession((s) => {
        const h = t.internals.wellKnownKey('domain');
        expect(t.internals.inspectKey(s, h)).toMatchObject({
          token: true, private: true, sensitive: true, extractable: false, alwaysSensitive: true, neverExtractable: true,
          wrap: true, unwrap: true, encrypt: false, decrypt: false, derive: false,
        });
        expect(ckrName(() => p.C_GetAttributeValue(s, h, [{ type: pkcs11js.CKA_VALUE }]))).toBe('CKR_ATTRIBUTE_SENSITIVE');
        expect(ckrName(() => p.C_WrapKey(s, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, h, h, Buffer.alloc(64)))).toBe('CKR_KEY_UNEXTRACTABLE');
        const wrapper = wrappingKey(p, s);
        try {
          expect(ckrName(() => p.C_WrapKey(s, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, wrapper, h, Buffer.alloc(64)))).toBe('CKR_KEY_UNEXTRACTABLE');
        } finally {
          p.C_DestroyObject(s, wrapper);
        }
      });
    });

    it('returns a 40-byte CKM_AES_KEY_WRAP_PAD blob that differs per material', async () => {
      expect(ref.wrapped).toHaveLength(40);
      expect(ref.wrapped!.equals((await newMaterial(t.hsm)).wrapped!)).toBe(false);
    });
  }
});
