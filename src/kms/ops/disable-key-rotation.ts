/** DisableKeyRotation (AWS KMS API Reference: DisableKeyRotation); same eligibility as EnableKeyRotation. */
import type { OpContext } from '../context.js';
import type { DisableKeyRotationRequest, DisableKeyRotationResponse } from '../model/api-shapes.js';
import { DEFAULT_ROTATION_PERIOD_DAYS } from '../model/lifecycle.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertAutomaticRotationConfigurable } from '../rotation-rules.js';
import { stateError } from '../key-state.js';

export async function disableKeyRotation(ctx: OpContext, input: DisableKeyRotationRequest): Promise<DisableKeyRotationResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'DisableKeyRotation', key);
  assertAutomaticRotationConfigurable(key);
  const current = await ctx.deps.store.rotations.get(key.keyId);
  const periodDays = current?.periodDays ?? DEFAULT_ROTATION_PERIOD_DAYS;
  if (!(await ctx.deps.store.rotations.configure(key.keyId, { enabled: false, periodDays }))) throw stateError(key);
  return {};
}
