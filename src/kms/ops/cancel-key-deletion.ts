/** CancelKeyDeletion (AWS KMS API Reference: CancelKeyDeletion): the key comes back Disabled. */
import type { OpContext } from '../context.js';
import type { CancelKeyDeletionRequest, CancelKeyDeletionResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { KMSInvalidStateException, NotFoundException } from '../errors.js';

export async function cancelKeyDeletion(ctx: OpContext, input: CancelKeyDeletionRequest): Promise<CancelKeyDeletionResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'CancelKeyDeletion', key);
  const notPending = new KMSInvalidStateException(`${key.arn} is not pending deletion.`);
  if (key.keyState !== 'PendingDeletion') throw notPending;
  // Past its deletion date the key is gone as far as callers are concerned; the sweeper removes it.
  if (key.deletionDate !== undefined && key.deletionDate <= ctx.deps.clock.now()) {
    throw new NotFoundException(`Key '${key.arn}' does not exist`);
  }
  // An EXTERNAL key without material returns to PendingImport, every other key to Disabled.
  // (Imported material deleted while pending deletion stays as a PENDING_IMPORT row: issue 7.)
  const missing = key.origin === 'EXTERNAL' && (await ctx.deps.store.keys.listMaterials(key.keyId)).some((m) => m.state === 'PENDING_IMPORT');
  const back = key.origin === 'EXTERNAL' && (!key.currentMaterialId || missing) ? 'PendingImport' : 'Disabled';
  const ok = await ctx.deps.store.keys.update(key.keyId, { keyState: back, deletionDate: null, pendingWindowInDays: null }, ['PendingDeletion']);
  if (!ok) throw notPending;
  return { KeyId: key.arn };
}
