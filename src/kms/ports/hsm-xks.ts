/**
 * The HSM capability behind the XKS proxy API (`hsm.xks`): AES-256-GCM under external-key
 * materials, with the GCM key derived inside the token, and the proxy's deep health check on
 * a dedicated token key that no KMS key ever uses. Materials are generated and destroyed through
 * the main port (`generateSymmetricMaterial`, `destroyMaterial`): same storage modes, same token.
 */
import type { MaterialRef } from './hsm.js';

export const XKS_GCM_IV_BYTES = 12;
export const XKS_GCM_TAG_BYTES = 16;
/** Bytes of the derivation nonce the caller supplies (carried in ciphertextMetadata). */
export const XKS_DERIVATION_NONCE_BYTES = 16;

export interface XksSealed {
  /** 12 bytes, drawn by the token's RNG. */
  iv: Buffer;
  /** Same length as the plaintext. */
  ciphertext: Buffer;
  /** 16 bytes, split off the token's ciphertext ‖ tag output. */
  tag: Buffer;
}

/**
 * How the GCM key of one ciphertext was derived from its material, named by the
 * ciphertextMetadata format: 'per-nonce' keys serve many encryptions (format 2, what encrypt
 * writes), 'per-call' keys took the IV as input too (format 1, decrypt only).
 */
export interface XksDerivation {
  scheme: 'per-nonce' | 'per-call';
  /** XKS_DERIVATION_NONCE_BYTES, from the ciphertextMetadata. */
  nonce: Buffer;
}

export interface XksTokenHealth {
  ok: boolean;
  /** The HSM answered no free session in time (pool wait): a dependency timeout, not a failure. */
  busy: boolean;
  tokenLabel: string;
  serialNumber?: string;
  manufacturer?: string;
  model?: string;
  /** `hw <major>.<minor> fw <major>.<minor>` when the token reports versions. */
  versions?: string;
  /** How long the deep check took (ms, monotonic clock). */
  elapsedMs: number;
  detail?: string;
}

export interface XksHsm {
  /**
   * AES-256-GCM under the material's current per-nonce key; the nonce (returned, for the
   * ciphertextMetadata) and the IV come from the token. `aadFor(nonce)` builds the GCM AAD, which
   * binds the metadata carrying that nonce. Plaintext must be 1 byte or more. The caller zeroes
   * its plaintext.
   */
  encrypt(ref: MaterialRef, plaintext: Buffer, aadFor: (nonce: Buffer) => Buffer): Promise<XksSealed & { nonce: Buffer }>;
  /** Inverse of encrypt (either scheme); an authentication failure throws HsmDecryptError. The caller zeroes the result. */
  decrypt(ref: MaterialRef, derivation: XksDerivation, sealed: XksSealed, aad: Buffer): Promise<Buffer>;
  /**
   * Deep check: derive + GCM encrypt + decrypt on the dedicated XKS health key (a token object
   * created on first use), compared byte for byte. Never throws.
   */
  health(): Promise<XksTokenHealth>;
}
