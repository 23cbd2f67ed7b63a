/**
 * Parsing of the SigV4 inputs that come from the wire: the `Authorization` header, `X-Amz-Date`
 * and Node's `rawHeaders`. Everything here is pure and throws the AWS auth-layer exceptions with
 * AWS-style wording (AWS General Reference, "Signature Version 4 signing process" →
 * "Add the signature to the HTTP request"; messages as returned by AWS JSON services).
 */
import { IncompleteSignatureException } from '../kms/errors.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const SCOPE_TERMINATOR = 'aws4_request';

/**
 * Headers that must appear at most once. Node's `req.headers` keeps only the first copy of
 * Host/Authorization (and joins others), so a second copy could be signed or read differently
 * from what the application sees. A duplicate is a malformed request, detected before any
 * cryptography, so it is an IncompleteSignatureException (400, not retried) rather than an
 * InvalidSignatureException, which the JS SDK treats as a possible clock-skew error and retries.
 */
export const SINGLE_VALUED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'host',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

/** Lower-cased header name → values in arrival order (more than one only for repeatable headers). */
export type HeaderMap = Map<string, string[]>;

export function collectHeaders(rawHeaders: readonly string[]): HeaderMap {
  const map: HeaderMap = new Map();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    const prev = map.get(name);
    if (prev === undefined) {
      map.set(name, [value]);
    } else if (SINGLE_VALUED_HEADERS.has(name)) {
      throw new IncompleteSignatureException(
        `The request contains more than one '${name}' header; it must appear exactly once.`,
      );
    } else {
      prev.push(value);
    }
  }
  return map;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  /** Credential scope parts: YYYYMMDD, region, service. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (spaces after commas optional). */
export function parseAuthorization(header: string): ParsedAuthorization {
  const value = header.trim();
  const sp = value.indexOf(' ');
  const algorithm = sp < 0 ? value : value.slice(0, sp);
  if (algorithm !== SIGV4_ALGORITHM) {
    throw new IncompleteSignatureException(
      `Unsupported AWS 'algorithm': '${clip(algorithm)}'. The Authorization header must use '${SIGV4_ALGORITHM}'.`,
    );
  }
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const part of (sp < 0 ? '' : value.slice(sp + 1)).split(',')) {
    const kv = part.trim();
    if (kv === '') continue;
    const eq = kv.indexOf('=');
    if (eq <= 0) {
      throw new IncompleteSignatureException(
        `'${clip(kv)}' not a valid key=value pair (missing equal-sign) in Authorization header.`,
      );
    }
    const key = kv.slice(0, eq);
    const val = kv.slice(eq + 1);
    const seen =
      key === 'Credential' ? credential : key === 'SignedHeaders' ? signedHeaders : key === 'Signature' ? signature : null;
    if (seen === null) {
      throw new IncompleteSignatureException(`Authorization header contains an unknown parameter '${clip(key)}'.`);
    }
    if (seen !== undefined) {
      throw new IncompleteSignatureException(`Authorization header contains the '${key}' parameter more than once.`);
    }
    if (key === 'Credential') credential = val;
    else if (key === 'SignedHeaders') signedHeaders = val;
    else signature = val;
  }
  const missing: string[] = [];
  if (!credential) missing.push("Authorization header requires 'Credential' parameter.");
  if (!signature) missing.push("Authorization header requires 'Signature' parameter.");
  if (!signedHeaders) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (missing.length > 0 || !credential || !signature || !signedHeaders) {
    throw new IncompleteSignatureException(missing.join(' '));
  }

  const scope = credential.split('/');
  if (scope.length !== 5 || scope[0] === '') {
    throw new IncompleteSignatureException(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${clip(credential)}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== SCOPE_TERMINATOR) {
    throw new IncompleteSignatureException(
      `Credential should be scoped with a valid terminator: '${SCOPE_TERMINATOR}', not '${clip(terminator)}'.`,
    );
  }

  // SigV4: SignedHeaders is the ';'-separated list of lower-case header names in the canonical request.
  const names = signedHeaders.split(';');
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (!HEADER_NAME.test(n) || names.indexOf(n) !== i) {
      throw new IncompleteSignatureException(
        `SignedHeaders must be a ';'-separated list of distinct lower-case header names, got '${clip(signedHeaders)}'.`,
      );
    }
  }
  if (!names.includes('host')) {
    throw new IncompleteSignatureException("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return { accessKeyId, date, region, service, signedHeaders: names, signature };
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** `YYYYMMDD'T'HHMMSS'Z'` (ISO 8601 basic format, UTC) → epoch ms, or undefined if not a real instant. */
export function parseAmzDate(s: string): number | undefined {
  const m = AMZ_DATE.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const h = Number(m[4]), mi = Number(m[5]), se = Number(m[6]);
  // Day 0 of the next month is the last day of this one (leap years included).
  const lastDay = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > lastDay || h > 23 || mi > 59 || se > 59) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

/** Epoch ms → `YYYYMMDD'T'HHMMSS'Z'` (seconds truncated), as AWS prints times in auth errors. */
export function formatAmzDate(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-22T14:12:18.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** Keeps client-supplied text in error messages short. */
function clip(s: string): string {
  return s.length > 128 ? `${s.slice(0, 128)}…` : s;
}
