/**
 * Asymmetric private keys and HMAC secrets never leave the token, in both storage modes: the
 * objects in use (token objects, or the session copies unwrapped from the domain-key blob) are
 * CKA_SENSITIVE and non-extractable, refuse to reveal their secret attributes and refuse to be
 * wrapped, and no extractable copy outlives key generation. destroyMaterial removes them.
 */
import { createECDH, createHash, randomBytes, randomUUID } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11, Template } from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ckrOf } from '../../src/hsm/errors.js';
import { materialCkaId } from '../../src/hsm/templates.js';
import type { KeyPairParams, PrivateKeyRef, SignatureScheme } from '../../src/kms/ports/hsm-asymmetric.js';
import type { MacKeyRef } from '../../src/kms/ports/hsm-mac.js';
import { createTestHsm } from '../support/softhsm.js';
import { MODES } from './helpers.js';

type TestHsm = Awaited<ReturnType<typeof createTestHsm>>;

function ckrName(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return ckrOf(e)?.name ?? String(e);
  }
}

function find(p: PKCS11, session: Handle, template: Template): Handle[] {
  p.C_FindObjectsInit(session, template);
  try {
    return p.C_FindObjects(session, 1000);
  } finally {
    p.C_FindObjectsFinal(session);
  }
}

function bool(p: PKCS11, session: Handle, handle: Handle, type: number): boolean {
  return p.C_GetAttributeValue(session, handle, [{ type }])[0]!.value[0] === 1;
}

/** A throwaway AES key that may wrap: proves the key refuses to leave, not the wrapper. */
function wrappingKey(p: PKCS11, session: Handle): Handle {
  return p.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_WRAP, value: true },
  ]);
}

function schemeFor(params: KeyPairParams): SignatureScheme {
  if (params.kind === 'rsa') return { kind: 'rsa-pss', hash: 'sha256' };
  return params.kind === 'ec' ? { kind: 'ecdsa' } : { kind: 'ed25519' };
}

const PAIRS: Array<{ name: string; params: KeyPairParams; secret: number }> = [
  { name: 'RSA-2048', params: { kind: 'rsa', bits: 2048 }, secret: pkcs11js.CKA_PRIVATE_EXPONENT },
  { name: 'P-256', params: { kind: 'ec', curve: 'P-256' }, secret: pkcs11js.CKA_VALUE },
  { name: 'P-384', params: { kind: 'ec', curve: 'P-384' }, secret: pkcs11js.CKA_VALUE },
  { name: 'P-521', params: { kind: 'ec', curve: 'P-521' }, secret: pkcs11js.CKA_VALUE },
  { name: 'secp256k1', params: { kind: 'ec', curve: 'secp256k1' }, secret: pkcs11js.CKA_VALUE },
  { name: 'Ed25519', params: { kind: 'ed25519' }, secret: pkcs11js.CKA_VALUE },
];

describe.each(MODES)('key object protection in %s mode', (mode) => {
  let t: TestHsm;
  const refs = new Map<string, PrivateKeyRef>();
  let macRef: MacKeyRef;
  const digest = createHash('sha256').update('warm the cache').digest();

  beforeAll(async () => {
    t = await createTestHsm(mode);
    for (const { name, params } of PAIRS) {
      const keyId = randomUUID();
      const materialId = randomBytes(32).toString('hex');
      const g = await t.hsm.asymmetric.generateKeyPair(keyId, materialId, params, 'sign');
      const ref: PrivateKeyRef = { keyId, materialId, wrapped: g.wrapped, params, usage: 'sign' };
      // Use it once, so wrapped mode has its unwrapped session copy in the cache.
      await t.hsm.asymmetric.sign(ref, schemeFor(params), digest);
      refs.set(name, ref);
    }
    // An ECDH derive makes a shared-secret object in the token; the sweep below shows it is gone.
    const agreeKeyId = randomUUID();
    const agreeMaterialId = randomBytes(32).toString('hex');
    const agreeParams: KeyPairParams = { kind: 'ec', curve: 'P-256' };
    const agree = await t.hsm.asymmetric.generateKeyPair(agreeKeyId, agreeMaterialId, agreeParams, 'derive');
    const peer = createECDH('prime256v1');
    peer.generateKeys();
    const shared = await t.hsm.asymmetric.deriveSharedSecret(
      { keyId: agreeKeyId, materialId: agreeMaterialId, wrapped: agree.wrapped, params: agreeParams, usage: 'derive' },
      peer.getPublicKey(),
    );
    expect(shared.length).toBe(32);
    const keyId = randomUUID();
    const materialId = randomBytes(32).toString('hex');
    const g = await t.hsm.mac.generate(keyId, materialId, 'sha384');
    macRef = { keyId, materialId, wrapped: g.wrapped, hash: 'sha384' };
    await t.hsm.mac.mac(macRef, Buffer.from('warm'));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each(PAIRS)('the $name private key in use is sensitive, non-extractable and sign-only', async ({ name, secret }) => {
    const ref = refs.get(name)!;
    await t.internals.withSession((s) => {
      const { pkcs11: p } = t.internals;
      const objects = find(p, s, [{ type: pkcs11js.CKA_ID, value: materialCkaId(ref.keyId, ref.materialId) }]);
      // Exactly one object: the private key (public halves are never kept; no ephemeral survives).
      expect(objects).toHaveLength(1);
      const h = objects[0]!;
      expect(p.C_GetAttributeValue(s, h, [{ type: pkcs11js.CKA_CLASS }])[0]!.value.readUInt32LE(0)).toBe(pkcs11js.CKO_PRIVATE_KEY);
      expect(bool(p, s, h, pkcs11js.CKA_TOKEN)).toBe(ref.wrapped === undefined);
      expect(bool(p, s, h, pkcs11js.CKA_SENSITIVE)).toBe(true);
      expect(bool(p, s, h, pkcs11js.CKA_EXTRACTABLE)).toBe(false);
      expect(bool(p, s, h, pkcs11js.CKA_SIGN)).toBe(true);
      expect(bool(p, s, h, pkcs11js.CKA_DECRYPT)).toBe(false);
      expect(bool(p, s, h, pkcs11js.CKA_DERIVE)).toBe(false);
      if (ref.wrapped === undefined) expect(bool(p, s, h, pkcs11js.CKA_NEVER_EXTRACTABLE)).toBe(true);
      expect(ckrName(() => p.C_GetAttributeValue(s, h, [{ type: secret }]))).toBe('CKR_ATTRIBUTE_SENSITIVE');
      const wrapper = wrappingKey(p, s);
      try {
        expect(ckrName(() => p.C_WrapKey(s, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, wrapper, h, Buffer.alloc(8192)))).toBe('CKR_KEY_UNEXTRACTABLE');
        expect(ckrName(() => p.C_WrapKey(s, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, t.internals.wellKnownKey('service'), h, Buffer.alloc(8192)))).not.toBe('ok');
      } finally {
        p.C_DestroyObject(s, wrapper);
      }
      expect(ckrName(() => p.C_SetAttributeValue(s, h, [{ type: pkcs11js.CKA_EXTRACTABLE, value: true }]))).toBe('CKR_ATTRIBUTE_READ_ONLY');
    });
  });

  it('stores RSA and EC private keys as domain-key blobs in wrapped mode, Ed25519 in the token', () => {
    expect(refs.get('RSA-2048')!.wrapped !== undefined).toBe(mode === 'wrapped');
    expect(refs.get('P-256')!.wrapped !== undefined).toBe(mode === 'wrapped');
    expect(refs.get('Ed25519')!.wrapped).toBeUndefined();
  });

  it('the HMAC secret in use is sensitive, non-extractable and sign/verify-only', async () => {
    await t.internals.withSession((s) => {
      const { pkcs11: p } = t.internals;
      const [h, ...rest] = find(p, s, [{ type: pkcs11js.CKA_ID, value: materialCkaId(macRef.keyId, macRef.materialId) }]);
      expect(rest).toHaveLength(0);
      expect(bool(p, s, h!, pkcs11js.CKA_SENSITIVE)).toBe(true);
      expect(bool(p, s, h!, pkcs11js.CKA_EXTRACTABLE)).toBe(false);
      expect(bool(p, s, h!, pkcs11js.CKA_SIGN)).toBe(true);
      expect(bool(p, s, h!, pkcs11js.CKA_ENCRYPT)).toBe(false);
      expect(bool(p, s, h!, pkcs11js.CKA_DERIVE)).toBe(false);
      expect(ckrName(() => p.C_GetAttributeValue(s, h!, [{ type: pkcs11js.CKA_VALUE }]))).toBe('CKR_ATTRIBUTE_SENSITIVE');
      const wrapper = wrappingKey(p, s);
      try {
        expect(ckrName(() => p.C_WrapKey(s, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, wrapper, h!, Buffer.alloc(256)))).toBe('CKR_KEY_UNEXTRACTABLE');
      } finally {
        p.C_DestroyObject(s, wrapper);
      }
    });
  });

  it('leaves no extractable private or secret key object behind', async () => {
    await t.internals.withSession((s) => {
      const { pkcs11: p } = t.internals;
      for (const cls of [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_SECRET_KEY]) {
        expect(find(p, s, [{ type: pkcs11js.CKA_CLASS, value: cls }, { type: pkcs11js.CKA_EXTRACTABLE, value: true }])).toHaveLength(0);
      }
      expect(find(p, s, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }])).toHaveLength(0);
    });
  });

  it('destroyMaterial removes the key objects; the key can no longer be used', async () => {
    for (const { name } of PAIRS) {
      const ref = refs.get(name)!;
      await t.hsm.destroyMaterial(ref);
      const left = await t.internals.withSession((s) =>
        find(t.internals.pkcs11, s, [
          { type: pkcs11js.CKA_ID, value: materialCkaId(ref.keyId, ref.materialId) },
          { type: pkcs11js.CKA_TOKEN, value: true },
        ]),
      );
      expect(left).toHaveLength(0);
      if (ref.wrapped === undefined) {
        await expect(t.hsm.asymmetric.sign(ref, schemeFor(ref.params), digest)).rejects.toThrow();
      }
    }
    await t.hsm.destroyMaterial(macRef);
    if (macRef.wrapped === undefined) await expect(t.hsm.mac.mac(macRef, Buffer.from('x'))).rejects.toThrow();
  });
});
