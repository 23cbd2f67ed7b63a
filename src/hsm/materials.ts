/**
 * Where symmetric key material lives: behind this interface the two storage modes (DESIGN.md "Key
 * material") differ only in how a MaterialRef becomes a handle usable for CKM_AES_CBC_ENCRYPT_DATA.
 */
import type { Handle } from 'pkcs11js';
import type { GeneratedMaterial, KeyStorageMode, MaterialRef } from '../kms/ports/hsm.js';
import type { PooledSession } from './pool.js';

/** A handle borrowed for one derivation; release() as soon as the derive call returns. */
export interface MaterialLease {
  readonly handle: Handle;
  release(): void;
}

export interface MaterialStore {
  readonly mode: KeyStorageMode;
  /** Start-up work (token mode: one C_FindObjects pass over existing materials). */
  start(): Promise<void>;
  generate(session: PooledSession, keyId: string, materialId: string): Promise<GeneratedMaterial>;
  /** Called inside a pool operation; throws HsmKeyNotFoundError / HsmDecryptError / raw CKR errors. */
  lease(ref: MaterialRef): Promise<MaterialLease>;
  destroy(ref: MaterialRef): Promise<void>;
  /** Cached entries (for tests and metrics). */
  readonly cachedCount: number;
}

export function materialKey(ref: Pick<MaterialRef, 'keyId' | 'materialId'>): string {
  return `${ref.keyId}/${ref.materialId}`;
}
