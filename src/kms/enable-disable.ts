/**
 * EnableKey / DisableKey state transitions. Both are idempotent between Enabled and Disabled and
 * refused in PendingDeletion / PendingImport (reference §3.4). The store's conditional update
 * makes a concurrent ScheduleKeyDeletion win cleanly instead of being overwritten.
 */
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import { stateError } from './key-state.js';

export async function setEnabled(ctx: OpContext, key: KeyRecord, enabled: boolean): Promise<void> {
  if (key.keyState !== 'Enabled' && key.keyState !== 'Disabled') throw stateError(key);
  const ok = await ctx.deps.store.keys.update(key.keyId, { keyState: enabled ? 'Enabled' : 'Disabled' }, ['Enabled', 'Disabled']);
  if (!ok) {
    const now = await ctx.deps.store.keys.get(key.keyId);
    throw stateError(now ?? key);
  }
}
