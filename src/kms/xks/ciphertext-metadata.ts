/**
 * What Strongroom puts around an XKS AES-GCM call (XKS proxy API spec v1.0.3, Encrypt, and
 * Appendix C).
 *
 * ciphertextMetadata (the spec allows up to 20 vendor bytes, returned by KMS on Decrypt):
 *   format (1 byte) ‖ material version (uint16 big-endian) ‖ derivation nonce (16 bytes)
 * = 19 bytes. The format byte names how the GCM key was derived (hsm/xks.ts) and this AAD
 * encoding, so a later format can change either and old ciphertexts still decrypt (the spec's
 * own advice):
 *   0x01  one-time key from material and nonce ‖ IV (written by earlier builds; still decrypted)
 *   0x02  per-nonce key from material and nonce, reused for up to 2^20 random-IV encryptions
 *
 * AES-GCM invocation bound (NIST SP 800-38D §8.3; DESIGN.md pitfalls): the token never encrypts
 * under the material itself, and no derived key sees more than 2^20 random 96-bit IVs, far under
 * the 2^32 the bound allows (hsm/xks-derived-keys.ts).
 */
import { createHash } from 'node:crypto';
import type { XksDerivation } from '../ports/hsm-xks.js';

export const XKS_CM_FORMAT_PER_CALL = 0x01;
export const XKS_CM_FORMAT_PER_NONCE = 0x02;
export const XKS_NONCE_BYTES = 16;
export const XKS_CM_BYTES = 1 + 2 + XKS_NONCE_BYTES;
/** Spec limits. */
export const MAX_CM_BYTES = 20;
export const MAX_XKS_PLAINTEXT_BYTES = 4300;
export const MAX_XKS_AAD_BYTES = 8192;

export interface CiphertextMetadata {
  version: number;
  nonce: Buffer;
}

const SCHEMES: Record<number, XksDerivation['scheme']> = {
  [XKS_CM_FORMAT_PER_CALL]: 'per-call',
  [XKS_CM_FORMAT_PER_NONCE]: 'per-nonce',
};

/** Format 2: what every new ciphertext carries. */
export function encodeCiphertextMetadata(m: CiphertextMetadata): Buffer {
  if (m.nonce.length !== XKS_NONCE_BYTES) throw new RangeError(`nonce must be ${XKS_NONCE_BYTES} bytes`);
  if (!Number.isInteger(m.version) || m.version < 1 || m.version > 0xffff) throw new RangeError('version must be 1 to 65535');
  const out = Buffer.alloc(XKS_CM_BYTES);
  out[0] = XKS_CM_FORMAT_PER_NONCE;
  out.writeUInt16BE(m.version, 1);
  m.nonce.copy(out, 3);
  return out;
}

/** undefined for metadata that is not ours (wrong length or format): the caller answers InvalidCiphertextException. */
export function decodeCiphertextMetadata(cm: Buffer): (CiphertextMetadata & { derivation: XksDerivation }) | undefined {
  const scheme = cm.length === XKS_CM_BYTES ? SCHEMES[cm[0]!] : undefined;
  if (!scheme) return undefined;
  const version = cm.readUInt16BE(1);
  if (version === 0) return undefined;
  const nonce = Buffer.from(cm.subarray(3));
  return { version, nonce, derivation: { scheme, nonce } };
}

/**
 * The AAD handed to the token: uint16_be(len(aad)) ‖ aad ‖ uint8(len(cm)) ‖ cm, a missing field
 * counting as empty (spec, Encrypt: "ciphertextMetadata"). The lengths stop a caller from moving
 * the metadata into the AAD position (or back) and still decrypting.
 */
export function xksGcmAad(aad: Buffer | undefined, cm: Buffer | undefined): Buffer {
  const a = aad ?? Buffer.alloc(0);
  const c = cm ?? Buffer.alloc(0);
  if (a.length > 0xffff) throw new RangeError('additionalAuthenticatedData longer than 65535 bytes');
  if (c.length > 0xff) throw new RangeError('ciphertextMetadata longer than 255 bytes');
  const out = Buffer.allocUnsafe(2 + a.length + 1 + c.length);
  out.writeUInt16BE(a.length, 0);
  a.copy(out, 2);
  out[2 + a.length] = c.length;
  c.copy(out, 3 + a.length);
  return out;
}

/**
 * Ciphertext data integrity value (spec Appendix C): base64(SHA-256(aad ‖ cm ‖ iv ‖ ciphertext ‖
 * tag)) over the decoded bytes, absent fields left out and no lengths.
 */
export function ciphertextDataIntegrityValue(parts: {
  aad?: Buffer;
  cm?: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}): Buffer {
  const h = createHash('sha256');
  if (parts.aad) h.update(parts.aad);
  if (parts.cm) h.update(parts.cm);
  return h.update(parts.iv).update(parts.ciphertext).update(parts.tag).digest();
}
