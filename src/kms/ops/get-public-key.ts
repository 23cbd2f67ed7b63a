/**
 * GetPublicKey (AWS KMS API Reference: GetPublicKey): the DER SubjectPublicKeyInfo built from the
 * token's public attributes at key creation, with the key's usage and algorithms. Symmetric and
 * HMAC keys have no public key: UnsupportedOperationException.
 */
import type { OpContext } from '../context.js';
import type { CustomerMasterKeySpec, GetPublicKeyRequest, GetPublicKeyResponse, KeySpec } from '../model/api-shapes.js';
import { CustomerMasterKeySpecValues } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertUsableForCrypto } from '../key-state.js';
import { UnsupportedOperationException } from '../errors.js';
import { currentKeyPair } from '../asymmetric/keys.js';
import { ASYMMETRIC_SPECS, algorithmFields } from '../asymmetric/specs.js';

const LEGACY_SPECS: ReadonlySet<string> = new Set(CustomerMasterKeySpecValues);

export async function getPublicKey(ctx: OpContext, input: GetPublicKeyRequest): Promise<GetPublicKeyResponse> {
  const { key, requestAlias } = await resolveKey(ctx, input.KeyId, 'key-or-alias');
  await authorize(ctx, 'GetPublicKey', key, { grantTokens: input.GrantTokens, requestAlias });
  assertUsableForCrypto(key);
  const spec = ASYMMETRIC_SPECS.get(key.keySpec);
  if (!spec) throw new UnsupportedOperationException(`${key.arn} is not an asymmetric KMS key. GetPublicKey is valid only for asymmetric KMS keys.`);
  const { publicKey } = await currentKeyPair(ctx, key, spec);
  const { EncryptionAlgorithms, SigningAlgorithms, KeyAgreementAlgorithms } = algorithmFields(key.keySpec, key.keyUsage);
  return {
    KeyId: key.arn,
    PublicKey: publicKey,
    // The deprecated member lacks the newer specs (ECC_NIST_EDWARDS25519): omitted for those.
    CustomerMasterKeySpec: LEGACY_SPECS.has(key.keySpec) ? (key.keySpec as CustomerMasterKeySpec) : undefined,
    KeySpec: key.keySpec as KeySpec,
    KeyUsage: key.keyUsage,
    EncryptionAlgorithms,
    SigningAlgorithms,
    KeyAgreementAlgorithms,
  };
}
