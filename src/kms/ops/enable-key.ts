/** EnableKey (AWS KMS API Reference: EnableKey). Refused while PendingDeletion or PendingImport. */
import type { OpContext } from '../context.js';
import type { EnableKeyRequest } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { setEnabled } from '../enable-disable.js';

export async function enableKey(ctx: OpContext, input: EnableKeyRequest): Promise<object> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'EnableKey', key);
  await setEnabled(ctx, key, true);
  return {};
}
