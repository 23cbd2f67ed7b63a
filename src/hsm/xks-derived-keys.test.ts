/**
 * XksDerivedKeys bookkeeping on an in-memory token (use bound, eviction, leases, generations):
 * domain logic only. The real-token behaviour is in test/hsm/xks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PKCS11 } from 'pkcs11js';
import type { MaterialRef } from '../kms/ports/hsm.js';
import { SyntheticCkrError } from './token.js';
import { XksDerivedKeys, perNonceDerivationInput, type DerivingToken } from './xks-derived-keys.js';

function fakeToken() {
  const state = { generation: 1, next: 0, derived: [] as Buffer[], destroyed: [] as string[], live: new Set<string>() };
  const p = {
    C_GenerateRandom: (_s: Buffer, out: Buffer) => out.fill(++state.next),
    C_DeriveKey: (_s: Buffer, mechanism: { parameter: { data: Buffer } }) => {
      state.derived.push(mechanism.parameter.data);
      const handle = Buffer.from(`key-${state.derived.length}`);
      state.live.add(handle.toString());
      return handle;
    },
    C_DestroyObject: (_s: Buffer, handle: Buffer) => {
      state.destroyed.push(handle.toString());
      state.live.delete(handle.toString());
    },
  };
  const token: DerivingToken = {
    p: p as unknown as PKCS11,
    anchor: () => Buffer.from('anchor'),
    get generation() {
      return state.generation;
    },
  };
  return { state, token };
}

const materials = { lease: async () => ({ handle: Buffer.from('material'), release: () => {} }) };
const ref = (id: string): MaterialRef => ({ keyId: 'xks:t:k', materialId: id });

describe('XksDerivedKeys', () => {
  it('derives from nonce ‖ "strongroom--xks2" (32 bytes, never the per-call layout)', () => {
    const input = perNonceDerivationInput(Buffer.alloc(16, 7));
    expect(input.length).toBe(32);
    expect(input.subarray(16).toString('latin1')).toBe('strongroom--xks2');
  });

  it('serves maxUses encryptions per key, then a new nonce; the used-up key still decrypts', async () => {
    const { state, token } = fakeToken();
    const keys = new XksDerivedKeys(token, materials, 10, 3);
    const nonces: string[] = [];
    for (let i = 0; i < 7; i++) {
      const lease = await keys.forEncrypt(ref('m1'));
      nonces.push(lease.nonce.toString('hex'));
      lease.release();
    }
    expect(new Set(nonces.slice(0, 3)).size).toBe(1);
    expect(new Set(nonces.slice(3, 6)).size).toBe(1);
    expect(nonces[0]).not.toBe(nonces[3]);
    expect(nonces[6]).not.toBe(nonces[3]);
    expect(state.derived).toHaveLength(3);
    const old = keys.forDecrypt(ref('m1'), Buffer.from(nonces[0]!, 'hex'));
    expect(old?.handle.toString()).toBe('key-1');
    old?.release();
  });

  it('lets concurrent first encryptions share one derive, without exceeding the bound', async () => {
    const { state, token } = fakeToken();
    const keys = new XksDerivedKeys(token, materials, 10, 4);
    const leases = await Promise.all(Array.from({ length: 10 }, () => keys.forEncrypt(ref('m1'))));
    const perKey = new Map<string, number>();
    for (const l of leases) perKey.set(l.handle.toString(), (perKey.get(l.handle.toString()) ?? 0) + 1);
    expect([...perKey.values()].every((n) => n <= 4)).toBe(true);
    expect(state.derived).toHaveLength(3);
  });

  it('destroys an evicted key at once when unused, and only after the last lease otherwise', async () => {
    const { state, token } = fakeToken();
    const keys = new XksDerivedKeys(token, materials, 1);
    const a = await keys.forEncrypt(ref('a'));
    const b = await keys.forEncrypt(ref('b')); // evicts a's key while a still encrypts
    expect(state.destroyed).toEqual([]);
    a.release();
    expect(state.destroyed).toEqual(['key-1']);
    b.release();
    await (await keys.forEncrypt(ref('c'))).release();
    expect(state.destroyed).toEqual(['key-1', 'key-2']);
    expect(keys.forDecrypt(ref('a'), a.nonce)).toBeUndefined();
    // The evicted material's next encryption derives a fresh key, not the destroyed one.
    const again = await keys.forEncrypt(ref('a'));
    expect(again.handle.toString()).toBe('key-4');
    again.release();
  });

  it('forget() destroys every key of the material and nothing else', async () => {
    const { state, token } = fakeToken();
    const keys = new XksDerivedKeys(token, materials, 10, 1);
    for (const id of ['a', 'a', 'b']) (await keys.forEncrypt(ref(id))).release();
    keys.forget(ref('a'));
    expect(state.destroyed.sort()).toEqual(['key-1', 'key-2']);
    expect([...state.live]).toEqual(['key-3']);
    expect(keys.size).toBe(1);
  });

  it('drops the keys of an ended generation without destroying their handle numbers', async () => {
    const { state, token } = fakeToken();
    const keys = new XksDerivedKeys(token, materials, 10);
    const first = await keys.forEncrypt(ref('a'));
    first.release();
    state.generation += 1;
    expect(keys.forDecrypt(ref('a'), first.nonce)).toBeUndefined();
    const next = await keys.forEncrypt(ref('a'));
    expect(next.handle.toString()).toBe('key-2');
    next.release();
    keys.invalidate();
    expect(keys.size).toBe(0);
    expect(state.destroyed).toEqual([]);
  });

  it('refuses to derive from a material handle loaded before a recovery (device-class CKR, so the runtime retries)', async () => {
    const { state, token } = fakeToken();
    const recovering = { lease: async () => ((state.generation += 1), { handle: Buffer.from('stale'), release: () => {} }) };
    const keys = new XksDerivedKeys(token, recovering, 10);
    await expect(keys.forEncrypt(ref('a'))).rejects.toBeInstanceOf(SyntheticCkrError);
    expect(state.derived).toEqual([]);
  });
  it('adopts an authenticated nonce for decrypts only: cached once, never used to encrypt', async () => {
    const { state, token } = fakeToken();
    const keys = new XksDerivedKeys(token, materials, 10);
    const foreign = Buffer.alloc(16, 0xab);
    expect(keys.forDecrypt(ref('a'), foreign)).toBeUndefined();
    await keys.adopt(ref('a'), foreign);
    await keys.adopt(ref('a'), foreign);
    expect(state.derived.map((d) => d.subarray(0, 16).toString('hex'))).toStrictEqual([foreign.toString('hex')]);
    const lease = keys.forDecrypt(ref('a'), foreign);
    expect(lease?.handle.toString()).toBe('key-1');
    lease?.release();
    const enc = await keys.forEncrypt(ref('a'));
    expect(enc.nonce.equals(foreign)).toBe(false);
    enc.release();
    // A new generation: the adopted copy is dropped and adopted again on the next success.
    state.generation += 1;
    expect(keys.forDecrypt(ref('a'), foreign)).toBeUndefined();
    await keys.adopt(ref('a'), foreign);
    expect(keys.forDecrypt(ref('a'), foreign)?.handle.toString()).toBe('key-3');
    expect(state.destroyed).toEqual([]);
  });

  it('adopts a nonce once when two decrypts of it miss at the same time, leaving no second key behind', async () => {
    const { state, token } = fakeToken();
    const keys = new XksDerivedKeys(token, materials, 10);
    const foreign = Buffer.alloc(16, 0xcd);
    await Promise.all([keys.adopt(ref('a'), foreign), keys.adopt(ref('a'), foreign)]);
    expect(state.derived).toHaveLength(1);
    expect([...state.live]).toStrictEqual(['key-1']);
    expect(keys.size).toBe(1);
  });
});
