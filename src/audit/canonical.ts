/**
 * The canonical encoding every audit hash is computed over: the JSON Canonicalization Scheme
 * (RFC 8785) restricted to the values audit records hold — objects (keys sorted by UTF-16 code
 * units, as RFC 8785 §3.2.3), arrays, strings (ECMAScript JSON.stringify escaping, §3.2.2.2),
 * safe integers, booleans and null. Floats, non-safe integers, undefined inside arrays and
 * anything else throw, so a record can never encode in two ways. `undefined` object members are
 * omitted. An export line parsed back with JSON.parse re-encodes to the same bytes, which is
 * what lets `audit verify --file` recompute the hashes offline.
 */
// node:crypto (OpenSSL), not @noble/hashes, for the chain: every request hashes its record on the
// event loop, and the pure-JS SHA-256 was about 4% of it at 3,000 XKS Encrypts/s (profiled).
import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };

export class CanonicalEncodingError extends Error {}

function encode(v: unknown, out: string[]): void {
  if (v === null) {
    out.push('null');
  } else if (typeof v === 'string') {
    out.push(JSON.stringify(v));
  } else if (typeof v === 'boolean') {
    out.push(v ? 'true' : 'false');
  } else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new CanonicalEncodingError(`audit records hold only safe integers, got ${v}`);
    out.push(String(v));
  } else if (Array.isArray(v)) {
    out.push('[');
    v.forEach((item, i) => {
      if (i > 0) out.push(',');
      if (item === undefined) throw new CanonicalEncodingError('undefined array element');
      encode(item, out);
    });
    out.push(']');
  } else if (typeof v === 'object') {
    // Object.keys: own enumerable string keys, so a "__proto__" member (JSON.parse makes it an own
    // property; the record builders use defineProperty) is encoded like any other key.
    const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    keys.sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      encode((v as Record<string, unknown>)[k], out);
    });
    out.push('}');
  } else {
    throw new CanonicalEncodingError(`cannot encode a ${typeof v} in an audit record`);
  }
}

export function canonicalJson(v: unknown): string {
  const out: string[] = [];
  encode(v, out);
  return out.join('');
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function sha256HexOfBytes(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256Bytes(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export { AUDIT_GENESIS_HASH as GENESIS_HASH } from '../kms/ports/store-audit.js';
