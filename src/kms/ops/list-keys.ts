/** ListKeys (AWS KMS API Reference: ListKeys): Limit 1–1000, default 100. */
import type { OpContext } from '../context.js';
import type { ListKeysRequest, ListKeysResponse } from '../model/api-shapes.js';
import { pageRequest, pageWire } from '../pagination.js';
import { authorizeAccountAction } from '../authz/account-access.js';

export async function listKeys(ctx: OpContext, input: ListKeysRequest): Promise<ListKeysResponse> {
  const { caller, deps } = ctx;
  await authorizeAccountAction(ctx, 'ListKeys');
  const page = await deps.store.keys.list(caller.accountId, caller.region, pageRequest(input.Limit, input.Marker, { default: 100, max: 1000 }));
  return { Keys: page.items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), ...pageWire(page) };
}
