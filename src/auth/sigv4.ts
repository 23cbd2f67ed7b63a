/**
 * SigV4 request verification (header-based only) for the KMS JSON API (`kms`) and the XKS proxy
 * API (`kms-xks-proxy`). Pure: the only I/O is the injected credential lookup; the clock is
 * injected too. Recomputes the client's signature per AWS General Reference "Signature Version 4
 * signing process" from the raw request (method, raw target, rawHeaders, exact body bytes).
 */
import { createHmac } from 'node:crypto';
import {
  ExpiredTokenException,
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
  UnrecognizedClientException,
} from '../kms/errors.js';
import { constantTimeEqual } from '../lib/bytes.js';
import {
  canonicalHeaderValue,
  canonicalRequest,
  credentialScope,
  hasQueryAuth,
  sha256Hex,
  stringToSign,
} from './sigv4-canonical.js';
import { collectHeaders, formatAmzDate, parseAmzDate, parseAuthorization } from './sigv4-parse.js';


export interface SigV4Request {
  method: string;
  /** Raw request target as received (path + optional query), e.g. '/' or '/prefix/kms/xks/v1/health'. */
  rawUrl: string;
  /** Node's req.rawHeaders: alternating name, value, in arrival order. */
  rawHeaders: readonly string[];
  body: Uint8Array;
}

/** What the lookup returns for a known access key. */
export interface SigningSecret {
  /** kSigning for the scope (see deriveSigningKey); lets the caller cache it and keep the raw secret elsewhere. */
  signingKey(date: string, region: string, service: string): Promise<Uint8Array> | Uint8Array;
  /** Temporary credentials: epoch ms from which the session token is expired. */
  expiresAt?: number;
}

export interface VerifyOptions<C extends SigningSecret = SigningSecret> {
  /** Service name the credential scope must name: 'kms' | 'kms-xks-proxy'. */
  service: string;
  /** Current time, epoch ms (injected clock). */
  now: number;
  /** Allowed |now − X-Amz-Date|; default 5 minutes, as AWS. */
  maxSkewMs?: number;
  /** Region allow-list; any well-formed region when absent. */
  isRegionAllowed?: (region: string) => boolean;
  /** Finds the credential; undefined for an unknown key or a token that does not belong to it. May throw ExpiredTokenException. */
  lookup(accessKeyId: string, sessionToken: string | undefined): Promise<C | undefined>;
}

export interface VerifiedRequest<C extends SigningSecret = SigningSecret> {
  accessKeyId: string;
  region: string;
  service: string;
  /** YYYYMMDD from the credential scope. */
  date: string;
  /** X-Amz-Date as sent, YYYYMMDD'T'HHMMSS'Z'. */
  amzDate: string;
  signedHeaders: string[];
  sessionToken?: string;
  /** Whatever the lookup returned (typically carries the principal). */
  credential: C;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;
/** Region shapes AWS uses: us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1, … */
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export async function verifySigV4<C extends SigningSecret>(
  req: SigV4Request,
  opts: VerifyOptions<C>,
): Promise<VerifiedRequest<C>> {
  const q = req.rawUrl.indexOf('?');
  const rawPath = q < 0 ? req.rawUrl : req.rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : req.rawUrl.slice(q + 1);
  const headers = collectHeaders(req.rawHeaders);

  const authorization = headers.get('authorization')?.[0];
  if (authorization === undefined) {
    throw new MissingAuthenticationTokenException(
      hasQueryAuth(rawQuery)
        ? 'Missing Authentication Token: query-string (presigned URL) authentication is not supported; send an Authorization header.'
        : 'Missing Authentication Token',
    );
  }
  if (hasQueryAuth(rawQuery)) {
    throw new IncompleteSignatureException(
      "Only one auth mechanism allowed; only the 'X-Amz-Algorithm' query parameter or the Authorization header should be specified.",
    );
  }
  const auth = parseAuthorization(authorization);

  const amzDate = headers.get('x-amz-date')?.[0]?.trim();
  if (amzDate === undefined) {
    throw new IncompleteSignatureException("Authorization header requires existence of a 'X-Amz-Date' header.");
  }
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) {
    throw new IncompleteSignatureException(
      `Date must be in ISO-8601 'basic format'. Got '${amzDate.slice(0, 64)}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }

  // Credential scope checks, in the order and wording of AWS's InvalidSignatureException messages.
  if (auth.service !== opts.service) {
    throw new InvalidSignatureException(`Credential should be scoped to correct service: '${opts.service}'.`);
  }
  if (!REGION.test(auth.region) || (opts.isRegionAllowed !== undefined && !opts.isRegionAllowed(auth.region))) {
    throw new InvalidSignatureException('Credential should be scoped to a valid region.');
  }
  if (auth.date !== amzDate.slice(0, 8)) {
    throw new InvalidSignatureException(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }

  // Clock skew: AWS's exact text; the JS SDK retries InvalidSignatureException containing "Signature expired".
  const skew = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (signedAt < opts.now - skew) {
    throw new InvalidSignatureException(
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(opts.now - skew)} (${formatAmzDate(opts.now)} - ${skew / 60_000} min.)`,
    );
  }
  if (signedAt > opts.now + skew) {
    throw new InvalidSignatureException(
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(opts.now + skew)} (${formatAmzDate(opts.now)} + ${skew / 60_000} min.)`,
    );
  }

  // The payload hash is always computed from the exact body bytes; a sent x-amz-content-sha256 must agree.
  const payloadHash = sha256Hex(req.body);
  const contentSha = headers.get('x-amz-content-sha256')?.[0]?.trim();
  if (contentSha !== undefined && contentSha !== payloadHash) {
    throw new InvalidSignatureException("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const canonicalHeaders: Array<[string, string]> = [];
  for (const name of auth.signedHeaders) {
    // HTTP/2 carries Host as :authority; SigV4 still signs it as `host`.
    const values = headers.get(name) ?? (name === 'host' ? headers.get(':authority') : undefined);
    if (values === undefined) throw new InvalidSignatureException(SIGNATURE_MISMATCH); // a signed header is gone
    canonicalHeaders.push([name, canonicalHeaderValue(values)]);
  }
  let toSign: string;
  try {
    const scope = credentialScope(auth.date, auth.region, auth.service);
    const canonical = canonicalRequest({ method: req.method, rawPath, rawQuery, headers: canonicalHeaders, payloadHash });
    toSign = stringToSign(amzDate, scope, canonical);
  } catch (e) {
    if (e instanceof URIError) throw new InvalidSignatureException(SIGNATURE_MISMATCH); // unencodable path
    throw e;
  }

  const sessionToken = headers.get('x-amz-security-token')?.[0]?.trim();
  const credential = await opts.lookup(auth.accessKeyId, sessionToken);
  if (credential === undefined) {
    throw new UnrecognizedClientException('The security token included in the request is invalid.');
  }
  const key = await credential.signingKey(auth.date, auth.region, auth.service);
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  if (!constantTimeEqual(Buffer.from(expected, 'latin1'), Buffer.from(auth.signature, 'latin1'))) {
    throw new InvalidSignatureException(SIGNATURE_MISMATCH);
  }
  if (credential.expiresAt !== undefined && opts.now >= credential.expiresAt) {
    throw new ExpiredTokenException('The security token included in the request is expired');
  }

  const verified: VerifiedRequest<C> = {
    accessKeyId: auth.accessKeyId,
    region: auth.region,
    service: auth.service,
    date: auth.date,
    amzDate,
    signedHeaders: auth.signedHeaders,
    credential,
  };
  if (sessionToken !== undefined) verified.sessionToken = sessionToken;
  return verified;
}
