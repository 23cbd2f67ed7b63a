/**
 * Encrypt (XKS proxy API spec v1.0.3): AES-256-GCM in the token over the spec's AAD encoding,
 * under the key's current material version; optionally the ciphertext data integrity value,
 * computed strictly before the test decrypt (spec Appendix C: encrypt → CDIV → decrypt →
 * respond, so a bit flip after encryption cannot be covered by a CDIV computed afterwards).
 */
import type { XksContext } from '../context.js';
import { assertEnabled, assertUsage, loadAuthorizedKey, materialRef } from '../load-key.js';
import { ciphertextDataIntegrityValue, encodeCiphertextMetadata, xksGcmAad } from '../ciphertext-metadata.js';
import { InternalException } from '../errors.js';
import { HsmDecryptError } from '../../ports/hsm.js';
import { constantTimeEqual, zero } from '../../../lib/bytes.js';

export interface EncryptInput {
  externalKeyId: string;
  /** 1 … 4300 bytes (checked by the wire decoder). */
  plaintext: Buffer;
  additionalAuthenticatedData?: Buffer;
  /** ciphertextDataIntegrityValueAlgorithm was SHA_256. */
  withIntegrityValue: boolean;
}

export interface EncryptOutput {
  ciphertext: Buffer;
  ciphertextMetadata: Buffer;
  initializationVector: Buffer;
  authenticationTag: Buffer;
  ciphertextDataIntegrityValue?: Buffer;
}

export async function encrypt(ctx: XksContext, input: EncryptInput): Promise<EncryptOutput> {
  const { store, hsm } = ctx.deps;
  const key = await loadAuthorizedKey(ctx, input.externalKeyId);
  assertEnabled(key);
  assertUsage(key, 'ENCRYPT');
  // The integrity value promises a later decrypt will succeed, which needs a test decrypt now.
  if (input.withIntegrityValue) assertUsage(key, 'DECRYPT', ', which the integrity value (CDIV) test decrypt needs');
  const material = await store.xksKeys.getMaterial(key.tenant, key.externalKeyId, key.currentVersion);
  if (!material) throw new InternalException(`Material version ${key.currentVersion} of external key ${key.externalKeyId} is missing.`);
  const ref = materialRef(key, material);

  // The token draws the nonce (it names the per-nonce key); the metadata carrying it is in the AAD.
  let cm: Buffer | undefined;
  let aad: Buffer | undefined;
  const sealed = await hsm.xks.encrypt(ref, input.plaintext, (nonce) => {
    cm = encodeCiphertextMetadata({ version: material.version, nonce });
    aad = xksGcmAad(input.additionalAuthenticatedData, cm);
    return aad;
  });
  if (!cm || !aad) throw new InternalException('The token returned a ciphertext without building its AAD.');
  const out: EncryptOutput = {
    ciphertext: sealed.ciphertext,
    ciphertextMetadata: cm,
    initializationVector: sealed.iv,
    authenticationTag: sealed.tag,
  };
  if (!input.withIntegrityValue) return out;

  out.ciphertextDataIntegrityValue = ciphertextDataIntegrityValue({
    aad: input.additionalAuthenticatedData,
    cm,
    iv: sealed.iv,
    ciphertext: sealed.ciphertext,
    tag: sealed.tag,
  });
  let back: Buffer | undefined;
  try {
    back = await hsm.xks.decrypt(ref, { scheme: 'per-nonce', nonce: sealed.nonce }, sealed, aad);
    if (!constantTimeEqual(back, input.plaintext)) throw new InternalException('The test decrypt returned different bytes.');
  } catch (e) {
    if (e instanceof HsmDecryptError) throw new InternalException('The test decrypt of the new ciphertext failed.');
    throw e;
  } finally {
    zero(back);
  }
  return out;
}
