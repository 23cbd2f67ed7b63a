/**
 * XKS per-nonce keys (ciphertextMetadata format 2, kms/xks/ciphertext-metadata.ts): the key the
 * token derives from (material, 16-byte nonce) encrypts many times, each call with a fresh 96-bit
 * IV from the token's RNG, until MAX_USES; then a new nonce is drawn and a new key derived.
 *
 * Why not a derive per call (format 1, still decrypted): SoftHSM 2.6.1 serialises C_DeriveKey
 * inside the token at about 58 µs a call, against about 17 µs for a 256-byte GCM encrypt and 10 µs
 * for the C_DestroyObject after it (measured on this project's CI machine); derive + destroy per
 * call capped XKS Encrypt near 2,000 requests/s.
 *
 * Bound: NIST SP 800-38D §8.3 allows at most 2^32 random-IV invocations of one key; 2^20 keeps the
 * probability of any IV repeat under one key below 2^40 / 2^97 = 2^-57. Two derived keys coincide
 * only if two 128-bit nonces do.
 *
 * Ownership: keys are derived synchronously on the anchor session (token.ts: sync-only, never
 * closed by pool churn; PKCS#11 v2.40 §4.4 destroys a session object with the session that made
 * it), so they live until destroyed here or until the generation ends. An entry of an older
 * generation is dropped, never destroyed: its handle number may name a new object. A key evicted
 * or retired while encryptions on other threads use it is destroyed when the last lease ends.
 */
import type { Handle } from 'pkcs11js';
import type { MaterialRef } from '../kms/ports/hsm.js';
import { XKS_DERIVATION_NONCE_BYTES } from '../kms/ports/hsm-xks.js';
import { Lru } from './lru.js';
import { materialKey, type MaterialStore } from './materials.js';
import { deriveMechanism, reusableDerivedKeyTemplate } from './templates.js';
import { SyntheticCkrError, type Token } from './token.js';

/** What this needs of the token connection (token.ts). */
export type DerivingToken = Pick<Token, 'p' | 'anchor' | 'generation'>;

/** Encryptions per derived key (see the bound above). */
export const XKS_KEY_MAX_USES = 2 ** 20;

const CKR_KEY_HANDLE_INVALID = 0x060;
/** Second derivation block for format 2; format 1's ends in "xks1", so the two never derive alike. */
const PER_NONCE_SUFFIX = Buffer.from('strongroom--xks2', 'latin1');

/** CKM_AES_CBC_ENCRYPT_DATA input for a format-2 key: nonce (16) ‖ fixed 16-byte suffix. */
export function perNonceDerivationInput(nonce: Buffer): Buffer {
  return Buffer.concat([nonce, PER_NONCE_SUFFIX]);
}

interface DerivedKey {
  readonly cacheKey: string;
  readonly material: string;
  readonly nonce: Buffer;
  readonly handle: Handle;
  readonly generation: number;
  uses: number;
  leases: number;
  evicted: boolean;
  destroyed: boolean;
}

/** A derived key held for one GCM call; release() once the call has returned. */
export interface DerivedKeyLease {
  readonly handle: Handle;
  readonly nonce: Buffer;
  release(): void;
}

function cacheKeyOf(material: string, nonce: Buffer): string {
  return `${material}/${nonce.toString('hex')}`;
}

export class XksDerivedKeys {
  /** materialKey → the key encrypting now. */
  private readonly current = new Map<string, DerivedKey>();
  /** materialKey/nonce → key, for the CDIV test decrypt and decrypts of recent ciphertexts. */
  private readonly cache: Lru<string, DerivedKey>;
  private readonly deriving = new Map<string, Promise<DerivedKey>>();

  constructor(
    private readonly token: DerivingToken,
    private readonly materials: Pick<MaterialStore, 'lease'>,
    capacity: number,
    private readonly maxUses = XKS_KEY_MAX_USES,
  ) {
    this.cache = new Lru(capacity, (_key, entry) => this.evict(entry));
  }

  get size(): number {
    return this.cache.size;
  }

  /**
   * The key for one encryption under `ref`, deriving a new one when none is current, the current
   * one is used up or its generation ended. Call inside a pool operation (runtime.withSession):
   * token errors propagate raw so the runtime can recover and retry.
   */
  async forEncrypt(ref: MaterialRef): Promise<DerivedKeyLease> {
    const material = materialKey(ref);
    for (;;) {
      const key = this.usableCurrent(material) ?? (await this.deriveCurrent(material, ref));
      // Concurrent waiters share one derive; one that finds it used up meanwhile derives again.
      if (!this.usable(key)) continue;
      key.uses += 1;
      if (key.uses >= this.maxUses) this.current.delete(material);
      return this.lease(key);
    }
  }

  /** The cached key for (ref, nonce), or undefined (the caller derives a one-time key). */
  forDecrypt(ref: MaterialRef, nonce: Buffer): DerivedKeyLease | undefined {
    const key = this.cache.get(cacheKeyOf(materialKey(ref), nonce));
    if (!key) return undefined;
    if (key.generation !== this.token.generation) {
      this.drop(key);
      return undefined;
    }
    return this.lease(key);
  }

  /**
   * After a one-time copy of (ref, nonce) has authenticated a ciphertext, keeps a cached copy for
   * the next decrypts under that nonce (ciphertexts of another process, or from before a restart,
   * share one nonce per 2^20 encryptions). Only authenticated nonces get in, so decrypts of made-up
   * metadata cannot fill the cache. Call inside a pool operation, like forEncrypt.
   */
  async adopt(ref: MaterialRef, nonce: Buffer): Promise<void> {
    await this.derive(materialKey(ref), ref, nonce);
  }

  /** The material is being destroyed: so are its derived keys (once no call uses them). */
  forget(ref: Pick<MaterialRef, 'keyId' | 'materialId'>): void {
    const material = materialKey(ref);
    const doomed = [...this.cache.values()].filter((k) => k.material === material);
    for (const key of doomed) {
      this.cache.take(key.cacheKey);
      this.evict(key);
    }
  }

  /** After a generation bump: every handle is dead with its session; forget them all unread. */
  invalidate(): void {
    this.cache.clear();
    this.current.clear();
  }

  private usable(key: DerivedKey): boolean {
    return !key.evicted && key.uses < this.maxUses && key.generation === this.token.generation;
  }

  private usableCurrent(material: string): DerivedKey | undefined {
    const key = this.current.get(material);
    if (!key) return undefined;
    if (this.usable(key)) return key;
    this.current.delete(material);
    if (key.generation !== this.token.generation) this.drop(key);
    return undefined;
  }

  private deriveCurrent(material: string, ref: MaterialRef): Promise<DerivedKey> {
    const pending = this.deriving.get(material);
    if (pending) return pending;
    const deriving = this.derive(material, ref)
      .then((key) => {
        this.current.set(material, key);
        return key;
      })
      .finally(() => this.deriving.delete(material));
    this.deriving.set(material, deriving);
    return deriving;
  }

  /**
   * A new key under a nonce drawn from the token (for encryption), or under `adopted`, a nonce of
   * an authenticated ciphertext (decrypt only: this process did not draw it, so it never encrypts
   * under it; an entry already cached for it is kept).
   */
  private async derive(material: string, ref: MaterialRef, adopted?: Buffer): Promise<DerivedKey> {
    const generation = this.token.generation;
    const lease = await this.materials.lease(ref);
    try {
      if (this.token.generation !== generation) {
        // Recovered while the material loaded: its handle may now name another object. A
        // device-class code makes the runtime retry the whole operation in the new generation.
        throw new SyntheticCkrError(CKR_KEY_HANDLE_INVALID, 'CKR_KEY_HANDLE_INVALID (token recovered during the derive)');
      }
      if (adopted) {
        // Checked after the await: a concurrent adoption of the same nonce may have won, and a
        // second entry under one cache key would replace the first without destroying it.
        const cached = this.cache.get(cacheKeyOf(material, adopted));
        if (cached && cached.generation === generation) return cached;
        if (cached) this.drop(cached);
      }
      const { p } = this.token;
      const anchor = this.token.anchor();
      const nonce = adopted ? Buffer.from(adopted) : p.C_GenerateRandom(anchor, Buffer.alloc(XKS_DERIVATION_NONCE_BYTES));
      const handle = p.C_DeriveKey(anchor, deriveMechanism(perNonceDerivationInput(nonce)), lease.handle, reusableDerivedKeyTemplate());
      const key: DerivedKey = {
        cacheKey: cacheKeyOf(material, nonce),
        material,
        nonce,
        handle,
        generation,
        uses: adopted ? this.maxUses : 0,
        leases: 0,
        evicted: false,
        destroyed: false,
      };
      this.cache.set(key.cacheKey, key);
      return key;
    } finally {
      lease.release();
    }
  }

  private lease(key: DerivedKey): DerivedKeyLease {
    key.leases += 1;
    let released = false;
    return {
      handle: key.handle,
      nonce: key.nonce,
      release: () => {
        if (released) return;
        released = true;
        key.leases -= 1;
        if (key.evicted && key.leases === 0) this.destroy(key);
      },
    };
  }

  /** Out of the cache (LRU bound or forget): no new leases; destroyed once unused. */
  private evict(key: DerivedKey): void {
    key.evicted = true;
    if (this.current.get(key.material) === key) this.current.delete(key.material);
    if (key.leases === 0) this.destroy(key);
  }

  /** A key of an ended generation: forgotten, never destroyed. */
  private drop(key: DerivedKey): void {
    key.evicted = true;
    key.destroyed = true;
    this.cache.take(key.cacheKey);
  }

  private destroy(key: DerivedKey): void {
    if (key.destroyed) return;
    key.destroyed = true;
    if (key.generation !== this.token.generation) return;
    try {
      this.token.p.C_DestroyObject(this.token.anchor(), key.handle);
    } catch {
      // Gone with its session already (PKCS#11 v2.40 §4.4); nothing else holds it.
    }
  }
}
