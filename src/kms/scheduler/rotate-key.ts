/**
 * Rotation jobs. `rotate-key:<keyId>:<due>` is the automatic rotation due at <due>;
 * `on-demand-rotation:<keyId>:<started>` an accepted RotateKeyOnDemand. Either one:
 *
 * 1. cleans up what a crashed earlier attempt left (its intent: a material id that never reached
 *    the database, e.g. an orphaned token object), then
 * 2. records the new material id as its intent, creates the material in the token, and
 * 3. commits everything in one store transaction that is conditional on the schedule still being
 *    the one this job is for and on this node still holding the claim (store-rotations.ts).
 *
 * A re-run after success finds the precondition gone and does nothing, so each rotation happens
 * exactly once whatever crashes or how many nodes run the scheduler.
 */
import type { KeyRecord } from '../model/key.js';
import { newMaterialId } from '../../lib/ids.js';
import { DAY_MS } from '../../lib/time.js';
import type { RotationType } from '../model/lifecycle.js';
import type { RotationPrecondition } from '../ports/store-rotations.js';
import type { JobContext, JobOutcome } from './types.js';

/** Destroys the material of an earlier attempt of this job unless it was committed after all. */
export async function cleanUpIntent(ctx: JobContext): Promise<void> {
  const { job, deps } = ctx;
  if (!job.intent || !job.keyId) return;
  if (await deps.store.keys.getMaterial(job.keyId, job.intent)) return;
  await deps.hsm.destroyMaterial({ keyId: job.keyId, materialId: job.intent });
}

async function rotateWithNewMaterial(
  ctx: JobContext,
  key: KeyRecord,
  rotationType: RotationType,
  expect: (now: number) => RotationPrecondition,
): Promise<JobOutcome> {
  const { deps, job } = ctx;
  const materialId = newMaterialId();
  await ctx.setIntent(materialId);
  const generated = await deps.hsm.generateSymmetricMaterial(key.keyId, materialId);
  const now = deps.clock.now();
  const ok = await deps.store.rotations.commit({
    keyId: key.keyId,
    rotationType,
    rotatedAt: now,
    expect: expect(now),
    fence: { jobId: job.jobId, token: job.token },
    material: { insert: { keyId: key.keyId, materialId, createdAt: now, storage: deps.hsm.mode, wrapped: generated.wrapped, state: 'CURRENT' } },
  });
  if (!ok) {
    await deps.hsm.destroyMaterial({ keyId: key.keyId, materialId, wrapped: generated.wrapped });
    return 'noop';
  }
  await ctx.hooks.onEvent?.({ eventName: 'RotateKey', key, materialId, rotationType, time: now });
  return 'done';
}

export async function runAutomaticRotation(ctx: JobContext): Promise<JobOutcome> {
  const { deps, job } = ctx;
  await cleanUpIntent(ctx);
  const due = (JSON.parse(job.payload ?? '{}') as { nextRotationAt?: number }).nextRotationAt;
  if (!job.keyId || due === undefined) return 'noop';
  const key = await deps.store.keys.get(job.keyId);
  const r = await deps.store.rotations.get(job.keyId);
  // Disabled keys wait: when enabled again the schedule is found due and the job comes back.
  if (!key || key.keyState !== 'Enabled' || key.origin !== 'AWS_KMS' || !r?.enabled || r.nextRotationAt !== due) return 'noop';
  // AWS KMS Developer Guide, rotating keys: the next rotation is one period after this one.
  return rotateWithNewMaterial(ctx, key, 'AUTOMATIC', (now) => ({
    kind: 'automatic', nextRotationAt: due, newNextRotationAt: now + r.periodDays * DAY_MS,
  }));
}

export async function runOnDemandRotation(ctx: JobContext): Promise<JobOutcome> {
  const { deps, job } = ctx;
  await cleanUpIntent(ctx);
  const { startedAt, promote } = JSON.parse(job.payload ?? '{}') as { startedAt?: number; promote?: string };
  if (!job.keyId || startedAt === undefined) return 'noop';
  const key = await deps.store.keys.get(job.keyId);
  const r = await deps.store.rotations.get(job.keyId);
  if (!key || r?.onDemandStartedAt !== startedAt) return 'noop';
  const expect: RotationPrecondition = { kind: 'on-demand', startedAt };
  if (promote === undefined) return rotateWithNewMaterial(ctx, key, 'ON_DEMAND', () => expect);
  // Imported material: RotateKeyOnDemand makes the PENDING_ROTATION material current.
  const now = deps.clock.now();
  const fence = { jobId: job.jobId, token: job.token };
  const ok = await deps.store.rotations.commit({ keyId: key.keyId, rotationType: 'ON_DEMAND', rotatedAt: now, expect, fence, material: { promote } });
  if (!ok) {
    // The pending material was deleted meanwhile: give up this rotation rather than block the key.
    await deps.store.rotations.abandonOnDemand(key.keyId, startedAt);
    return 'noop';
  }
  await ctx.hooks.onEvent?.({ eventName: 'RotateKey', key, materialId: promote, rotationType: 'ON_DEMAND', time: now });
  return 'done';
}
