/**
 * SigV4 signing-key derivation (AWS General Reference, "Derive a signing key for Signature
 * Version 4"):
 *   kDate    = HMAC-SHA256("AWS4" + secret, YYYYMMDD)
 *   kRegion  = HMAC-SHA256(kDate, region)
 *   kService = HMAC-SHA256(kRegion, service)
 *   kSigning = HMAC-SHA256(kService, "aws4_request")
 * The verifier only ever sees kSigning, which is valid for one day, region and service.
 */
import { createHmac } from 'node:crypto';
import { SCOPE_TERMINATOR } from './sigv4-parse.js';
import type { SigningSecret } from './sigv4.js';

export function deriveSigningKey(secret: Uint8Array, date: string, region: string, service: string): Buffer {
  const kSecret = Buffer.allocUnsafe(4 + secret.length);
  kSecret.write('AWS4', 0, 'latin1');
  kSecret.set(secret, 4);
  const kDate = createHmac('sha256', kSecret).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  const kSigning = createHmac('sha256', kService).update(SCOPE_TERMINATOR).digest();
  kSecret.fill(0);
  kDate.fill(0);
  kRegion.fill(0);
  kService.fill(0);
  return kSigning;
}

export interface StaticSigningSecretOptions {
  /** Epoch ms after which requests fail with ExpiredTokenException (temporary credentials). */
  expiresAt?: number;
  /** Derived keys kept per instance (scope → kSigning); default 8. */
  cacheSize?: number;
}

/**
 * A SigningSecret over a secret held in memory (e.g. an XKS credential from the config file, or
 * an access key secret just unsealed from the store). The secret is copied, so the caller may
 * zero its own buffer; derived keys are cached per instance, since a scope only changes daily.
 */
export function staticSigningSecret(secret: Uint8Array, opts: StaticSigningSecretOptions = {}): SigningSecret {
  const copy = Buffer.from(secret);
  const cache = new Map<string, Buffer>();
  const max = opts.cacheSize ?? 8;
  const signingSecret: SigningSecret = {
    signingKey(date, region, service) {
      const scope = `${date}/${region}/${service}`;
      let key = cache.get(scope);
      if (key === undefined) {
        if (cache.size >= max) cache.clear();
        key = deriveSigningKey(copy, date, region, service);
        cache.set(scope, key);
      }
      return key;
    },
  };
  if (opts.expiresAt !== undefined) signingSecret.expiresAt = opts.expiresAt;
  return signingSecret;
}
