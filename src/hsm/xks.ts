/**
 * `hsm.xks`: AES-256-GCM for the XKS proxy API under external-key materials (the same material
 * store, both storage modes), with a one-time key derived in the token per call.
 *
 * Derivation input (32 bytes, CKM_AES_CBC_ENCRYPT_DATA as in seal.ts):
 *   nonce (16, from the caller, carried in ciphertextMetadata) ‖ IV (12, drawn here) ‖ "xks1"
 * The spec lets the proxy carry only ciphertextMetadata (≤ 20 bytes) and the IV (12 or 16 bytes)
 * besides the ciphertext and tag, so the nonce is 16 bytes rather than seal()'s 32; together with
 * the IV that is 224 random bits per derived key (see kms/xks/ciphertext-metadata.ts).
 */
import type { Handle } from 'pkcs11js';
import { HsmDecryptError, type MaterialRef } from '../kms/ports/hsm.js';
import {
  XKS_DERIVATION_NONCE_BYTES,
  XKS_GCM_IV_BYTES,
  XKS_GCM_TAG_BYTES,
  type XksHsm,
  type XksSealed,
} from '../kms/ports/hsm-xks.js';
import type { PooledSession } from './pool.js';
import { deriveOneTimeKey, destroyQuietly, gcmDecrypt, gcmEncrypt, type SealDeps } from './seal.js';
import type { Token } from './token.js';
import { createXksHealthCheck } from './xks-health.js';

const DOMAIN = Buffer.from('xks1', 'latin1');

function derivationInput(nonce: Buffer, iv: Buffer): Buffer {
  return Buffer.concat([nonce, iv, DOMAIN]);
}

function assertNonce(nonce: Buffer): void {
  if (nonce.length !== XKS_DERIVATION_NONCE_BYTES) throw new RangeError(`nonce must be ${XKS_DERIVATION_NONCE_BYTES} bytes`);
}

export function createXksHsm(deps: SealDeps, token: Token): XksHsm {
  const { p, runtime } = deps;

  async function withOneTimeKey<T>(
    session: PooledSession,
    ref: MaterialRef,
    input: Buffer,
    direction: 'encrypt' | 'decrypt',
    fn: (key: Handle) => Promise<T>,
  ): Promise<T> {
    let key: Handle | undefined;
    try {
      key = await deriveOneTimeKey(deps, session, ref, input, direction);
      return await fn(key);
    } finally {
      destroyQuietly(p, session.handle, key);
    }
  }

  return {
    async encrypt(ref, nonce, plaintext, aad): Promise<XksSealed> {
      assertNonce(nonce);
      // pkcs11js passes NULL for an empty buffer and SoftHSM then answers CKR_ARGUMENTS_BAD (seal.ts).
      if (plaintext.length === 0) throw new RangeError('plaintext must be at least 1 byte');
      return runtime.withSession('xks encrypt', async (session) => {
        const iv = p.C_GenerateRandom(session.handle, Buffer.alloc(XKS_GCM_IV_BYTES));
        const out = await withOneTimeKey(session, ref, derivationInput(nonce, iv), 'encrypt', (key) =>
          gcmEncrypt(p, session.handle, key, iv, aad, plaintext),
        );
        // PKCS#11 GCM appends the tag; the XKS response carries it separately (spec, Encrypt).
        const n = plaintext.length;
        return { iv, ciphertext: Buffer.from(out.subarray(0, n)), tag: Buffer.from(out.subarray(n)) };
      });
    },

    async decrypt(ref, nonce, sealed, aad): Promise<Buffer> {
      assertNonce(nonce);
      const { iv, ciphertext, tag } = sealed;
      if (iv.length !== XKS_GCM_IV_BYTES || tag.length !== XKS_GCM_TAG_BYTES || ciphertext.length === 0) {
        throw new HsmDecryptError('XKS ciphertext has the wrong IV, tag or ciphertext length');
      }
      const input = Buffer.concat([ciphertext, tag]);
      return runtime.withSession('xks decrypt', (session) =>
        withOneTimeKey(session, ref, derivationInput(nonce, iv), 'decrypt', (key) => gcmDecrypt(p, session.handle, key, iv, aad, input)),
      );
    },

    health: createXksHealthCheck(token, runtime),
  };
}
