/**
 * `expire-material:<keyId>:<materialId>:<validTo>`: imported material whose ValidTo has passed is
 * deleted and the key goes to PendingImport (AWS KMS API Reference: ImportKeyMaterial, ValidTo;
 * CloudTrail service event DeleteExpiredKeyMaterial). The database change comes first and only
 * while ValidTo is still the one the job was found for (a re-import with a later expiry wins);
 * then the token object is destroyed, unless the material was re-imported meanwhile. A re-run after
 * a crash between the two finds the material PENDING_IMPORT and finishes the destruction.
 */
import type { JobContext, JobOutcome } from './types.js';

export async function runMaterialExpiry(ctx: JobContext): Promise<JobOutcome> {
  const { deps, job } = ctx;
  const { materialId, validTo } = JSON.parse(job.payload ?? '{}') as { materialId?: string; validTo?: number };
  if (!job.keyId || materialId === undefined || validTo === undefined || validTo > deps.clock.now()) return 'noop';
  const key = await deps.store.keys.get(job.keyId);
  if (!key) return 'noop';
  const r = await deps.store.imports.deleteMaterial(key.keyId, materialId, validTo);
  if (r.result === 'missing') return 'noop';
  if (r.result === 'deleted') {
    await ctx.hooks.onEvent?.({ eventName: 'DeleteExpiredKeyMaterial', key, materialId, time: deps.clock.now() });
  }
  const now = await deps.store.keys.getMaterial(key.keyId, materialId);
  if (now && now.state !== 'PENDING_IMPORT') return 'noop'; // re-imported meanwhile: the material is wanted
  await deps.hsm.destroyMaterial({ keyId: key.keyId, materialId });
  return r.result === 'deleted' ? 'done' : 'noop';
}
