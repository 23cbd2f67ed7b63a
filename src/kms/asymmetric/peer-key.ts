/**
 * The peer public key of DeriveSharedSecret: a DER SubjectPublicKeyInfo (RFC 5280) on the same
 * curve as the KMS key (AWS KMS API Reference: DeriveSharedSecret, PublicKey). node:crypto parses
 * it and rejects points that are not on their curve; anything unusable is a ValidationException.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { EcCurve } from '../ports/hsm-asymmetric.js';
import { ValidationException } from '../errors.js';

/** The peer's uncompressed point 04‖X‖Y. */
export function peerPoint(spki: Buffer, curve: EcCurve, keySpec: string): Buffer {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new ValidationException('PublicKey is not a valid DER-encoded X.509 SubjectPublicKeyInfo.');
  }
  const jwk = key.asymmetricKeyType === 'ec' ? key.export({ format: 'jwk' }) : undefined;
  if (!jwk || jwk.crv !== curve || jwk.x === undefined || jwk.y === undefined) {
    throw new ValidationException(`PublicKey must be an elliptic curve public key on the curve of key spec ${keySpec}.`);
  }
  return Buffer.concat([Buffer.of(0x04), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
}
