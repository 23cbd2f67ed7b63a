/**
 * EME-OAEP decoding (RFC 8017 §7.1.2, empty label, MGF1 with the same hash) of a message of known
 * length, for key-material import (import-unwrap.ts) on tokens that lack a native
 * CKM_RSA_PKCS_OAEP with SHA-256 (SoftHSM 2.6: CKR_ARGUMENTS_BAD, notes §3e). The token does the
 * private-key operation (CKM_RSA_X_509); only the encoded message is decoded here, in process
 * memory, and every intermediate buffer is zeroed before returning. The decoding itself is
 * oaep-message.ts (shared with RSA Decrypt); this adds the known-length check.
 *
 * Side channels: no branch and no memory index depends on the seed, DB or padding until every
 * check has been folded into one flag. The padding checks (Y = 0, lHash, the zero run and the 0x01
 * separator) are deliberately indistinguishable: telling "Y ≠ 0" apart from the others is what
 * Manger's attack needs. Only a message whose padding is entirely valid can be reported as having
 * the wrong length, and such a message can only be made with the public key, so that answer tells
 * an attacker nothing new. (JavaScript gives no hard constant-time guarantee; this follows the
 * same discipline as constant-time C, with byte arithmetic instead of comparisons.)
 */
import { HsmDecryptError } from '../kms/ports/hsm.js';
import { zero } from '../lib/bytes.js';
import { oaepDecodeMessage, type OaepDigest } from './oaep-message.js';

export type OaepHash = OaepDigest;

export type OaepResult = { ok: true; message: Buffer } | { ok: false; reason: 'invalid' | 'length' };

/**
 * Decodes the k-byte encoded message `em` (the raw RSA output, left-padded to the modulus length)
 * and returns the message if it has exactly `expectedLength` bytes. The length is looked at only
 * after the padding was found entirely valid. The caller zeroes `em` and the message (the
 * decoder works on, and zeroes, its own copy).
 */
export function oaepDecode(em: Buffer, hash: OaepHash, expectedLength: number): OaepResult {
  let message: Buffer;
  try {
    message = oaepDecodeMessage(hash, Buffer.from(em));
  } catch (e) {
    if (e instanceof HsmDecryptError) return { ok: false, reason: 'invalid' };
    throw e;
  }
  if (message.length !== expectedLength) {
    zero(message);
    return { ok: false, reason: 'length' };
  }
  return { ok: true, message };
}
