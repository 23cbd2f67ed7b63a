/**
 * The HSM capability behind the XKS proxy API (`hsm.xks`): AES-256-GCM under external-key
 * materials, with the per-call key derived inside the token, and the proxy's deep health check on
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
   * AES-256-GCM under a one-time key the token derives from the material and nonce ‖ IV; the
   * IV comes from the token. Plaintext must be 1 byte or more. The caller zeroes its plaintext.
   */
  encrypt(ref: MaterialRef, nonce: Buffer, plaintext: Buffer, aad: Buffer): Promise<XksSealed>;
  /** Inverse of encrypt; an authentication failure throws HsmDecryptError. The caller zeroes the result. */
  decrypt(ref: MaterialRef, nonce: Buffer, sealed: XksSealed, aad: Buffer): Promise<Buffer>;
  /**
   * Deep check: derive + GCM encrypt + decrypt on the dedicated XKS health key (a token object
   * created on first use), compared byte for byte. Never throws.
   */
  health(): Promise<XksTokenHealth>;
}
