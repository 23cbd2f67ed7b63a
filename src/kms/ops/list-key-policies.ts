/**
 * ListKeyPolicies (AWS KMS API Reference: ListKeyPolicies): always `["default"]`; Limit 1–1000,
 * default 100, paginated like every list. Every key state; not cross-account.
 */
import type { OpContext } from '../context.js';
import type { ListKeyPoliciesRequest, ListKeyPoliciesResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { pageRequest, pageWire } from '../pagination.js';

const NAMES = ['default'];

export async function listKeyPolicies(ctx: OpContext, input: ListKeyPoliciesRequest): Promise<ListKeyPoliciesResponse> {
  const page = pageRequest(input.Limit, input.Marker, { default: 100, max: 1000 });
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'ListKeyPolicies', key);
  const after = NAMES.filter((n) => page.after === undefined || n > page.after);
  const items = after.slice(0, page.limit);
  const next = after.length > page.limit ? items[items.length - 1] : undefined;
  return { PolicyNames: items, ...pageWire(next === undefined ? { items } : { items, next }) };
}
