/**
 * Canonical, order-independent encoding of an encryption context for use as AAD
 * (AWS KMS Developer Guide, "Encryption context": pairs are compared exactly and case-sensitively,
 * order is irrelevant). Pairs are sorted by the UTF-8 bytes of the key and length-prefixed, so
 * {"ab":"c"} and {"a":"bc"} cannot collide. Absent and empty contexts encode alike.
 * The context arrives as a Map built from the raw JSON pairs, so a `__proto__` key survives
 * (DESIGN pitfall: a plain-object copy would silently drop it).
 */
import { u32be } from '../../lib/bytes.js';

export type EncryptionContext = Map<string, string>;

export function canonicalEncryptionContext(ec: EncryptionContext | undefined): Buffer {
  const pairs = ec ? [...ec].map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const) : [];
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  const chunks: Buffer[] = [u32be(pairs.length)];
  for (const [k, v] of pairs) chunks.push(u32be(k.length), k, u32be(v.length), v);
  return Buffer.concat(chunks);
}

/** Wire form for responses and audit records. */
export function encryptionContextToObject(ec: EncryptionContext | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (ec) for (const [k, v] of ec) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}
