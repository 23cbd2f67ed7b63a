/**
 * Base64 helpers. Decoding is strict (RFC 4648 §4, standard alphabet, padding required) because
 * Node's Buffer.from(s, 'base64') silently skips invalid characters, which would let a corrupted
 * blob decode to something else instead of failing.
 */
const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64Strict(s: string): Buffer | undefined {
  if (!STRICT.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const PAD = 0x3d;

export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

/**
 * Writes the base64 of `src` into `dst` at `offset` without creating a JS string, so secret
 * bytes (data keys, plaintext) never land on the V8 heap as immutable strings that cannot be zeroed.
 * Returns the offset after the last byte written.
 */
export function encodeBase64Into(src: Uint8Array, dst: Buffer, offset: number): number {
  let o = offset;
  let i = 0;
  for (; i + 2 < src.length; i += 3) {
    const n = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
    dst[o++] = ALPHABET[(n >> 18) & 63]!;
    dst[o++] = ALPHABET[(n >> 12) & 63]!;
    dst[o++] = ALPHABET[(n >> 6) & 63]!;
    dst[o++] = ALPHABET[n & 63]!;
  }
  const rest = src.length - i;
  if (rest === 1) {
    const n = src[i]! << 16;
    dst[o++] = ALPHABET[(n >> 18) & 63]!;
    dst[o++] = ALPHABET[(n >> 12) & 63]!;
    dst[o++] = PAD;
    dst[o++] = PAD;
  } else if (rest === 2) {
    const n = (src[i]! << 16) | (src[i + 1]! << 8);
    dst[o++] = ALPHABET[(n >> 18) & 63]!;
    dst[o++] = ALPHABET[(n >> 12) & 63]!;
    dst[o++] = ALPHABET[(n >> 6) & 63]!;
    dst[o++] = PAD;
  }
  return o;
}
