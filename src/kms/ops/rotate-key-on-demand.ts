/**
 * RotateKeyOnDemand (AWS KMS API Reference: RotateKeyOnDemand). Symmetric encryption keys only;
 * at most 25 per key; ConflictException while one is in progress or an automatic rotation is due
 * within 20 minutes. Keys with imported material rotate into the material imported beforehand with
 * ImportType NEW_KEY_MATERIAL (state PENDING_ROTATION). The automatic schedule is not changed.
 *
 * AWS rotates asynchronously. Here the request is accepted (the in-progress mark and the job row in
 * one transaction) and then run at once; if that run fails, the scheduler retries the job and
 * GetKeyRotationStatus shows OnDemandRotationStartDate until it completes.
 */
import type { OpContext } from '../context.js';
import type { RotateKeyOnDemandRequest, RotateKeyOnDemandResponse } from '../model/api-shapes.js';
import { MAX_ON_DEMAND_ROTATIONS } from '../model/lifecycle.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { stateError } from '../key-state.js';
import { assertRotatableKey } from '../rotation-rules.js';
import { runJobNow } from '../scheduler/run-job.js';
import { ConflictException, KMSInvalidStateException, LimitExceededException, NotFoundException } from '../errors.js';

const AUTOMATIC_GUARD_MS = 20 * 60_000;
const CONFLICT = 'The request was rejected because an automatic rotation of this key is currently in progress or scheduled to begin within the next 20 minutes.';

async function pendingRotationMaterial(ctx: OpContext, keyId: string): Promise<string | undefined> {
  const all = await ctx.deps.store.rotations.listMaterials(keyId, false, { limit: 1000 });
  return all.items.find((v) => v.details?.pendingRotation && v.details.importState === 'IMPORTED')?.material.materialId;
}

export async function rotateKeyOnDemand(ctx: OpContext, input: RotateKeyOnDemandRequest): Promise<RotateKeyOnDemandResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'RotateKeyOnDemand', key);
  assertRotatableKey(key);
  if (key.keyState !== 'Enabled') throw stateError(key);
  const { store, clock } = ctx.deps;
  const now = clock.now();
  const r = await store.rotations.get(key.keyId);
  if (r?.onDemandStartedAt !== undefined) throw new ConflictException(`An on-demand rotation of ${key.arn} is already in progress.`);
  if (r?.enabled && r.nextRotationAt !== undefined && r.nextRotationAt - now < AUTOMATIC_GUARD_MS) throw new ConflictException(CONFLICT);
  let promote: string | undefined;
  if (key.origin === 'EXTERNAL') {
    promote = await pendingRotationMaterial(ctx, key.keyId);
    if (!promote) throw new KMSInvalidStateException(`No available key material pending rotation for the key: ${key.arn}.`);
  }
  const jobId = `on-demand-rotation:${key.keyId}:${now}`;
  const job = { jobId, kind: 'on-demand-rotation' as const, keyId: key.keyId, dueAt: now, payload: JSON.stringify({ startedAt: now, promote }) };
  switch (await store.rotations.startOnDemand(key.keyId, now, MAX_ON_DEMAND_ROTATIONS, job)) {
    case 'in-progress':
      throw new ConflictException(`An on-demand rotation of ${key.arn} is already in progress.`);
    case 'limit':
      throw new LimitExceededException(
        `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`,
      );
    case 'missing':
      throw new NotFoundException(`Key '${key.arn}' does not exist`);
    case 'ok':
      break;
  }
  // Accepted: a failure from here on is the scheduler's to retry, not the caller's.
  await runJobNow(ctx.deps, jobId, `request:${ctx.requestId}`).catch(() => undefined);
  return { KeyId: key.arn };
}
