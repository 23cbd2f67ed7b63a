/**
 * The HMAC capability of the HSM port (`hsm.mac`): generic-secret keys generated in the token,
 * used with CKM_SHA*_HMAC. Secrets never cross this boundary; only references (and, in `wrapped`
 * storage, the CKM_AES_KEY_WRAP_PAD blob under the domain key) do.
 */
import type { KeyStorageMode, MaterialRef } from './hsm.js';

export type MacHash = 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface MacKeyRef extends MaterialRef {
  hash: MacHash;
}

export interface GeneratedMacKey {
  storage: KeyStorageMode;
  wrapped?: Buffer;
}

export interface MacHsm {
  /** A secret of the hash's output length (28/32/48/64 bytes: the minimums SoftHSM accepts). */
  generate(keyId: string, materialId: string, hash: MacHash): Promise<GeneratedMacKey>;
  mac(ref: MacKeyRef, message: Buffer): Promise<Buffer>;
  /** Recomputed and compared inside the token; false for any mismatch, including a wrong length. */
  verify(ref: MacKeyRef, message: Buffer, mac: Buffer): Promise<boolean>;
}
