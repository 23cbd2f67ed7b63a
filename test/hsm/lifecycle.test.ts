import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHsmWithInternals } from '../../src/hsm/index.js';
import { HsmKeyNotFoundError, type MaterialRef, type SealedData } from '../../src/kms/ports/hsm.js';
import { createTestHsm } from '../support/softhsm.js';
import { newMaterial } from './helpers.js';

const AAD = Buffer.from('lifecycle');

describe('destroyMaterial in token mode', () => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  beforeAll(async () => {
    t = await createTestHsm('token');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('destroys the token object so that open and seal fail with HsmKeyNotFoundError', async () => {
    const ref = await newMaterial(t.hsm);
    const sealed = await t.hsm.seal(ref, Buffer.from('gone soon'), AAD);
    await t.hsm.destroyMaterial(ref);
    await expect(t.hsm.open(ref, sealed, AAD)).rejects.toBeInstanceOf(HsmKeyNotFoundError);
    await expect(t.hsm.seal(ref, Buffer.from('x'), AAD)).rejects.toBeInstanceOf(HsmKeyNotFoundError);
  });

  it('treats destroying an absent material as done', async () => {
    const ref = await newMaterial(t.hsm);
    await t.hsm.destroyMaterial(ref);
    await expect(t.hsm.destroyMaterial(ref)).resolves.toBeUndefined();
  });

  it('leaves other materials of the same key untouched', async () => {
    const a = await newMaterial(t.hsm, 'same-key');
    const b = await newMaterial(t.hsm, 'same-key');
    await t.hsm.destroyMaterial(a);
    const sealed = await t.hsm.seal(b, Buffer.from('b'), AAD);
    expect((await t.hsm.open(b, sealed, AAD)).toString()).toBe('b');
  });

  it('labels and identifies token objects by key id and material id', async () => {
    const ref = await newMaterial(t.hsm, 'label-key');
    await t.internals.withMaterial(ref, (s, h) => {
      const [label, id] = t.internals.pkcs11.C_GetAttributeValue(s, h, [{ type: pkcs11js.CKA_LABEL }, { type: pkcs11js.CKA_ID }]);
      expect(label!.value.toString()).toBe(`sr:label-key:${ref.materialId.slice(0, 16)}`);
      expect(id!.value.toString()).toBe(`label-key/${ref.materialId}`);
    });
  });
});

describe('destroyMaterial in wrapped mode', () => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  beforeAll(async () => {
    t = await createTestHsm('wrapped');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('only drops the cached session object: the blob still unwraps (deleting the blob is the store\'s job)', async () => {
    const ref = await newMaterial(t.hsm);
    const sealed = await t.hsm.seal(ref, Buffer.from('still here'), AAD);
    const cached = t.internals.stats().cachedMaterials;
    await t.hsm.destroyMaterial(ref);
    expect(t.internals.stats().cachedMaterials).toBe(cached - 1);
    expect((await t.hsm.open(ref, sealed, AAD)).toString()).toBe('still here');
  });
});

describe('bounded handle cache in wrapped mode', () => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  beforeAll(async () => {
    t = await createTestHsm('wrapped', { handleCacheSize: 2 });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('keeps at most handleCacheSize unwrapped objects and destroys evicted ones', async () => {
    const refs: MaterialRef[] = [];
    const sealed: SealedData[] = [];
    for (let i = 0; i < 6; i += 1) {
      refs.push(await newMaterial(t.hsm));
      sealed.push(await t.hsm.seal(refs[i]!, Buffer.from(`v${i}`), AAD));
    }
    expect(t.internals.stats().cachedMaterials).toBe(2);
    const sessionObjects = await t.internals.withSession((s) => {
      const p = t.internals.pkcs11;
      p.C_FindObjectsInit(s, [{ type: pkcs11js.CKA_TOKEN, value: false }]);
      try {
        return p.C_FindObjects(s, 100).length;
      } finally {
        p.C_FindObjectsFinal(s);
      }
    });
    expect(sessionObjects).toBe(2);
    // Concurrent use across more materials than the cache holds still works (leases defer destroy).
    const opened = await Promise.all(refs.map((r, i) => t.hsm.open(r, sealed[i]!, AAD)));
    expect(opened.map((b) => b.toString())).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
  });
});

describe.each(['token', 'wrapped'] as const)('restart persistence in %s mode', (mode) => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  beforeAll(async () => {
    t = await createTestHsm(mode);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('opens data sealed before a restart over the same token', async () => {
    const refs = [await newMaterial(t.hsm), await newMaterial(t.hsm), await newMaterial(t.hsm)];
    const sealed = await Promise.all(refs.map((r, i) => t.hsm.seal(r, Buffer.from(`persist-${i}`), AAD)));
    const service = await t.hsm.sealServiceSecret(Buffer.from('svc'), AAD);
    await t.hsm.close();

    const second = await createHsmWithInternals(t.config);
    try {
      // token mode: the three materials are found by the single start-up pass, before any use.
      if (mode === 'token') expect(second.internals.stats().cachedMaterials).toBe(3);
      const opened = await Promise.all(refs.map((r, i) => second.hsm.open(r, sealed[i]!, AAD)));
      expect(opened.map((b) => b.toString())).toEqual(['persist-0', 'persist-1', 'persist-2']);
      expect((await second.hsm.openServiceSecret(service, AAD)).toString()).toBe('svc');
    } finally {
      await second.hsm.close();
    }
  });
});
