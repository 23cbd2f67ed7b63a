/**
 * Rules of imported key material (AWS KMS API Reference: GetParametersForImport,
 * ImportKeyMaterial, DeleteImportedKeyMaterial; key-state matrix §3.4 footnotes [8], [9]) and the
 * decision of what an ImportKeyMaterial call is, taken once the token has told us the material id.
 */
import type { KeyRecord } from './model/key.js';
import type { ExpirationModel } from './model/lifecycle.js';
import type { ImportKeyMaterialRequest, KeyMetadata } from './model/api-shapes.js';
import type { Store } from './ports/store.js';
import type { MaterialView } from './ports/store-rotations.js';
import type { ImportKind } from './ports/store-imports.js';
import { stateError } from './key-state.js';
import { isPendingDeletion, isSymmetricEncryptionKey, originNotValid } from './rotation-rules.js';
import { IncorrectKeyMaterialException, KMSInvalidStateException, UnsupportedOperationException } from './errors.js';
import { toEpochSeconds } from '../lib/time.js';

/** Only EXTERNAL symmetric keys take imported material; not while pending deletion (unless allowed). */
export function assertImportable(key: KeyRecord, opts: { allowPendingDeletion?: boolean } = {}): void {
  if (key.origin !== 'EXTERNAL') throw originNotValid(key);
  if (!isSymmetricEncryptionKey(key)) {
    throw new UnsupportedOperationException(
      `Importing key material into ${key.keySpec} keys is not supported; only SYMMETRIC_DEFAULT keys take imported material.`,
    );
  }
  if (isPendingDeletion(key) && !opts.allowPendingDeletion) throw stateError(key);
  if (key.keyState === 'Creating' || key.keyState === 'Updating' || key.keyState === 'Unavailable') throw stateError(key);
}

export function notTheSameMaterial(key: KeyRecord): IncorrectKeyMaterialException {
  return new IncorrectKeyMaterialException(
    `The key material is not the same as the key material previously imported into ${key.arn}. ` +
      'Import the original key material, or use ImportType NEW_KEY_MATERIAL.',
  );
}

/**
 * ImportType defaults to NEW_KEY_MATERIAL before any material was imported into the key and to
 * EXISTING_KEY_MATERIAL afterwards (AWS KMS API Reference: ImportKeyMaterial, ImportType).
 * Returns the store's ImportKind for the material id, or throws the AWS error.
 */
export function importKindFor(
  key: KeyRecord,
  materials: MaterialView[],
  input: Pick<ImportKeyMaterialRequest, 'ImportType' | 'KeyMaterialId'>,
  materialId: string,
): ImportKind {
  const importType = input.ImportType ?? (materials.length === 0 ? 'NEW_KEY_MATERIAL' : 'EXISTING_KEY_MATERIAL');
  const known = materials.find((m) => m.material.materialId === materialId);
  if (importType === 'EXISTING_KEY_MATERIAL') {
    if (!known || (input.KeyMaterialId !== undefined && input.KeyMaterialId !== materialId)) throw notTheSameMaterial(key);
    return 'reimport';
  }
  if (known) {
    throw new IncorrectKeyMaterialException(
      `This key material (id: ${materialId}) is already associated with ${key.arn}. Import it with ImportType EXISTING_KEY_MATERIAL.`,
    );
  }
  if (materials.length === 0) return 'first';
  const pending = materials.find((m) => m.details?.pendingRotation);
  if (pending) {
    throw new KMSInvalidStateException(
      `New key material (id: ${materialId}) cannot be imported into KMS key ${key.arn}, ` +
        `because another key material (id: ${pending.material.materialId}) is pending rotation.`,
    );
  }
  return 'pending-rotation';
}

/**
 * KeyMetadata of keys with imported material (AWS KMS API Reference: KeyMetadata): ExpirationModel
 * "present only when Origin is EXTERNAL", of the current material; ValidTo "the earliest time at
 * which any imported key material permanently associated with this KMS key expires".
 */
export async function importedMaterialMetadata(store: Store, key: KeyRecord): Promise<Pick<KeyMetadata, 'ExpirationModel' | 'ValidTo'>> {
  if (key.origin !== 'EXTERNAL' || !key.currentMaterialId) return {};
  // One pass over the key's materials gives both: the current one's model, everyone's expiry.
  let model: ExpirationModel | undefined;
  let validTo: number | undefined;
  for (let after: string | undefined; ; ) {
    const page = await store.rotations.listMaterials(key.keyId, false, { limit: 1000, after });
    for (const { material, details } of page.items) {
      if (material.materialId === key.currentMaterialId) model = details?.expirationModel;
      const t = details?.validTo;
      if (t !== undefined && (validTo === undefined || t < validTo)) validTo = t;
    }
    if (page.next === undefined) break;
    after = page.next;
  }
  if (!model) return {};
  return validTo === undefined ? { ExpirationModel: model } : { ExpirationModel: model, ValidTo: toEpochSeconds(validTo) };
}
