/**
 * GetKeyRotationStatus (AWS KMS API Reference: GetKeyRotationStatus). A key pending deletion
 * reports false; a disabled key keeps its setting (it just does not rotate while disabled).
 * OnDemandRotationStartDate appears only while an on-demand rotation is in progress. Keys with
 * imported material answer too (automatic rotation is always off for them) because they can
 * rotate on demand (reference §2.9 RotateKeyOnDemand).
 */
import type { OpContext } from '../context.js';
import type { GetKeyRotationStatusRequest, GetKeyRotationStatusResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertRotatableKey, isPendingDeletion } from '../rotation-rules.js';
import { toEpochSeconds } from '../../lib/time.js';

export async function getKeyRotationStatus(ctx: OpContext, input: GetKeyRotationStatusRequest): Promise<GetKeyRotationStatusResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'GetKeyRotationStatus', key);
  assertRotatableKey(key);
  const r = await ctx.deps.store.rotations.get(key.keyId);
  const enabled = r?.enabled === true && key.origin === 'AWS_KMS' && !isPendingDeletion(key);
  const out: GetKeyRotationStatusResponse = { KeyRotationEnabled: enabled, KeyId: key.arn };
  if (enabled) {
    out.RotationPeriodInDays = r.periodDays;
    if (r.nextRotationAt !== undefined) out.NextRotationDate = toEpochSeconds(r.nextRotationAt);
  }
  if (r?.onDemandStartedAt !== undefined) out.OnDemandRotationStartDate = toEpochSeconds(r.onDemandStartedAt);
  return out;
}
