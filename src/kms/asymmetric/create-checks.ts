/**
 * CreateKey rules for non-symmetric key specs (AWS KMS API Reference: CreateKey; reference §3.1):
 * KeyUsage is required and must be one the spec allows. Wording is AWS's:
 * "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys." and
 * "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048".
 */
import type { CreateKeyRequest } from '../model/api-shapes.js';
import type { KeyUsage } from '../model/key.js';
import { UnsupportedOperationException, ValidationException } from '../errors.js';
import { ASYMMETRIC_SPECS, MAC_SPECS, UNSUPPORTED_SPECS } from './specs.js';

export function checkNonSymmetricKey(input: CreateKeyRequest, keySpec: string): void {
  if (UNSUPPORTED_SPECS.has(keySpec)) throw new UnsupportedOperationException(`KeySpec ${keySpec} is not supported.`);
  if (input.KeyUsage === undefined) {
    throw new ValidationException('You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
  }
  const allowed: readonly KeyUsage[] = MAC_SPECS.has(keySpec) ? ['GENERATE_VERIFY_MAC'] : (ASYMMETRIC_SPECS.get(keySpec)?.usages ?? []);
  if (!allowed.includes(input.KeyUsage)) {
    throw new ValidationException(`KeyUsage ${input.KeyUsage} is not compatible with KeySpec ${keySpec}`);
  }
  // AWS can import asymmetric and HMAC material; Strongroom imports symmetric material only.
  if (input.Origin === 'EXTERNAL') {
    throw new UnsupportedOperationException(`Origin EXTERNAL is not supported for KeySpec ${keySpec}; only SYMMETRIC_DEFAULT keys accept imported key material.`);
  }
}
