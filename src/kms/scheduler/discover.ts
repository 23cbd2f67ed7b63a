/**
 * Finds the work that is due, from the state itself (rotation schedules, deletion dates, material
 * expiry, import-parameter validity), as job rows with deterministic ids: every node may discover
 * the same work at once and the job table still holds it once. A job whose row is gone (done) and
 * whose work reappears with the same id (e.g. a disabled key enabled again, still due) is simply
 * discovered again; the job itself re-checks the state before it acts.
 */
import type { KmsDeps } from '../context.js';
import type { NewJob } from '../model/lifecycle.js';

export async function discoverDueJobs(deps: KmsDeps, now: number, limit: number): Promise<NewJob[]> {
  const { store } = deps;
  const [rotations, deletions, expiring, parameters] = await Promise.all([
    store.rotations.listDue(now, limit),
    store.keys.listDueForDeletion(now, limit),
    store.imports.listExpiring(now, limit),
    store.imports.listExpiredParameters(now, limit),
  ]);
  const jobs: NewJob[] = [];
  for (const r of rotations) {
    jobs.push({
      jobId: `rotate-key:${r.keyId}:${r.nextRotationAt}`, kind: 'rotate-key', keyId: r.keyId, dueAt: r.nextRotationAt,
      payload: JSON.stringify({ nextRotationAt: r.nextRotationAt }),
    });
  }
  for (const k of deletions) {
    const date = k.deletionDate ?? now;
    jobs.push({
      jobId: `delete-key:${k.keyId}:${date}`, kind: 'delete-key', keyId: k.keyId, dueAt: date, payload: JSON.stringify({ deletionDate: date }),
    });
  }
  for (const m of expiring) {
    jobs.push({
      jobId: `expire-material:${m.keyId}:${m.materialId}:${m.validTo}`, kind: 'expire-material', keyId: m.keyId, dueAt: m.validTo,
      payload: JSON.stringify({ materialId: m.materialId, validTo: m.validTo }),
    });
  }
  for (const p of parameters) {
    jobs.push({
      jobId: `remove-import-parameters:${p.wrappingKeyId}`, kind: 'remove-import-parameters', keyId: p.keyId, dueAt: p.validTo,
      payload: JSON.stringify({ wrappingKeyId: p.wrappingKeyId }),
    });
  }
  return jobs;
}
