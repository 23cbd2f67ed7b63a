/**
 * Really deletes keys whose deletion window has passed: token material first (so a failure leaves a
 * key row to retry from, never an orphaned token object), then the key row with its materials,
 * aliases and tags in one transaction. Idempotent: a sweep interrupted half-way is finished by
 * the next one, because destroying already-destroyed material is not an error.
 */
import type { KmsDeps } from './context.js';
import type { KeyRecord } from './model/key.js';

export interface SweepResult {
  deleted: string[];
  failed: Array<{ keyId: string; error: string }>;
}

/** `onDeleted` runs after each key's rows are gone (the audit trail's AwsServiceEvent DeleteKey). */
export async function sweepExpiredKeys(deps: KmsDeps, batch = 100, onDeleted?: (key: KeyRecord) => Promise<void>): Promise<SweepResult> {
  const result: SweepResult = { deleted: [], failed: [] };
  const due = await deps.store.keys.listDueForDeletion(deps.clock.now(), batch);
  for (const key of due) {
    try {
      if (await deleteKeyNow(deps, key)) {
        result.deleted.push(key.keyId);
        await onDeleted?.(key);
      }
    } catch (e) {
      result.failed.push({ keyId: key.keyId, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}

/** One key: its token material, then its rows; false if the rows were already gone. */
export async function deleteKeyNow(deps: KmsDeps, key: KeyRecord): Promise<boolean> {
  for (const m of await deps.store.keys.listMaterials(key.keyId)) {
    await deps.hsm.destroyMaterial({ keyId: key.keyId, materialId: m.materialId, wrapped: m.wrapped });
  }
  return deps.store.keys.delete(key.keyId);
}
