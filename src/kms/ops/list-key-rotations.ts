/**
 * ListKeyRotations (AWS KMS API Reference: ListKeyRotations; Limit 1–1000, default 100).
 * IncludeKeyMaterial ROTATIONS_ONLY (default) lists materials that became current by a rotation;
 * ALL_KEY_MATERIAL also the initial material and imported material pending rotation.
 */
import type { OpContext } from '../context.js';
import type { ListKeyRotationsRequest, ListKeyRotationsResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { pageRequest, pageWire } from '../pagination.js';
import { assertRotatableKey, rotationEntry } from '../rotation-rules.js';
import { InvalidMarkerException } from '../errors.js';

const CURSOR = /^\d{16}:[0-9a-f]{64}$/;

export async function listKeyRotations(ctx: OpContext, input: ListKeyRotationsRequest): Promise<ListKeyRotationsResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  await authorize(ctx, 'ListKeyRotations', key);
  assertRotatableKey(key);
  const page = pageRequest(input.Limit, input.Marker, { default: 100, max: 1000 });
  if (page.after !== undefined && !CURSOR.test(page.after)) {
    throw new InvalidMarkerException('Invalid marker. The marker must be a value returned by a previous call.');
  }
  const rotationsOnly = (input.IncludeKeyMaterial ?? 'ROTATIONS_ONLY') === 'ROTATIONS_ONLY';
  const result = await ctx.deps.store.rotations.listMaterials(key.keyId, rotationsOnly, page);
  return { Rotations: result.items.map((v) => rotationEntry(key, v)), ...pageWire(result) };
}
