/**
 * XKS proxy API URIs (XKS proxy API spec v1.0.3): `{prefix}/kms/xks/v1/health` and
 * `{prefix}/kms/xks/v1/keys/{externalKeyId}/{metadata|encrypt|decrypt}`. The path is matched
 * raw: the spec's characters ([A-Za-z0-9/_-] in prefixes, [A-Za-z0-9._-] in key ids) need no
 * percent-encoding, so anything encoded is not one of our URIs. The query string is ignored for
 * routing (SigV4 still covers it).
 */
export type XksOperation = 'GetHealthStatus' | 'GetKeyMetadata' | 'Encrypt' | 'Decrypt';

export interface XksRoute {
  prefix: string;
  operation: XksOperation;
  /** Absent for health. */
  externalKeyId?: string;
}

const ROUTE = /^((?:\/[A-Za-z0-9_-]+)*)\/kms\/xks\/v1\/(?:(health)|keys\/([A-Za-z0-9._-]{1,128})\/(metadata|encrypt|decrypt))$/;

const KEY_OPERATIONS: Record<string, XksOperation> = { metadata: 'GetKeyMetadata', encrypt: 'Encrypt', decrypt: 'Decrypt' };

/** undefined when the path is not an XKS URI at all (→ InvalidUriPathException). */
export function parseXksPath(rawUrl: string): XksRoute | undefined {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const m = ROUTE.exec(path);
  if (!m) return undefined;
  const prefix = m[1] ?? '';
  if (m[2]) return { prefix, operation: 'GetHealthStatus' };
  return { prefix, operation: KEY_OPERATIONS[m[4]!]!, externalKeyId: m[3]! };
}
