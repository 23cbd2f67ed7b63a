/**
 * EME-OAEP decoding of a message of unknown length (RFC 8017 §7.1.2), for RSAES_OAEP_SHA_256
 * Decrypt on tokens without native SHA-256 OAEP. SoftHSM 2.6.1 hard-wires CKM_RSA_PKCS_OAEP to
 * SHA-1/MGF1-SHA1 (CKR_ARGUMENTS_BAD for SHA-256, notes §3e), so asymmetric-decrypt.ts decrypts
 * with raw CKM_RSA_X_509 inside the token and decodes the encoded message here. An HSM with native
 * CKM_RSA_PKCS_OAEP + CKM_SHA256 never reaches this file.
 *
 * (oaep.ts decodes for key import, where the length is known in advance and is itself checked;
 * Decrypt has to return whatever length the sender chose, hence this variant.)
 *
 * Constant time (Manger's attack): the leading zero byte, the label hash, the zero run and the
 * 0x01 separator are checked over the whole block with branch-free byte arithmetic and folded into
 * one flag; there is one failure, reported only after every check. The encoded message and every
 * intermediate buffer are zeroed before returning. (JavaScript gives no hard guarantee; this
 * follows constant-time C discipline with byte arithmetic instead of comparisons.)
 */
import { createHash } from 'node:crypto';
import { HsmDecryptError } from '../kms/ports/hsm.js';
import { zero } from '../lib/bytes.js';

export type OaepDigest = 'sha1' | 'sha256';

const HASH_BYTES: Readonly<Record<OaepDigest, number>> = { sha1: 20, sha256: 32 };

/** MGF1 (RFC 8017 §B.2.1). */
function mgf1(hash: OaepDigest, seed: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  const counter = Buffer.alloc(4);
  for (let offset = 0, i = 0; offset < length; i += 1) {
    counter.writeUInt32BE(i, 0);
    const block = createHash(hash).update(seed).update(counter).digest();
    offset += block.copy(out, offset);
    zero(block);
  }
  return out;
}

/** 1 if the bytes a and b are equal, else 0, without a comparison. */
function eq(a: number, b: number): number {
  return (((a ^ b) - 1) >>> 8) & 1;
}

/**
 * Decodes the k-byte encoded message `em` (raw RSA output, left-padded to the modulus length) of
 * an RSAES-OAEP ciphertext with an empty label. `em` is zeroed. Throws HsmDecryptError.
 */
export function oaepDecodeMessage(hash: OaepDigest, em: Buffer): Buffer {
  const hLen = HASH_BYTES[hash];
  const k = em.length;
  const seed = Buffer.from(em.subarray(1, 1 + hLen));
  const db = Buffer.from(em.subarray(1 + hLen));
  let seedMask: Buffer | undefined;
  let dbMask: Buffer | undefined;
  try {
    if (k < 2 * hLen + 2) throw new HsmDecryptError('ciphertext too short for OAEP');
    seedMask = mgf1(hash, db, hLen);
    for (let i = 0; i < hLen; i += 1) seed[i]! ^= seedMask[i]!;
    dbMask = mgf1(hash, seed, db.length);
    for (let i = 0; i < db.length; i += 1) db[i]! ^= dbMask[i]!;
    const lHash = createHash(hash).digest();
    let diff = em[0]!;
    for (let i = 0; i < hLen; i += 1) diff |= db[i]! ^ lHash[i]!;
    // After lHash: zero or more 0x00, then 0x01, then the message. Every byte is visited.
    let found = 0;
    let separator = 0;
    let badPadding = 0;
    for (let i = hLen; i < db.length; i += 1) {
      const isOne = eq(db[i]!, 1);
      const first = isOne & (found ^ 1);
      separator ^= (separator ^ i) & -first;
      badPadding |= (found ^ 1) & (isOne ^ 1) & (eq(db[i]!, 0) ^ 1);
      found |= isOne;
    }
    if ((eq(diff, 0) & found & (badPadding ^ 1)) !== 1) throw new HsmDecryptError('OAEP decoding failed');
    return Buffer.from(db.subarray(separator + 1));
  } finally {
    zero(seed, db, seedMask, dbMask, em);
  }
}
