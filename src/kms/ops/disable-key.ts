/** DisableKey (AWS KMS API Reference: DisableKey). Refused while PendingDeletion or PendingImport. */
import type { OpContext } from '../context.js';
import type { DisableKeyRequest } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { setEnabled } from '../enable-disable.js';

export async function disableKey(ctx: OpContext, input: DisableKeyRequest): Promise<object> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'DisableKey', key);
  await setEnabled(ctx, key, false);
  return {};
}
