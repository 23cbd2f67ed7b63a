/**
 * SigV4 canonical request and string to sign (AWS General Reference, "Create a canonical request
 * for Signature Version 4" and "Create a string to sign"). Pure string building; hashing is
 * node:crypto because every request is verified on the hot path.
 */
import { createHash } from 'node:crypto';
import { SIGV4_ALGORITHM, SCOPE_TERMINATOR } from './sigv4-parse.js';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * RFC 3986 percent-encoding as SigV4 specifies it: every byte except the unreserved characters
 * `A-Z a-z 0-9 - . _ ~` becomes `%XX` with upper-case hex (encodeURIComponent leaves `!'()*` alone,
 * so those are added). Same as the AWS SDKs' `escapeUri` and botocore's `quote(safe='~')`.
 */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Canonical URI for every service except S3: the path as it was sent (already percent-encoded by
 * the client) with empty and `.`/`..` segments removed (RFC 3986 §5.2.4, plus AWS's collapsing of
 * `//`), and each segment URI-encoded once more. Clients compute the same thing from their
 * wire path (@smithy/signature-v4 `getCanonicalPath`, botocore `_normalize_url_path`), so a path
 * `/keys/a%20b` is signed as `/keys/a%2520b`. Paths with only unreserved characters (every path
 * KMS and the XKS spec use) are unchanged, which is the "raw path" the CLI, SDKs and curl sign.
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '/' || rawPath === '') return '/';
  const out: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(uriEncode(seg));
  }
  const lead = rawPath.startsWith('/') ? '/' : '';
  const trail = out.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `${lead}${out.join('/')}${trail}`;
}

/**
 * Canonical query string: each `name=value` pair decoded from the wire and re-encoded with
 * {@link uriEncode}, sorted by encoded name then value, joined with `&`; a name without `=` gets an
 * empty value. Empty when there is no query (always the case for KMS and XKS).
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(decode(name)), uriEncode(decode(value))]);
  }
  pairs.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** True when the query carries presigned-URL (query-string) SigV4 parameters. */
export function hasQueryAuth(rawQuery: string): boolean {
  return /(?:^|&)X-Amz-(?:Algorithm|Credential|Signature)=/i.test(rawQuery);
}

/**
 * Canonical header value: each occurrence trimmed with runs of whitespace collapsed to one space
 * (as the SDKs do: `value.trim().replace(/\s+/g, ' ')`), repeated occurrences joined with ','.
 */
export function canonicalHeaderValue(values: readonly string[]): string {
  if (values.length === 1) return collapse(values[0]!);
  return values.map(collapse).join(',');
}

export interface CanonicalRequestParts {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Signed header names in SignedHeaders order, each with its canonical value. */
  headers: ReadonlyArray<readonly [string, string]>;
  payloadHash: string;
}

export function canonicalRequest(p: CanonicalRequestParts): string {
  let headerBlock = '';
  let names = '';
  for (const [name, value] of p.headers) {
    headerBlock += `${name}:${value}\n`;
    names += names === '' ? name : `;${name}`;
  }
  return `${p.method}\n${canonicalUri(p.rawPath)}\n${canonicalQuery(p.rawQuery)}\n${headerBlock}\n${names}\n${p.payloadHash}`;
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/${SCOPE_TERMINATOR}`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}

function collapse(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // malformed escape: sign what was sent
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
