/**
 * Where asymmetric private keys and HMAC secrets live when in use. A MaterialRef with a wrapped
 * blob is unwrapped into a non-extractable session object by the same keeper-session LRU as the
 * symmetric materials (materials-wrapped.ts, with this object's template); a ref without one names
 * a persistent token object (CKA_ID = utf8 "<keyId>/<materialId>"), found by CKA_ID and cached
 * per generation. The per-material choice (not the deployment's mode) decides, because a `wrapped`
 * deployment keeps key types the token cannot wrap as token objects (SoftHSM 2.6.1: Ed25519
 * private keys → CKR_KEY_NOT_WRAPPABLE, measured).
 *
 * Recovery needs no hook: entries and handles are tagged with the token generation and dropped
 * lazily when stale (the wrapped store retires its old keeper on the next unwrap).
 */
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11, Template } from 'pkcs11js';
import { HsmKeyNotFoundError, type MaterialRef } from '../kms/ports/hsm.js';
import type { PrivateKeyRef } from '../kms/ports/hsm-asymmetric.js';
import { Lru } from './lru.js';
import { materialKey, type MaterialLease } from './materials.js';
import { WrappedMaterialStore } from './materials-wrapped.js';
import type { PooledSession } from './pool.js';
import type { Runtime } from './runtime.js';
import { materialCkaId, AES_KEY_WRAP_PAD } from './templates.js';
import { findKeyObjectsTemplate, unwrappedPrivateTemplate } from './key-templates.js';
import type { Token } from './token.js';
import type { WellKnownKeys } from './well-known-keys.js';

const NO_RELEASE = (): void => {};

/** Cleanup of a session object that may already be gone with its session (PKCS#11 v2.40 §4.4). */
export function destroyQuietly(p: PKCS11, session: Handle, object: Handle | undefined): void {
  if (!object) return;
  try {
    p.C_DestroyObject(session, object);
  } catch {
    // the session (and with it the object) is gone
  }
}
/** Room for the KWP blob of a PKCS#8 RSA-4096 private key (about 2.4 KB). */
const WRAPPED_MAX_BYTES = 8192;

export class KeyObjectStore {
  private readonly wrapped: WrappedMaterialStore;
  private readonly tokenObjects: Lru<string, { handle: Handle; generation: number }>;

  constructor(
    private readonly token: Token,
    private readonly runtime: Runtime,
    private readonly keys: WellKnownKeys,
    cacheSize: number,
  ) {
    this.wrapped = new WrappedMaterialStore(token, keys, cacheSize);
    this.tokenObjects = new Lru(cacheSize);
  }

  get p(): PKCS11 {
    return this.token.p;
  }

  /**
   * A usable handle for one operation; release() once the call that uses it has returned.
   * `unwrapTemplate` describes the session copy (wrapped refs only).
   */
  async lease(ref: MaterialRef, objectClass: number, unwrapTemplate: () => Template): Promise<MaterialLease> {
    if (ref.wrapped) return this.wrapped.lease(ref, unwrapTemplate());
    const key = materialKey(ref);
    const cached = this.tokenObjects.get(key);
    if (cached && cached.generation === this.token.generation) return { handle: cached.handle, release: NO_RELEASE };
    const id = materialCkaId(ref.keyId, ref.materialId);
    // Twice: SoftHSM 2.6.1 sometimes shows another process's new object only later (DESIGN.md).
    const handle = this.token.findAll(findKeyObjectsTemplate(id, objectClass))[0] ?? this.token.findAll(findKeyObjectsTemplate(id, objectClass))[0];
    if (!handle) {
      this.token.assertLoggedIn(); // private objects are invisible when logged out: recover instead
      throw new HsmKeyNotFoundError(`key object ${ref.materialId} of key ${ref.keyId} is not in the token`);
    }
    this.tokenObjects.set(key, { handle, generation: this.token.generation });
    return { handle, release: NO_RELEASE };
  }

  /** Wraps a freshly generated extractable session object under the domain key, then destroys it. */
  async wrapAndDestroy(session: PooledSession, ephemeral: Handle): Promise<Buffer> {
    try {
      const view = await this.p.C_WrapKeyAsync(session.handle, AES_KEY_WRAP_PAD, this.keys.handle('domain'), ephemeral, Buffer.alloc(WRAPPED_MAX_BYTES));
      return Buffer.from(view);
    } finally {
      // Not quiet: if it cannot be destroyed, the error makes the runtime close the session,
      // which destroys it (PKCS#11 v2.40 §4.4).
      this.p.C_DestroyObject(session.handle, ephemeral);
    }
  }

  /** Drops cached copies and destroys every token object of the material (idempotent). */
  async destroy(ref: MaterialRef): Promise<void> {
    await this.wrapped.destroy(ref);
    this.tokenObjects.take(materialKey(ref));
    await this.runtime.withAnchor('destroy key objects', (anchor) => {
      const found = this.token.findAll(findKeyObjectsTemplate(materialCkaId(ref.keyId, ref.materialId)));
      if (found.length === 0) this.token.assertLoggedIn(); // absent is fine; invisible is not
      for (const handle of found) this.p.C_DestroyObject(anchor, handle);
    });
  }

  get cachedCount(): number {
    return this.wrapped.cachedCount + this.tokenObjects.size;
  }
}

/** The private key of a ref, leased for the duration of fn. */
export async function withPrivateKey<T>(objects: KeyObjectStore, ref: PrivateKeyRef, fn: (key: Handle) => Promise<T>): Promise<T> {
  const id = materialCkaId(ref.keyId, ref.materialId);
  const lease = await objects.lease(ref, pkcs11js.CKO_PRIVATE_KEY, () => unwrappedPrivateTemplate(ref.params, ref.usage, id));
  try {
    return await fn(lease.handle);
  } finally {
    lease.release();
  }
}
