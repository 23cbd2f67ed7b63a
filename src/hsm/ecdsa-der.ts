/**
 * ECDSA signature encodings. PKCS#11 CKM_ECDSA produces and consumes raw r‖s (each half the
 * curve's byte length; PKCS#11 v2.40 §2.3.1), AWS KMS returns and accepts the DER
 * ECDSA-Sig-Value SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3). Parsing is strict DER:
 * minimal lengths and integers, positive values, nothing trailing; anything else is no signature.
 */

function derInteger(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i += 1;
  let v = magnitude.subarray(i);
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.of(0), v]);
  return Buffer.concat([Buffer.of(0x02, v.length), v]);
}

function derLength(n: number): Buffer {
  return n < 0x80 ? Buffer.of(n) : Buffer.of(0x81, n);
}

/** raw r‖s → DER. */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return Buffer.concat([Buffer.of(0x30), derLength(body.length), body]);
}

interface Cursor {
  bytes: Buffer;
  at: number;
}

function readLength(c: Cursor): number | undefined {
  const first = c.bytes[c.at++];
  if (first === undefined) return undefined;
  if (first < 0x80) return first;
  if (first !== 0x81) return undefined; // ECDSA-Sig-Value never needs more than one length byte
  const n = c.bytes[c.at++];
  return n !== undefined && n >= 0x80 ? n : undefined; // long form only where short cannot do
}

/** One positive minimal INTEGER, left-padded to `size` bytes. */
function readInteger(c: Cursor, size: number): Buffer | undefined {
  if (c.bytes[c.at++] !== 0x02) return undefined;
  const len = readLength(c);
  if (len === undefined || len === 0 || c.at + len > c.bytes.length) return undefined;
  let v = c.bytes.subarray(c.at, c.at + len);
  c.at += len;
  if (v[0]! & 0x80) return undefined; // negative
  if (v.length > 1 && v[0] === 0 && !(v[1]! & 0x80)) return undefined; // not minimal
  if (v[0] === 0 && v.length > 1) v = v.subarray(1);
  if (v.length > size) return undefined;
  return Buffer.concat([Buffer.alloc(size - v.length), v]);
}

/** DER → raw r‖s of `size` bytes per half; undefined for anything that is not strict DER. */
export function ecdsaDerToRaw(der: Buffer, size: number): Buffer | undefined {
  const c: Cursor = { bytes: der, at: 0 };
  if (der[c.at++] !== 0x30) return undefined;
  const len = readLength(c);
  if (len === undefined || c.at + len !== der.length) return undefined;
  const r = readInteger(c, size);
  const s = r && readInteger(c, size);
  if (!r || !s || c.at !== der.length) return undefined;
  return Buffer.concat([r, s]);
}

/** Byte length of one signature half (the order's length, = field length for these curves). */
export const ECDSA_HALF_BYTES: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, secp256k1: 32 };
