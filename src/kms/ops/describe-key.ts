/** DescribeKey (AWS KMS API Reference: DescribeKey). Works in every key state. */
import type { OpContext } from '../context.js';
import type { DescribeKeyRequest, DescribeKeyResponse } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { keyMetadata } from '../metadata.js';
import { importedMaterialMetadata } from '../imported-material.js';

export async function describeKey(ctx: OpContext, input: DescribeKeyRequest): Promise<DescribeKeyResponse> {
  const { key, requestAlias } = await resolveKey(ctx, input.KeyId, 'key-or-alias');
  await authorize(ctx, 'DescribeKey', key, { grantTokens: input.GrantTokens, requestAlias });
  return { KeyMetadata: { ...keyMetadata(key), ...(await importedMaterialMetadata(ctx.deps.store, key)) } };
}
