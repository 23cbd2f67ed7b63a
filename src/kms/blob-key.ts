/**
 * Finds the key a symmetric ciphertext blob names (reference §5.2). The KeyId parameter is
 * optional; when given it must identify that same key (else IncorrectKeyException). A blob naming a
 * key the caller cannot see gets AWS's deliberately vague AccessDeniedException, which does not
 * reveal whether the key exists.
 */
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import { resolveKey } from './resolve-key.js';
import { blobKeyId } from './symmetric.js';
import { AccessDeniedException, IncorrectKeyException, InvalidCiphertextException, ValidationException } from './errors.js';

export const CIPHERTEXT_KEY_NOT_ACCESSIBLE =
  'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.';

export async function keyForBlob(ctx: OpContext, blob: Buffer, keyIdParam: string | undefined): Promise<KeyRecord> {
  const keyId = blobKeyId(blob);
  if (keyId === undefined) throw new InvalidCiphertextException();
  if (keyIdParam !== undefined) {
    const { key } = await resolveKey(ctx, keyIdParam, 'key-or-alias');
    if (key.keyId !== keyId) {
      throw new IncorrectKeyException('The key ID in the request does not identify a CMK that can perform this operation.');
    }
    return key;
  }
  const key = await ctx.deps.store.keys.get(keyId);
  if (!key || key.region !== ctx.caller.region) throw new AccessDeniedException(CIPHERTEXT_KEY_NOT_ACCESSIBLE);
  ctx.resources?.add(key.arn);
  return key;
}

/** CiphertextBlob is optional in the model only for DryRun with IGNORE_CIPHERTEXT, which we do not offer. */
export function requireBlob(blob: Buffer | undefined): Buffer {
  if (blob === undefined) {
    throw new ValidationException("1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null");
  }
  return blob;
}
