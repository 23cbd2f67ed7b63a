/**
 * Decrypt (XKS proxy API spec v1.0.3). The ciphertextMetadata names the material version and the
 * key-derivation scheme and carries the derivation nonce; it is also bound into the GCM AAD. Any change to ciphertext, IV,
 * tag, AAD or metadata — including moving the metadata into the AAD position — fails the tag
 * check in the token: InvalidCiphertextException.
 */
import type { XksContext } from '../context.js';
import { assertEnabled, assertUsage, loadAuthorizedKey, materialRef } from '../load-key.js';
import { decodeCiphertextMetadata, xksGcmAad } from '../ciphertext-metadata.js';
import { InvalidCiphertextException } from '../errors.js';
import { HsmDecryptError } from '../../ports/hsm.js';
import { XKS_GCM_IV_BYTES } from '../../ports/hsm-xks.js';

export interface DecryptInput {
  externalKeyId: string;
  ciphertext: Buffer;
  ciphertextMetadata?: Buffer;
  additionalAuthenticatedData?: Buffer;
  initializationVector: Buffer;
  authenticationTag: Buffer;
}

/** The caller zeroes the returned plaintext once it is written. */
export async function decrypt(ctx: XksContext, input: DecryptInput): Promise<Buffer> {
  const key = await loadAuthorizedKey(ctx, input.externalKeyId);
  assertEnabled(key);
  assertUsage(key, 'DECRYPT');
  // Every ciphertext of ours has our metadata and a 12-byte IV (the spec also allows 16 bytes).
  const meta = input.ciphertextMetadata && decodeCiphertextMetadata(input.ciphertextMetadata);
  if (!meta || input.initializationVector.length !== XKS_GCM_IV_BYTES || input.ciphertext.length === 0) {
    throw new InvalidCiphertextException();
  }
  const material = await ctx.deps.store.xksKeys.getMaterial(key.tenant, key.externalKeyId, meta.version);
  if (!material) throw new InvalidCiphertextException();
  const aad = xksGcmAad(input.additionalAuthenticatedData, input.ciphertextMetadata);
  try {
    return await ctx.deps.hsm.xks.decrypt(
      materialRef(key, material),
      meta.derivation,
      { iv: input.initializationVector, ciphertext: input.ciphertext, tag: input.authenticationTag },
      aad,
    );
  } catch (e) {
    if (e instanceof HsmDecryptError) throw new InvalidCiphertextException();
    throw e;
  }
}
