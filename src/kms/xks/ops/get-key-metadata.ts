/**
 * GetKeyMetadata (XKS proxy API spec v1.0.3): keySpec, the key's allowed usages and its status.
 * A disabled key still answers (with DISABLED): KMS reports the status in DescribeKey.
 */
import type { XksContext } from '../context.js';
import type { XksKeyStatus, XksKeyUsage } from '../model.js';
import { loadAuthorizedKey } from '../load-key.js';

export interface GetKeyMetadataOutput {
  keySpec: 'AES_256';
  keyUsage: XksKeyUsage[];
  keyStatus: XksKeyStatus;
}

export async function getKeyMetadata(ctx: XksContext, externalKeyId: string): Promise<GetKeyMetadataOutput> {
  const key = await loadAuthorizedKey(ctx, externalKeyId);
  return { keySpec: 'AES_256', keyUsage: [...key.usages], keyStatus: key.status };
}
