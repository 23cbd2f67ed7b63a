/**
 * EnableKeyRotation (AWS KMS API Reference: EnableKeyRotation): automatic rotation of symmetric
 * keys with KMS-generated material, RotationPeriodInDays 90–2560 (model-validated), default 365.
 * The first rotation is one period after the enable date; changing the period of an enabled key
 * keeps the date the running period started (rotation-rules.ts).
 */
import type { OpContext } from '../context.js';
import type { EnableKeyRotationRequest, EnableKeyRotationResponse } from '../model/api-shapes.js';
import { DEFAULT_ROTATION_PERIOD_DAYS } from '../model/lifecycle.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertAutomaticRotationConfigurable, nextRotationOf } from '../rotation-rules.js';
import { stateError } from '../key-state.js';

export async function enableKeyRotation(ctx: OpContext, input: EnableKeyRotationRequest): Promise<EnableKeyRotationResponse> {
  const periodDays = input.RotationPeriodInDays ?? DEFAULT_ROTATION_PERIOD_DAYS;
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'EnableKeyRotation', key, { conditions: { 'kms:RotationPeriodInDays': periodDays } });
  assertAutomaticRotationConfigurable(key);
  const { store, clock } = ctx.deps;
  const { anchor, next } = nextRotationOf(await store.rotations.get(key.keyId), periodDays, clock.now());
  if (!(await store.rotations.configure(key.keyId, { enabled: true, periodDays, periodAnchorAt: anchor, nextRotationAt: next }))) {
    throw stateError(key);
  }
  return {};
}
