/**
 * DeriveSharedSecret (AWS KMS API Reference: DeriveSharedSecret): ECDH between the key's private
 * key (in the token) and the caller's public key; the raw shared secret is returned (zeroed by
 * the response writer once on the wire: SharedSecret is a sensitive output member).
 */
import type { OpContext } from '../context.js';
import type { DeriveSharedSecretRequest, DeriveSharedSecretResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertUsableForCrypto } from '../key-state.js';
import { DryRunOperationException, UnsupportedOperationException } from '../errors.js';
import { assertKeyUsage, asymmetricSpec, currentKeyPair, incompatibleAlgorithm } from '../asymmetric/keys.js';
import { peerPoint } from '../asymmetric/peer-key.js';

export async function deriveSharedSecret(ctx: OpContext, input: DeriveSharedSecretRequest): Promise<DeriveSharedSecretResponse> {
  if (input.Recipient !== undefined) {
    throw new UnsupportedOperationException('Recipient (Nitro Enclaves attestation) is not supported.');
  }
  const algorithm = input.KeyAgreementAlgorithm;
  const { key, requestAlias } = await resolveKey(ctx, input.KeyId, 'key-or-alias');
  await authorize(ctx, 'DeriveSharedSecret', key, {
    grantTokens: input.GrantTokens,
    requestAlias,
    conditions: { 'kms:KeyAgreementAlgorithm': algorithm },
  });
  assertUsableForCrypto(key);
  assertKeyUsage(key, 'KEY_AGREEMENT', 'DeriveSharedSecret');
  const spec = asymmetricSpec(key, algorithm);
  if (algorithm !== 'ECDH' || spec.params.kind !== 'ec') throw incompatibleAlgorithm(algorithm, key);
  const point = peerPoint(input.PublicKey, spec.params.curve, key.keySpec);
  const { ref } = await currentKeyPair(ctx, key, spec);
  if (input.DryRun) throw new DryRunOperationException();
  const secret = await ctx.deps.hsm.asymmetric.deriveSharedSecret(ref, point);
  return { KeyId: key.arn, SharedSecret: secret, KeyAgreementAlgorithm: 'ECDH', KeyOrigin: key.origin };
}
