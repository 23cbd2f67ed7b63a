/**
 * The HSM port: everything the KMS layer asks of the token. Only `src/hsm/` implements it, and
 * only `src/hsm/` speaks PKCS#11. Secret key material never crosses this boundary in plaintext;
 * what crosses it are references (key id + material id, plus the wrapped blob in `wrapped` mode),
 * and the plaintexts callers explicitly asked to encrypt or were returned by decrypt.
 */

import type { XksHsm } from './hsm-xks.js';
import type { AuditHsm } from './hsm-audit.js';
import type { AsymmetricHsm } from './hsm-asymmetric.js';
import type { MacHsm } from './hsm-mac.js';
import type { ImportsHsm } from './hsm-imports.js';

export type KeyStorageMode = 'wrapped' | 'token';

/** Identifies one version of a key's secret material. */
export interface MaterialRef {
  keyId: string;
  /** 64 lower-case hex characters. */
  materialId: string;
  /** `wrapped` mode: the CKM_AES_KEY_WRAP_PAD blob under the domain key. Absent in `token` mode. */
  wrapped?: Buffer;
}

/** Result of sealing with a symmetric material: all of it goes into the ciphertext blob. */
export interface SealedData {
  /** Random per-call nonce from which the token derives the one-time data-encryption key. */
  nonce: Buffer;
  /** AES-GCM IV. */
  iv: Buffer;
  /** Ciphertext followed by the 16-byte GCM tag, as PKCS#11 returns it. */
  ciphertext: Buffer;
}

export const SEAL_NONCE_BYTES = 32;
export const SEAL_IV_BYTES = 12;
export const SEAL_TAG_BYTES = 16;

export interface GeneratedMaterial {
  /** The blob to store beside the key (wrapped mode); undefined in token mode. */
  wrapped?: Buffer;
}

export interface HsmHealth {
  ok: boolean;
  tokenLabel: string;
  manufacturer?: string;
  model?: string;
  detail?: string;
}

export interface Hsm {
  readonly mode: KeyStorageMode;
  xks: XksHsm;
  audit: AuditHsm;
  asymmetric: AsymmetricHsm;
  mac: MacHsm;
  imports: ImportsHsm;

  /** Creates AES-256 material for a symmetric key version inside the token. */
  generateSymmetricMaterial(keyId: string, materialId: string): Promise<GeneratedMaterial>;

  /**
   * AES-256-GCM under a key derived inside the token from the material and a fresh random
   * nonce (so one material never approaches the SP 800-38D 2^32 random-IV bound).
   */
  seal(ref: MaterialRef, plaintext: Buffer, aad: Buffer): Promise<SealedData>;

  /** Inverse of seal. Authentication failure throws HsmDecryptError. The caller zeroes the result. */
  open(ref: MaterialRef, sealed: SealedData, aad: Buffer): Promise<Buffer>;

  /** Removes material: token objects are destroyed, cached session objects dropped. */
  destroyMaterial(ref: MaterialRef): Promise<void>;

  /** Random bytes from the token's RNG. */
  generateRandom(length: number): Promise<Buffer>;

  /**
   * Encrypts small service secrets (access-key secrets) under a token-resident AES key that is
   * separate from customer key material. Output is self-contained (iv ‖ ciphertext ‖ tag).
   */
  sealServiceSecret(plaintext: Buffer, aad: Buffer): Promise<Buffer>;
  openServiceSecret(sealed: Buffer, aad: Buffer): Promise<Buffer>;

  /** Deep check: a real round trip through the token. Never throws. */
  health(): Promise<HsmHealth>;

  close(): Promise<void>;
}

/** Base of the typed errors the HSM layer raises; kms maps them to wire errors. */
export class HsmError extends Error {
  constructor(
    message: string,
    readonly ckr?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
/** No session became free within the pool timeout. */
export class HsmBusyError extends HsmError {}
/** The token is gone, not logged in, or answering with device errors after recovery attempts. */
export class HsmUnavailableError extends HsmError {}
/** Authenticated decryption or unwrap failed: tag, AAD or blob mismatch. */
export class HsmDecryptError extends HsmError {}
/** The referenced key object or material does not exist in the token. */
export class HsmKeyNotFoundError extends HsmError {}
/** The token lacks a mechanism the operation needs. */
export class HsmUnsupportedError extends HsmError {}
