/** UpdateKeyDescription (AWS KMS API Reference: UpdateKeyDescription). */
import type { OpContext } from '../context.js';
import type { UpdateKeyDescriptionRequest } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertNotPendingDeletion, stateError } from '../key-state.js';

export async function updateKeyDescription(ctx: OpContext, input: UpdateKeyDescriptionRequest): Promise<object> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'UpdateKeyDescription', key);
  assertNotPendingDeletion(key);
  const ok = await ctx.deps.store.keys.update(key.keyId, { description: input.Description }, ['Enabled', 'Disabled', 'PendingImport', 'Unavailable', 'Creating', 'Updating']);
  if (!ok) throw stateError((await ctx.deps.store.keys.get(key.keyId)) ?? key);
  return {};
}
