/**
 * What Strongroom puts around an XKS AES-GCM call (XKS proxy API spec v1.0.3, Encrypt, and
 * Appendix C).
 *
 * ciphertextMetadata (the spec allows up to 20 vendor bytes, returned by KMS on Decrypt):
 *   format (1 byte, 0x01) ‖ material version (uint16 big-endian) ‖ derivation nonce (16 bytes)
 * = 19 bytes. The format byte names this layout and this AAD encoding, so a later format can
 * change either and old ciphertexts still decrypt (the spec's own advice).
 *
 * AES-GCM invocation bound (NIST SP 800-38D §8.3; DESIGN.md pitfalls): the token never encrypts
 * under the material itself. Each Encrypt derives a one-time key in the token from the material
 * and nonce ‖ IV (see hsm/xks.ts). Deriving from the 96-bit IV alone would not help: two calls
 * that draw the same IV would derive the same key and reuse (key, IV) exactly as plain GCM does.
 * With the nonce carried in the metadata the (key, IV) pair repeats only if 224 random bits do.
 */
import { createHash } from 'node:crypto';

export const XKS_CM_FORMAT = 0x01;
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

export function encodeCiphertextMetadata(m: CiphertextMetadata): Buffer {
  if (m.nonce.length !== XKS_NONCE_BYTES) throw new RangeError(`nonce must be ${XKS_NONCE_BYTES} bytes`);
  if (!Number.isInteger(m.version) || m.version < 1 || m.version > 0xffff) throw new RangeError('version must be 1 to 65535');
  const out = Buffer.alloc(XKS_CM_BYTES);
  out[0] = XKS_CM_FORMAT;
  out.writeUInt16BE(m.version, 1);
  m.nonce.copy(out, 3);
  return out;
}

/** undefined for metadata that is not ours (wrong length or format): the caller answers InvalidCiphertextException. */
export function decodeCiphertextMetadata(cm: Buffer): CiphertextMetadata | undefined {
  if (cm.length !== XKS_CM_BYTES || cm[0] !== XKS_CM_FORMAT) return undefined;
  const version = cm.readUInt16BE(1);
  if (version === 0) return undefined;
  return { version, nonce: Buffer.from(cm.subarray(3)) };
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
