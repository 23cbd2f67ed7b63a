import { timingSafeEqual } from 'node:crypto';

/** Overwrites secret bytes in place (plaintext, data keys, PINs) once they are no longer needed. */
export function zero(...buffers: Array<Buffer | Uint8Array | undefined>): void {
  for (const b of buffers) b?.fill(0);
}

/** Constant-time equality for MACs, signatures and tags; unequal lengths are simply unequal. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function u32be(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

/** Length-prefixed (u32 big-endian) concatenation: no two different inputs encode alike. */
export function lengthPrefixed(...parts: Uint8Array[]): Buffer {
  const chunks: Uint8Array[] = [];
  for (const p of parts) chunks.push(u32be(p.length), p);
  return Buffer.concat(chunks);
}
