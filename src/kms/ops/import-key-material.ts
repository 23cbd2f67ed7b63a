/**
 * ImportKeyMaterial (AWS KMS API Reference: ImportKeyMaterial). The token unwraps the material
 * with the wrapping key named by the import token and derives its material id; the same material
 * may be imported again (after DeleteImportedKeyMaterial or expiry, or to change its expiry), other
 * material only as NEW_KEY_MATERIAL for a later RotateKeyOnDemand. ExpirationModel defaults to
 * KEY_MATERIAL_EXPIRES, which needs a ValidTo in the future and at most 365 days ahead.
 */
import type { OpContext } from '../context.js';
import type { ImportKeyMaterialRequest, ImportKeyMaterialResponse } from '../model/api-shapes.js';
import type { ExpirationModel } from '../model/lifecycle.js';
import type { ImportKind } from '../ports/store-imports.js';
import { HsmDecryptError, HsmKeyNotFoundError } from '../ports/hsm.js';
import { HsmImportedMaterialError } from '../ports/hsm-imports.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { invalidImportToken, openImportToken } from '../import-token.js';
import { assertImportable, importKindFor } from '../imported-material.js';
import {
  ConflictException,
  ExpiredImportTokenException,
  IncorrectKeyMaterialException,
  InvalidCiphertextException,
  ValidationException,
} from '../errors.js';
import { DAY_MS, toEpochSeconds } from '../../lib/time.js';

function expiry(input: ImportKeyMaterialRequest, now: number): { model: ExpirationModel; validTo?: number } {
  const model = input.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES';
  if (model === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    if (input.ValidTo !== undefined) throw new ValidationException('A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE');
    return { model };
  }
  if (input.ValidTo === undefined) throw new ValidationException('A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
  if (input.ValidTo <= now) throw new ValidationException('The validTo date must be in the future.');
  if (input.ValidTo > now + 365 * DAY_MS) throw new ValidationException('The validTo date must be at most 365 days in the future.');
  return { model, validTo: input.ValidTo };
}

export async function importKeyMaterial(ctx: OpContext, input: ImportKeyMaterialRequest): Promise<ImportKeyMaterialResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  const { hsm, store, clock } = ctx.deps;
  const now = clock.now();
  await authorize(ctx, 'ImportKeyMaterial', key, {
    conditions: {
      'kms:ExpirationModel': input.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES',
      ...(input.ValidTo !== undefined ? { 'kms:ValidTo': toEpochSeconds(input.ValidTo) } : {}),
    },
  });
  assertImportable(key);
  const { model, validTo } = expiry(input, now);
  if (input.ImportType === 'NEW_KEY_MATERIAL' && input.KeyMaterialId !== undefined) {
    throw new ValidationException('KeyMaterialId cannot be specified when ImportType is NEW_KEY_MATERIAL.');
  }
  const token = await openImportToken(hsm, input.ImportToken);
  if (token.keyId !== key.keyId) throw invalidImportToken();
  if (token.validTo <= now) throw new ExpiredImportTokenException('The import token has expired. Call GetParametersForImport for new import parameters.');
  if (!(await store.imports.getParameters(token.wrappingKeyId))) throw invalidImportToken();

  const materials = (await store.rotations.listMaterials(key.keyId, false, { limit: 1000 })).items;
  let kind: ImportKind = 'first';
  let imported;
  try {
    imported = await hsm.imports.importSymmetricMaterial(
      { keyId: key.keyId, wrappingKeyId: token.wrappingKeyId, algorithm: token.algorithm, encryptedKeyMaterial: input.EncryptedKeyMaterial },
      async (materialId) => {
        kind = importKindFor(key, materials, input, materialId);
      },
    );
  } catch (e) {
    if (e instanceof HsmDecryptError) throw new InvalidCiphertextException();
    if (e instanceof HsmImportedMaterialError) throw new IncorrectKeyMaterialException('The key material must be a 256-bit (32-byte) symmetric key.');
    if (e instanceof HsmKeyNotFoundError) throw invalidImportToken(); // its wrapping key is gone
    throw e;
  }
  const result = await store.imports.commitImport({
    keyId: key.keyId,
    materialId: imported.materialId,
    kind,
    storage: hsm.mode,
    wrapped: imported.wrapped,
    importedAt: now,
    expirationModel: model,
    validTo,
    description: input.KeyMaterialDescription,
  });
  // Another import or deletion of this key's material won the race; the material is unchanged
  // in the token (its id is a function of the material), so a retry decides afresh.
  if (result === 'conflict') throw new ConflictException(`The key material of ${key.arn} changed during the import. Retry the request.`);
  return { KeyId: key.arn, KeyMaterialId: imported.materialId };
}
