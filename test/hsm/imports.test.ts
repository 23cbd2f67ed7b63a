/**
 * hsm.imports against a real SoftHSM token in both storage modes: wrapping keys generated in the
 * token, material wrapped by node:crypto exactly as a customer's tool would, unwrapped in the
 * token, proven to be the very material (node recomputes a seal made with it), and stored like
 * generated material.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  publicEncrypt,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HsmDecryptError, HsmKeyNotFoundError, HsmUnsupportedError, type MaterialRef } from '../../src/kms/ports/hsm.js';
import { HsmImportedMaterialError, type WrappingAlgorithm, type WrappingKeySpec } from '../../src/kms/ports/hsm-imports.js';
import { createTestHsm } from '../support/softhsm.js';
import { MODES } from './helpers.js';

type TestHsm = Awaited<ReturnType<typeof createTestHsm>>;
const ALGORITHMS: WrappingAlgorithm[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'];
const accept = async (): Promise<void> => {};

/** What a customer does with the public key (AWS developer guide, "Encrypt key material"). */
export function wrapForImport(spki: Buffer, algorithm: WrappingAlgorithm, material: Buffer): Buffer {
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const oaepHash = algorithm.endsWith('SHA_256') ? 'sha256' : 'sha1';
  const rsa = (data: Buffer) => publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, data);
  if (algorithm.startsWith('RSAES_OAEP')) return rsa(material);
  const kek = randomBytes(32);
  const kwp = createCipheriv('id-aes256-wrap-pad', kek, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([rsa(kek), kwp.update(material), kwp.final()]);
}

/** Node recomputes what the token sealed: the per-call key is AES-256-CBC(material, 0, nonce). */
function openInNode(material: Buffer, sealed: { nonce: Buffer; iv: Buffer; ciphertext: Buffer }, aad: Buffer): Buffer {
  const cbc = createCipheriv('aes-256-cbc', material, Buffer.alloc(16)).setAutoPadding(false);
  const key = Buffer.concat([cbc.update(sealed.nonce), cbc.final()]);
  const gcm = createDecipheriv('aes-256-gcm', key, sealed.iv).setAAD(aad);
  gcm.setAuthTag(sealed.ciphertext.subarray(-16));
  return Buffer.concat([gcm.update(sealed.ciphertext.subarray(0, -16)), gcm.final()]);
}

async function objectsWithId(t: TestHsm, id: Buffer): Promise<number> {
  return t.internals.withSession((s) => {
    const p = t.internals.pkcs11;
    p.C_FindObjectsInit(s, [{ type: pkcs11js.CKA_ID, value: id }]);
    try {
      return p.C_FindObjects(s, 100).length;
    } finally {
      p.C_FindObjectsFinal(s);
    }
  });
}

describe.each(MODES)('key-material import in %s mode', (mode) => {
  let t: TestHsm;
  const wrapping = new Map<WrappingAlgorithm, { id: string; spki: Buffer }>();

  beforeAll(async () => {
    t = await createTestHsm(mode);
    for (const algorithm of ALGORITHMS) {
      const id = randomUUID();
      wrapping.set(algorithm, { id, spki: await t.hsm.imports.createWrappingKey(id, 'RSA_2048', algorithm) });
    }
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function importMaterial(algorithm: WrappingAlgorithm, material: Buffer, keyId = randomUUID()) {
    const w = wrapping.get(algorithm)!;
    const req = { keyId, wrappingKeyId: w.id, algorithm, encryptedKeyMaterial: wrapForImport(w.spki, algorithm, material) };
    return { keyId, imported: await t.hsm.imports.importSymmetricMaterial(req, accept) };
  }

  it('returns the wrapping public key as DER SubjectPublicKeyInfo of the requested size', async () => {
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as WrappingKeySpec[]) {
      const spki = await t.hsm.imports.createWrappingKey(randomUUID(), spec, 'RSAES_OAEP_SHA_1');
      const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: Number(spec.slice(4)), publicExponent: 65537n });
    }
  }, 60_000);

  it.each(ALGORITHMS)('imports 256-bit material wrapped with %s; the token then seals with exactly that material', async (algorithm) => {
    const material = randomBytes(32);
    const { keyId, imported } = await importMaterial(algorithm, material);
    expect(imported.materialId).toMatch(/^[0-9a-f]{64}$/);
    expect(imported.wrapped === undefined).toBe(mode === 'token');
    if (mode === 'wrapped') expect(imported.wrapped).toHaveLength(40);
    const ref: MaterialRef = { keyId, materialId: imported.materialId, wrapped: imported.wrapped };
    const aad = Buffer.from('aad');
    const sealed = await t.hsm.seal(ref, Buffer.from('imported material at work'), aad);
    expect(openInNode(material, sealed, aad).toString()).toBe('imported material at work');
    expect((await t.hsm.open(ref, sealed, aad)).toString()).toBe('imported material at work');
  });

  it('derives the same material id for the same material and key, a different one otherwise', async () => {
    const material = randomBytes(32);
    const keyId = randomUUID();
    const a = await importMaterial('RSAES_OAEP_SHA_1', material, keyId);
    const b = await importMaterial('RSA_AES_KEY_WRAP_SHA_256', material, keyId);
    const otherKey = await importMaterial('RSAES_OAEP_SHA_1', material);
    const otherMaterial = await importMaterial('RSAES_OAEP_SHA_1', randomBytes(32), keyId);
    expect(b.imported.materialId).toBe(a.imported.materialId);
    expect(otherKey.imported.materialId).not.toBe(a.imported.materialId);
    expect(otherMaterial.imported.materialId).not.toBe(a.imported.materialId);
    if (mode === 'token') {
      // The second import of the same material kept the one token object.
      expect(await objectsWithId(t, Buffer.from(`${keyId}/${a.imported.materialId}`))).toBe(1);
    }
  });

  it('stores nothing when accept() refuses, and hands its error through unchanged', async () => {
    class Refused extends Error {}
    const w = wrapping.get('RSAES_OAEP_SHA_256')!;
    const keyId = randomUUID();
    let seen = '';
    const req = { keyId, wrappingKeyId: w.id, algorithm: 'RSAES_OAEP_SHA_256' as const, encryptedKeyMaterial: wrapForImport(w.spki, 'RSAES_OAEP_SHA_256', randomBytes(32)) };
    const refusing = async (id: string) => {
      seen = id;
      throw new Refused('different material');
    };
    await expect(t.hsm.imports.importSymmetricMaterial(req, refusing)).rejects.toBeInstanceOf(Refused);
    expect(seen).toMatch(/^[0-9a-f]{64}$/);
    expect(await objectsWithId(t, Buffer.from(`${keyId}/${seen}`))).toBe(0);
  });

  it.each(ALGORITHMS)('refuses material that is not 256 bits (%s) with HsmImportedMaterialError', async (algorithm) => {
    for (const length of [16, 24, 31, 33]) {
      await expect(importMaterial(algorithm, randomBytes(length))).rejects.toBeInstanceOf(HsmImportedMaterialError);
    }
  });

  it.each(ALGORITHMS)('refuses tampered or foreign ciphertext (%s) with HsmDecryptError', async (algorithm) => {
    const w = wrapping.get(algorithm)!;
    const other = wrapping.get(algorithm === 'RSAES_OAEP_SHA_1' ? 'RSAES_OAEP_SHA_256' : 'RSAES_OAEP_SHA_1')!;
    const good = wrapForImport(w.spki, algorithm, randomBytes(32));
    const tampered = Buffer.from(good);
    tampered[tampered.length - 1]! ^= 0x01;
    const foreign = wrapForImport(other.spki, algorithm, randomBytes(32));
    for (const encryptedKeyMaterial of [tampered, foreign, good.subarray(1), Buffer.alloc(good.length)]) {
      const req = { keyId: randomUUID(), wrappingKeyId: w.id, algorithm, encryptedKeyMaterial };
      await expect(t.hsm.imports.importSymmetricMaterial(req, accept)).rejects.toBeInstanceOf(HsmDecryptError);
    }
  });

  it('keeps imported token-mode material non-extractable and derive-only; leaves no extractable object behind', async () => {
    const { keyId, imported } = await importMaterial('RSA_AES_KEY_WRAP_SHA_1', randomBytes(32));
    const attrs = await t.internals.inspectMaterial({ keyId, materialId: imported.materialId, wrapped: imported.wrapped });
    expect(attrs).toMatchObject({ sensitive: true, extractable: false, derive: true, encrypt: false, decrypt: false, wrap: false, unwrap: false });
    expect(attrs.token).toBe(mode === 'token');
    await t.internals.withSession((s) => {
      const p = t.internals.pkcs11;
      p.C_FindObjectsInit(s, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }, { type: pkcs11js.CKA_EXTRACTABLE, value: true }]);
      try {
        expect(p.C_FindObjects(s, 100)).toHaveLength(0);
      } finally {
        p.C_FindObjectsFinal(s);
      }
    });
  });

  it('keeps the wrapping private key in the token, unwrap-only and never extractable; destroy removes it', async () => {
    const id = randomUUID();
    const spki = await t.hsm.imports.createWrappingKey(id, 'RSA_2048', 'RSAES_OAEP_SHA_1');
    const ckaId = Buffer.from(`strongroom/import/${id}`);
    expect(await objectsWithId(t, ckaId)).toBe(1); // the public half is gone already
    await t.internals.withSession((s) => {
      const p = t.internals.pkcs11;
      p.C_FindObjectsInit(s, [{ type: pkcs11js.CKA_ID, value: ckaId }]);
      const [h] = p.C_FindObjects(s, 1);
      p.C_FindObjectsFinal(s);
      const types = [pkcs11js.CKA_TOKEN, pkcs11js.CKA_SENSITIVE, pkcs11js.CKA_EXTRACTABLE, pkcs11js.CKA_UNWRAP, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_SIGN];
      const flags = p.C_GetAttributeValue(s, h!, types.map((type) => ({ type }))).map((a) => a.value![0]);
      expect(flags).toStrictEqual([1, 1, 0, 1, 0, 0]);
    });
    await t.hsm.imports.destroyWrappingKey(id);
    await t.hsm.imports.destroyWrappingKey(id); // absent is fine
    expect(await objectsWithId(t, ckaId)).toBe(0);
    const req = { keyId: randomUUID(), wrappingKeyId: id, algorithm: 'RSAES_OAEP_SHA_1' as const, encryptedKeyMaterial: wrapForImport(spki, 'RSAES_OAEP_SHA_1', randomBytes(32)) };
    await expect(t.hsm.imports.importSymmetricMaterial(req, accept)).rejects.toBeInstanceOf(HsmKeyNotFoundError);
  });
});

describe('key-material import with software OAEP switched off', () => {
  let t: TestHsm;
  beforeAll(async () => {
    t = await createTestHsm('wrapped', { softwareOaep: false });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('refuses SHA-256 wrapping algorithms on a token without native OAEP-SHA-256, creating nothing', async () => {
    expect(t.hsm.imports.capabilities.softwareOaep).toBe(false);
    for (const algorithm of ['RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_256'] as const) {
      const id = randomUUID();
      const err = await t.hsm.imports.createWrappingKey(id, 'RSA_2048', algorithm).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HsmUnsupportedError);
      expect((err as Error).message).toContain('STRONGROOM_HSM_SOFTWARE_OAEP=off');
      expect(await objectsWithId(t, Buffer.from(`strongroom/import/${id}`))).toBe(0);
    }
  });

  it('still imports with the SHA-1 algorithms, entirely inside the token', async () => {
    for (const algorithm of ['RSAES_OAEP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_1'] as const) {
      const id = randomUUID();
      const spki = await t.hsm.imports.createWrappingKey(id, 'RSA_2048', algorithm);
      const req = { keyId: randomUUID(), wrappingKeyId: id, algorithm, encryptedKeyMaterial: wrapForImport(spki, algorithm, randomBytes(32)) };
      expect((await t.hsm.imports.importSymmetricMaterial(req, accept)).materialId).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
