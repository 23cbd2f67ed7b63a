import { describe, expect, it } from 'vitest';
import { CanonicalEncodingError, canonicalJson, sha256Hex } from './canonical.js';

describe('canonical JSON (RFC 8785 subset)', () => {
  it('sorts object keys by UTF-16 code units and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], A: { d: 'é', c: '\u0000' } })).toBe('{"A":{"c":"\\u0000","d":"é"},"a":[true,null,"x"],"b":1}');
    // UTF-16 order, not code-point order (RFC 8785 §3.2.3): U+1F600 is the pair D83D DE00, before U+E000.
    expect(canonicalJson({ '\uE000': 2, '\u{1F600}': 1 })).toBe('{"\u{1F600}":1,"\uE000":2}');
  });

  it('encodes the same value identically after a JSON round trip, including a __proto__ member', () => {
    const v = JSON.parse('{"z":{"__proto__":"p","k":"v"},"n":12,"s":"a\\"b"}');
    expect(canonicalJson(v)).toBe('{"n":12,"s":"a\\"b","z":{"__proto__":"p","k":"v"}}');
    expect(canonicalJson(JSON.parse(canonicalJson(v)))).toBe(canonicalJson(v));
  });

  it('omits undefined members but refuses floats, unsafe integers and undefined array items', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(() => canonicalJson({ x: 1.5 })).toThrow(CanonicalEncodingError);
    expect(() => canonicalJson({ x: 2 ** 53 })).toThrow(CanonicalEncodingError);
    expect(() => canonicalJson([undefined])).toThrow(CanonicalEncodingError);
    expect(() => canonicalJson({ x: () => 1 })).toThrow(CanonicalEncodingError);
  });

  it('hashes the UTF-8 bytes with SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
