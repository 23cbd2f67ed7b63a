/**
 * AWS JSON 1.1 response encoding: blobs (Buffers) as base64, absent members omitted, everything
 * else as JSON. Blob base64 is written straight into the output Buffer, never into a JS string:
 * a plaintext data key held in an immutable string cannot be zeroed (DESIGN pitfall, measured
 * 140 of 200 keys recoverable from a core dump). Members named in `sensitive` are zeroed in the
 * source object once copied; the caller zeroes the returned bytes after they are written.
 */
import { base64Length, encodeBase64Into } from '../../lib/base64.js';

/** Output members that carry secrets (Smithy `sensitive` blobs in KMS responses). */
export const SENSITIVE_OUTPUT_MEMBERS: ReadonlySet<string> = new Set(['Plaintext', 'PrivateKeyPlaintext', 'SharedSecret']);

type Piece = string | Buffer;

function collect(value: unknown, pieces: Piece[]): void {
  if (Buffer.isBuffer(value)) {
    pieces.push(value);
  } else if (Array.isArray(value)) {
    pieces.push('[');
    value.forEach((v, i) => {
      if (i > 0) pieces.push(',');
      collect(v, pieces);
    });
    pieces.push(']');
  } else if (value !== null && typeof value === 'object' && !(value instanceof Map)) {
    pieces.push('{');
    let first = true;
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      pieces.push(`${first ? '' : ','}${JSON.stringify(k)}:`);
      first = false;
      collect(v, pieces);
    }
    pieces.push('}');
  } else if (value instanceof Map) {
    collect(Object.fromEntries(value), pieces);
  } else {
    pieces.push(JSON.stringify(value));
  }
}

export function serializeResponse(output: object): Buffer {
  const pieces: Piece[] = [];
  collect(output, pieces);
  let size = 0;
  for (const p of pieces) size += typeof p === 'string' ? Buffer.byteLength(p) : base64Length(p.length) + 2;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (const p of pieces) {
    if (typeof p === 'string') {
      o += out.write(p, o);
    } else {
      out[o++] = 0x22;
      o = encodeBase64Into(p, out, o);
      out[o++] = 0x22;
    }
  }
  for (const name of SENSITIVE_OUTPUT_MEMBERS) {
    const v = (output as Record<string, unknown>)[name];
    if (Buffer.isBuffer(v)) v.fill(0);
  }
  return out;
}

export function serializeError(type: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ __type: type, message }));
}
