/**
 * The symmetric ciphertext blob (DESIGN.md "Ciphertext blob"), self-describing so Decrypt works
 * without a KeyId:
 *
 *   offset  size  field
 *   0       1     format (0x01)
 *   1       16    key id (UUID bytes)
 *   17      32    key material id
 *   49      32    derivation nonce (the token derives a one-time key from material + nonce)
 *   81      12    GCM IV
 *   93      n+16  AES-256-GCM ciphertext ‖ tag
 *
 * AAD = "strongroom/ciphertext/v1" ‖ format ‖ key id ‖ material id ‖ len-prefixed key ARN ‖
 * canonical encryption context. The nonce and IV are authenticated implicitly (they determine the
 * key and the GCM counter), so changing any byte fails the tag → InvalidCiphertextException.
 * Overhead is 109 bytes, so a 4096-byte plaintext gives a 4205-byte blob (limit 6144).
 */
import { SEAL_IV_BYTES, SEAL_NONCE_BYTES, SEAL_TAG_BYTES, type SealedData } from '../ports/hsm.js';
import { bytesToUuid, uuidToBytes } from '../../lib/ids.js';
import { lengthPrefixed } from '../../lib/bytes.js';

export const CIPHERTEXT_FORMAT_V1 = 0x01;
const HEADER = 1 + 16 + 32 + SEAL_NONCE_BYTES + SEAL_IV_BYTES;
const AAD_LABEL = Buffer.from('strongroom/ciphertext/v1', 'utf8');

export interface CiphertextBlob {
  keyId: string;
  materialId: string;
  sealed: SealedData;
}

export function encodeCiphertext(blob: CiphertextBlob): Buffer {
  const { nonce, iv, ciphertext } = blob.sealed;
  return Buffer.concat([
    Buffer.of(CIPHERTEXT_FORMAT_V1),
    uuidToBytes(blob.keyId),
    Buffer.from(blob.materialId, 'hex'),
    nonce,
    iv,
    ciphertext,
  ]);
}

/** Returns undefined when the bytes cannot be a v1 blob (caller answers InvalidCiphertextException). */
export function decodeCiphertext(bytes: Buffer): CiphertextBlob | undefined {
  if (bytes.length < HEADER + SEAL_TAG_BYTES || bytes[0] !== CIPHERTEXT_FORMAT_V1) return undefined;
  let o = 1;
  const keyId = bytesToUuid(bytes.subarray(o, (o += 16)));
  const materialId = bytes.subarray(o, (o += 32)).toString('hex');
  const nonce = Buffer.from(bytes.subarray(o, (o += SEAL_NONCE_BYTES)));
  const iv = Buffer.from(bytes.subarray(o, (o += SEAL_IV_BYTES)));
  const ciphertext = Buffer.from(bytes.subarray(o));
  return { keyId, materialId, sealed: { nonce, iv, ciphertext } };
}

export function ciphertextAad(keyId: string, materialId: string, keyArn: string, canonicalContext: Buffer): Buffer {
  return Buffer.concat([
    AAD_LABEL,
    Buffer.of(CIPHERTEXT_FORMAT_V1),
    uuidToBytes(keyId),
    Buffer.from(materialId, 'hex'),
    lengthPrefixed(Buffer.from(keyArn, 'utf8')),
    canonicalContext,
  ]);
}
