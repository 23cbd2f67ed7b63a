/**
 * ScheduleKeyDeletion (AWS KMS API Reference: ScheduleKeyDeletion): PendingWindowInDays 7–30,
 * default 30. The model allows 1–365, AWS's documented range is 7–30, so the narrower check is ours.
 */
import type { OpContext } from '../context.js';
import type { ScheduleKeyDeletionRequest, ScheduleKeyDeletionResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { stateError } from '../key-state.js';
import { ValidationException } from '../errors.js';
import { DAY_MS, toEpochSeconds } from '../../lib/time.js';

export async function scheduleKeyDeletion(ctx: OpContext, input: ScheduleKeyDeletionRequest): Promise<ScheduleKeyDeletionResponse> {
  const days = input.PendingWindowInDays ?? 30;
  if (days < 7 || days > 30) {
    throw new ValidationException(
      `1 validation error detected: Value '${days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value ${days < 7 ? 'greater than or equal to 7' : 'less than or equal to 30'}`,
    );
  }
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'ScheduleKeyDeletion', key);
  if (key.keyState === 'PendingDeletion' || key.keyState === 'PendingReplicaDeletion' || key.keyState === 'Updating') throw stateError(key);
  const deletionDate = ctx.deps.clock.now() + days * DAY_MS;
  const ok = await ctx.deps.store.keys.update(
    key.keyId,
    { keyState: 'PendingDeletion', deletionDate, pendingWindowInDays: days },
    ['Enabled', 'Disabled', 'PendingImport', 'Unavailable', 'Creating'],
  );
  if (!ok) throw stateError((await ctx.deps.store.keys.get(key.keyId)) ?? key);
  return { KeyId: key.arn, DeletionDate: toEpochSeconds(deletionDate), KeyState: 'PendingDeletion', PendingWindowInDays: days };
}
