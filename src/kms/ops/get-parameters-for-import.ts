/**
 * GetParametersForImport (AWS KMS API Reference: GetParametersForImport): an RSA wrapping key pair
 * generated in the token for this KMS key, its public key (DER SubjectPublicKeyInfo) and an import
 * token binding key, wrapping key and algorithm, valid 24 hours (ParametersValidTo). The wrapping
 * key is destroyed by the scheduler when the parameters expire.
 */
import { randomUUID } from 'node:crypto';
import type { OpContext } from '../context.js';
import type { GetParametersForImportRequest, GetParametersForImportResponse } from '../model/api-shapes.js';
import type { WrappingAlgorithm, WrappingKeySpec } from '../ports/hsm-imports.js';
import { HsmUnsupportedError } from '../ports/hsm.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { sealImportToken } from '../import-token.js';
import { assertImportable } from '../imported-material.js';
import { UnsupportedOperationException } from '../errors.js';
import { toEpochSeconds } from '../../lib/time.js';

const VALIDITY_MS = 24 * 3_600_000;

function wrapping(input: GetParametersForImportRequest): { algorithm: WrappingAlgorithm; spec: WrappingKeySpec } {
  const { WrappingAlgorithm: algorithm, WrappingKeySpec: spec } = input;
  if (algorithm === 'SM2PKE' || spec === 'SM2') throw new UnsupportedOperationException('SM2 wrapping is offered only in AWS China Regions.');
  if (algorithm === 'RSAES_PKCS1_V1_5') {
    // AWS stopped accepting it on 2023-10-10 (reference §2.10).
    throw new UnsupportedOperationException('The RSAES_PKCS1_V1_5 wrapping algorithm is deprecated and no longer supported.');
  }
  return { algorithm, spec };
}

export async function getParametersForImport(ctx: OpContext, input: GetParametersForImportRequest): Promise<GetParametersForImportResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'GetParametersForImport', key, {
    conditions: { 'kms:WrappingAlgorithm': input.WrappingAlgorithm, 'kms:WrappingKeySpec': input.WrappingKeySpec },
  });
  assertImportable(key);
  const { algorithm, spec } = wrapping(input);
  const { hsm, store, clock } = ctx.deps;
  const wrappingKeyId = randomUUID();
  let publicKey: Buffer;
  try {
    publicKey = await hsm.imports.createWrappingKey(wrappingKeyId, spec, algorithm);
  } catch (e) {
    if (e instanceof HsmUnsupportedError) throw new UnsupportedOperationException(`${e.message}.`);
    throw e;
  }
  const now = clock.now();
  const validTo = now + VALIDITY_MS;
  try {
    await store.imports.putParameters({ wrappingKeyId, keyId: key.keyId, wrappingAlgorithm: algorithm, wrappingKeySpec: spec, createdAt: now, validTo });
  } catch (e) {
    await hsm.imports.destroyWrappingKey(wrappingKeyId).catch(() => {});
    throw e;
  }
  const importToken = await sealImportToken(hsm, { keyId: key.keyId, wrappingKeyId, algorithm, spec, validTo });
  return { KeyId: key.arn, ImportToken: importToken, PublicKey: publicKey, ParametersValidTo: toEpochSeconds(validTo) };
}
