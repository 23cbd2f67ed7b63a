/**
 * `delete-key:<keyId>:<deletionDate>`: the end of a ScheduleKeyDeletion waiting period (AWS: the
 * key, its material, aliases and grants are destroyed; CloudTrail service event DeleteKey). The
 * deletion itself is sweeper.ts's: token material first, then the rows in one transaction, so a
 * crash leaves a key row to retry from, never an orphaned token object. Outstanding wrapping keys
 * of the key are destroyed with it.
 */
import { deleteKeyNow } from '../sweeper.js';
import type { JobContext, JobOutcome } from './types.js';

export async function runKeyDeletion(ctx: JobContext): Promise<JobOutcome> {
  const { deps, job } = ctx;
  const { deletionDate } = JSON.parse(job.payload ?? '{}') as { deletionDate?: number };
  if (!job.keyId || deletionDate === undefined) return 'noop';
  const key = await deps.store.keys.get(job.keyId);
  // Cancelled (or rescheduled: another job carries the new date) or not due yet.
  if (!key || key.keyState !== 'PendingDeletion' || key.deletionDate !== deletionDate || deletionDate > deps.clock.now()) return 'noop';
  for (const p of await deps.store.imports.listParametersForKey(key.keyId)) {
    await deps.hsm.imports.destroyWrappingKey(p.wrappingKeyId);
    await deps.store.imports.deleteParameters(p.wrappingKeyId);
  }
  if (!(await deleteKeyNow(deps, key))) return 'noop';
  await ctx.hooks.onEvent?.({ eventName: 'DeleteKey', key, time: deps.clock.now() });
  return 'done';
}
