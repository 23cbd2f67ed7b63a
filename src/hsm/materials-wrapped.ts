/**
 * `wrapped` storage (the default): each key version is an AES-256 value generated in the token,
 * wrapped once under the domain key with CKM_AES_KEY_WRAP_PAD (RFC 5649; 32-byte keys are a
 * multiple of 8, so SoftHSM 2.6's zero-padding quirk does not apply) and stored by the caller.
 * At use the blob is unwrapped into a non-extractable, derive-only session object, cached in a
 * bounded LRU.
 *
 * Object ownership: PKCS#11 v2.40 §4.4 destroys a session object when the session that created
 * it closes. Cached objects are therefore created in a dedicated "keeper" session that no pool
 * churn ever closes; unwraps on it are serialised by a mutex (one in-flight call per session).
 * Leases count users so an evicted or destroyed object is never destroyed while another thread
 * is deriving from it.
 */
import type { Handle, Template } from 'pkcs11js';
import { HsmKeyNotFoundError, type GeneratedMaterial, type MaterialRef } from '../kms/ports/hsm.js';
import { asDecryptFailure } from './errors.js';
import { Lru } from './lru.js';
import { materialKey, type MaterialLease, type MaterialStore } from './materials.js';
import type { PooledSession } from './pool.js';
import { AES_KEY_GEN, AES_KEY_WRAP_PAD, ephemeralMaterialTemplate, unwrappedMaterialTemplate } from './templates.js';
import type { Token } from './token.js';
import type { WellKnownKeys } from './well-known-keys.js';

interface Keeper {
  handle: Handle;
  generation: number;
  leases: number;
  /** An unwrap is running on it (never close a session under an in-flight call). */
  busy: boolean;
  retired: boolean;
  closed: boolean;
}

interface Entry {
  handle: Handle;
  keeper: Keeper;
  leases: number;
  doomed: boolean;
  destroyed: boolean;
}

/** FIFO async mutex (a promise chain). */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async lock(): Promise<() => void> {
    let unlock!: () => void;
    const next = new Promise<void>((resolve) => (unlock = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    return unlock;
  }
}

export class WrappedMaterialStore implements MaterialStore {
  readonly mode = 'wrapped' as const;
  private readonly cache: Lru<string, Entry>;
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly mutex = new Mutex();
  private keeper: Keeper | undefined;

  constructor(
    private readonly token: Token,
    private readonly keys: WellKnownKeys,
    cacheSize: number,
  ) {
    this.cache = new Lru(cacheSize, (_key, entry) => this.doom(entry));
  }

  get cachedCount(): number {
    return this.cache.size;
  }

  async start(): Promise<void> {}

  async generate(session: PooledSession, _keyId: string, _materialId: string): Promise<GeneratedMaterial> {
    const { p } = this.token;
    const domain = this.keys.handle('domain');
    const ephemeral = await p.C_GenerateKeyAsync(session.handle, AES_KEY_GEN, ephemeralMaterialTemplate());
    try {
      const view = await p.C_WrapKeyAsync(session.handle, AES_KEY_WRAP_PAD, domain, ephemeral, Buffer.alloc(64));
      return { wrapped: Buffer.from(view) };
    } finally {
      // The extractable copy must not outlive this call. Not quiet: if it cannot be destroyed the
      // error makes the runtime discard (close) the session, which destroys it (§4.4).
      p.C_DestroyObject(session.handle, ephemeral);
    }
  }

  /** `template` describes the unwrapped object (default: derive-only AES; key-objects.ts passes others). */
  async lease(ref: MaterialRef, template: Template = unwrappedMaterialTemplate()): Promise<MaterialLease> {
    if (!ref.wrapped || ref.wrapped.length === 0) throw new HsmKeyNotFoundError(`material ${ref.materialId} has no wrapped blob`);
    const key = materialKey(ref);
    let entry = this.cache.get(key);
    if (entry && entry.keeper.generation !== this.token.generation) {
      this.cache.take(key); // dead with its generation; never destroy a stale handle number
      entry = undefined;
    }
    return this.borrow(entry ?? (await this.load(key, ref.wrapped, template)));
  }

  /** Drops the cached object only: the blob still unwraps (the caller deletes the blob). */
  async destroy(ref: MaterialRef): Promise<void> {
    const entry = this.cache.take(materialKey(ref));
    if (entry) this.doom(entry);
  }

  /** After a generation bump: forget every entry and retire the keeper session. */
  invalidate(): void {
    this.cache.clear();
    if (this.keeper) this.retire(this.keeper);
    this.keeper = undefined;
  }

  private load(key: string, wrapped: Buffer, template: Template): Promise<Entry> {
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const loading = this.unwrap(key, wrapped, template).finally(() => this.inflight.delete(key));
    this.inflight.set(key, loading);
    return loading;
  }

  private async unwrap(key: string, wrapped: Buffer, template: Template): Promise<Entry> {
    const unlock = await this.mutex.lock();
    try {
      const keeper = this.currentKeeper();
      const domain = this.keys.handle('domain');
      let handle: Handle;
      keeper.busy = true;
      try {
        handle = await this.token.p.C_UnwrapKeyAsync(keeper.handle, AES_KEY_WRAP_PAD, domain, wrapped, template);
      } catch (e) {
        // SoftHSM 2.6: a tampered KWP blob fails with CKR_GENERAL_ERROR.
        throw asDecryptFailure(e);
      } finally {
        keeper.busy = false;
        this.maybeClose(keeper);
      }
      const entry: Entry = { handle, keeper, leases: 0, doomed: false, destroyed: false };
      if (keeper.generation === this.token.generation) this.cache.set(key, entry);
      else entry.doomed = true; // recovered meanwhile: single use, destroyed on release
      return entry;
    } finally {
      unlock();
    }
  }

  private currentKeeper(): Keeper {
    const generation = this.token.generation;
    if (this.keeper && this.keeper.generation === generation) return this.keeper;
    if (this.keeper) this.retire(this.keeper);
    this.keeper = { handle: this.token.openSession(), generation, leases: 0, busy: false, retired: false, closed: false };
    return this.keeper;
  }

  private borrow(entry: Entry): MaterialLease {
    entry.leases += 1;
    entry.keeper.leases += 1;
    let released = false;
    return {
      handle: entry.handle,
      release: () => {
        if (released) return;
        released = true;
        entry.leases -= 1;
        entry.keeper.leases -= 1;
        if (entry.doomed && entry.leases === 0) this.destroyEntry(entry);
        this.maybeClose(entry.keeper);
      },
    };
  }

  private doom(entry: Entry): void {
    entry.doomed = true;
    if (entry.leases === 0) this.destroyEntry(entry);
  }

  private destroyEntry(entry: Entry): void {
    if (entry.destroyed) return;
    entry.destroyed = true;
    // A retired keeper takes its objects with it when it closes; its handle numbers are stale.
    if (entry.keeper.retired || entry.keeper.generation !== this.token.generation) return;
    // Sync call on the anchor: any session of the application may destroy a session object.
    try {
      this.token.p.C_DestroyObject(this.token.anchor(), entry.handle);
    } catch {
      // already gone (session closed, logged out, or recovered)
    }
  }

  private retire(keeper: Keeper): void {
    keeper.retired = true;
    this.maybeClose(keeper);
  }

  /** A retired keeper closes once nothing uses it (closing destroys its cached objects). */
  private maybeClose(keeper: Keeper): void {
    if (!keeper.retired || keeper.closed || keeper.busy || keeper.leases > 0) return;
    keeper.closed = true;
    this.token.closeSession(keeper.handle);
  }
}
