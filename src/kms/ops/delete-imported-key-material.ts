/**
 * DeleteImportedKeyMaterial (AWS KMS API Reference: DeleteImportedKeyMaterial): the material
 * (KeyMaterialId, default the current one) is deleted and the key becomes unusable (PendingImport,
 * unless it is pending deletion) until the same material is imported again. The database change
 * comes first (every node then refuses the material), then the token object is destroyed.
 */
import type { OpContext } from '../context.js';
import type { DeleteImportedKeyMaterialRequest, DeleteImportedKeyMaterialResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertImportable } from '../imported-material.js';
import { NotFoundException } from '../errors.js';

export async function deleteImportedKeyMaterial(
  ctx: OpContext,
  input: DeleteImportedKeyMaterialRequest,
): Promise<DeleteImportedKeyMaterialResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'DeleteImportedKeyMaterial', key);
  assertImportable(key, { allowPendingDeletion: true });
  const materialId = input.KeyMaterialId ?? key.currentMaterialId;
  // A key that never had material: nothing to delete (key-state matrix: PendingImport, no effect).
  if (materialId === undefined) return { KeyId: key.arn };
  const r = await ctx.deps.store.imports.deleteMaterial(key.keyId, materialId);
  if (r.result === 'missing') throw new NotFoundException(`Key material ${materialId} is not associated with ${key.arn}.`);
  await ctx.deps.hsm.destroyMaterial({ keyId: key.keyId, materialId });
  return { KeyId: key.arn, KeyMaterialId: materialId };
}
