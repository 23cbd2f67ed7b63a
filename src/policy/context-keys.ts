/**
 * Helpers for building `RequestContext.conditionKeys` (reference §5.10 "KMS condition keys").
 */
import type { ConditionValue } from './types.js';

/**
 * `kms:EncryptionContext:<key>` (one per pair, single-valued) and `kms:EncryptionContextKeys`
 * (multi-valued). Both are absent when the request has no encryption context, so
 * `"Null": {"kms:EncryptionContextKeys": "false"}` can require one.
 */
export function encryptionContextConditionKeys(ec: ReadonlyMap<string, string> | undefined): Map<string, ConditionValue> {
  const keys = new Map<string, ConditionValue>();
  if (!ec || ec.size === 0) return keys;
  for (const [k, v] of ec) keys.set(`kms:EncryptionContext:${k}`, v);
  keys.set('kms:EncryptionContextKeys', [...ec.keys()]);
  return keys;
}
