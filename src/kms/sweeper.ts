/**
 * Really deletes keys whose deletion window has passed: token material first (so a failure leaves a
 * key row to retry from, never an orphaned token object), then the key row with its materials,
 * aliases and tags in one transaction. Idempotent: a sweep interrupted half-way is finished by
 * the next one, because destroying already-destroyed material is not an error.
 */
import type { KmsDeps } from './context.js';

export interface SweepResult {
  deleted: string[];
  failed: Array<{ keyId: string; error: string }>;
}

export async function sweepExpiredKeys(deps: KmsDeps, batch = 100): Promise<SweepResult> {
  const result: SweepResult = { deleted: [], failed: [] };
  const due = await deps.store.keys.listDueForDeletion(deps.clock.now(), batch);
  for (const key of due) {
    try {
      for (const m of await deps.store.keys.listMaterials(key.keyId)) {
        await deps.hsm.destroyMaterial({ keyId: key.keyId, materialId: m.materialId, wrapped: m.wrapped });
      }
      if (await deps.store.keys.delete(key.keyId)) result.deleted.push(key.keyId);
    } catch (e) {
      result.failed.push({ keyId: key.keyId, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}
