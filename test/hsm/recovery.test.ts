import pkcs11js from 'pkcs11js';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HsmUnavailableError, type MaterialRef, type SealedData } from '../../src/kms/ports/hsm.js';
import { createTestHsm } from '../support/softhsm.js';
import { MODES, newMaterial } from './helpers.js';

const AAD = Buffer.from('recovery');

describe.each(MODES)('recovery without a restart in %s mode', (mode) => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  let ref: MaterialRef;
  let sealedBefore: SealedData;
  let serviceBefore: Buffer;

  beforeAll(async () => {
    t = await createTestHsm(mode, { sessionPoolSize: 4 });
    ref = await newMaterial(t.hsm);
    sealedBefore = await t.hsm.seal(ref, Buffer.from('before'), AAD);
    serviceBefore = await t.hsm.sealServiceSecret(Buffer.from('svc'), AAD);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function expectWorking(): Promise<void> {
    expect((await t.hsm.open(ref, sealedBefore, AAD)).toString()).toBe('before');
    const sealed = await t.hsm.seal(ref, Buffer.from('after'), AAD);
    expect((await t.hsm.open(ref, sealed, AAD)).toString()).toBe('after');
    expect((await t.hsm.openServiceSecret(serviceBefore, AAD)).toString()).toBe('svc');
    expect((await t.hsm.generateRandom(16)).length).toBe(16);
    const fresh = await newMaterial(t.hsm);
    const s2 = await t.hsm.seal(fresh, Buffer.from('fresh'), AAD);
    expect((await t.hsm.open(fresh, s2, AAD)).toString()).toBe('fresh');
    expect((await t.hsm.health()).ok).toBe(true);
  }

  it('recovers after C_Logout on one session (logs out the process, invalidates private handles)', async () => {
    const generation = t.internals.generation();
    await t.internals.withSession((s) => t.internals.pkcs11.C_Logout(s));
    await expectWorking();
    expect(t.internals.generation()).toBe(generation + 1);
  });

  it('recovers after C_CloseAllSessions', async () => {
    const generation = t.internals.generation();
    t.internals.pkcs11.C_CloseAllSessions(t.internals.slot());
    await expectWorking();
    expect(t.internals.generation()).toBe(generation + 1);
  });

  it('recovers after C_Finalize (C_Finalize + C_Initialize with nothing in flight)', async () => {
    t.internals.pkcs11.C_Finalize();
    await expectWorking();
  });

  it('shares one recovery among 50 concurrent operations that all hit the logged-out token', async () => {
    const generation = t.internals.generation();
    await t.internals.withSession((s) => t.internals.pkcs11.C_Logout(s));
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const plaintext = Buffer.from(`c${i}`);
        const sealed = await t.hsm.seal(ref, plaintext, AAD);
        return (await t.hsm.open(ref, sealed, AAD)).equals(plaintext);
      }),
    );
    expect(results.every(Boolean)).toBe(true);
    expect(t.internals.generation()).toBe(generation + 1);
  });

  it('keeps every operation succeeding when C_Logout lands while 100 operations are in flight', async () => {
    // Measured on SoftHSM 2.6.1: operations racing a logout fail with CKR_OBJECT_HANDLE_INVALID, but
    // also CKR_FUNCTION_FAILED, CKR_TEMPLATE_INCONSISTENT or CKR_GENERAL_ERROR (which would read as
    // a bad GCM tag). The runtime re-checks the login state and retries those too.
    const other = await newMaterial(t.hsm);
    for (let round = 0; round < 10; round += 1) {
      const ops = Array.from({ length: 100 }, async (_, i) => {
        const r = i % 2 === 0 ? ref : other;
        const sealed = await t.hsm.seal(r, Buffer.from(`r${round}-${i}`), AAD);
        return (await t.hsm.open(r, sealed, AAD)).toString() === `r${round}-${i}`;
      });
      await new Promise((r) => setTimeout(r, 2));
      await t.internals.withSession((s) => t.internals.pkcs11.C_Logout(s));
      expect((await Promise.all(ops)).every(Boolean)).toBe(true);
    }
  });

  it('XKS per-nonce keys: re-derived after a recovery, and ciphertexts made before it still decrypt', async () => {
    const xksRef = await newMaterial(t.hsm, 'xks:tenant:recovery');
    const aadFor = (nonce: Buffer) => Buffer.concat([AAD, nonce]);
    const seal = async (text: string) => {
      const s = await t.hsm.xks.encrypt(xksRef, Buffer.from(text), aadFor);
      return { s, open: () => t.hsm.xks.decrypt(xksRef, { scheme: 'per-nonce', nonce: s.nonce }, s, aadFor(s.nonce)) };
    };
    const before = await seal('before');
    const generation = t.internals.generation();
    t.internals.pkcs11.C_CloseAllSessions(t.internals.slot());
    const after = await seal('after');
    expect(t.internals.generation()).toBe(generation + 1);
    expect(after.s.nonce.equals(before.s.nonce)).toBe(false);
    expect((await before.open()).toString()).toBe('before');
    expect((await after.open()).toString()).toBe('after');
    // A logout racing 100 XKS encrypt + decrypt pairs: every one still succeeds.
    const ops = Array.from({ length: 100 }, async (_, i) => (await (await seal(`x${i}`)).open()).toString() === `x${i}`);
    await new Promise((r) => setTimeout(r, 2));
    await t.internals.withSession((s) => t.internals.pkcs11.C_Logout(s));
    expect((await Promise.all(ops)).every(Boolean)).toBe(true);
  });

  it('fails with HsmUnavailableError when the retry after recovery fails too, and recovers once the token is back', async () => {
    const p = t.internals.pkcs11;
    const pin = (await readFile(t.config.pinFile!, 'utf8')).trim();
    const slot = t.internals.slot();
    // Change the user PIN behind the service's back, then log the process out: re-login fails.
    const side = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      p.C_SetPIN(side, pin, 'temporary-other-pin');
      p.C_Logout(side);
      const failure = await t.hsm.seal(ref, Buffer.from('x'), AAD).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(HsmUnavailableError);
      expect(String((failure as Error).message)).not.toContain(pin);
      expect((await t.hsm.health()).ok).toBe(false);
      // The operator restores the PIN: the very next operation reconnects by itself.
      p.C_Login(side, pkcs11js.CKU_USER, 'temporary-other-pin');
      p.C_SetPIN(side, 'temporary-other-pin', pin);
    } finally {
      p.C_CloseSession(side);
    }
    await expectWorking();
  });
});
