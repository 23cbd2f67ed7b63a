/**
 * `hsm.xks`: AES-256-GCM for the XKS proxy API under external-key materials (the same material
 * store, both storage modes). The material itself never encrypts; the GCM key is derived from it
 * in the token (CKM_AES_CBC_ENCRYPT_DATA, as in seal.ts), in one of two schemes named by the
 * ciphertextMetadata format (kms/xks/ciphertext-metadata.ts):
 *
 *   'per-nonce' (format 2, what Encrypt writes): input nonce (16) ‖ "strongroom--xks2"; the key
 *     encrypts up to 2^20 times with fresh token IVs (xks-derived-keys.ts).
 *   'per-call' (format 1, decrypt only): input nonce (16) ‖ IV (12) ‖ "xks1", a one-time key.
 *
 * Decrypt uses the cached per-nonce key when this process holds it (the CDIV test decrypt, recent
 * ciphertexts); otherwise it derives a one-time copy, destroys it after the call and, if that
 * copy authenticated the ciphertext, caches the per-nonce key for the next decrypts (adopt).
 */
import type { Handle } from 'pkcs11js';
import { HsmDecryptError, type MaterialRef } from '../kms/ports/hsm.js';
import {
  XKS_DERIVATION_NONCE_BYTES,
  XKS_GCM_IV_BYTES,
  XKS_GCM_TAG_BYTES,
  type XksDerivation,
  type XksHsm,
  type XksSealed,
} from '../kms/ports/hsm-xks.js';
import type { PooledSession } from './pool.js';
import { deriveOneTimeKey, destroyQuietly, gcmDecrypt, gcmEncrypt, type SealDeps } from './seal.js';
import type { Token } from './token.js';
import { perNonceDerivationInput, type XksDerivedKeys } from './xks-derived-keys.js';
import { createXksHealthCheck } from './xks-health.js';

const PER_CALL_SUFFIX = Buffer.from('xks1', 'latin1');

function derivationInput(d: XksDerivation, iv: Buffer): Buffer {
  return d.scheme === 'per-call' ? Buffer.concat([d.nonce, iv, PER_CALL_SUFFIX]) : perNonceDerivationInput(d.nonce);
}

function assertNonce(nonce: Buffer): void {
  if (nonce.length !== XKS_DERIVATION_NONCE_BYTES) throw new RangeError(`nonce must be ${XKS_DERIVATION_NONCE_BYTES} bytes`);
}

export function createXksHsm(deps: SealDeps, token: Token, derived: XksDerivedKeys): XksHsm {
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
    async encrypt(ref, plaintext, aadFor): Promise<XksSealed & { nonce: Buffer }> {
      // pkcs11js passes NULL for an empty buffer and SoftHSM then answers CKR_ARGUMENTS_BAD (seal.ts).
      if (plaintext.length === 0) throw new RangeError('plaintext must be at least 1 byte');
      return runtime.withSession('xks encrypt', async (session) => {
        const key = await derived.forEncrypt(ref);
        try {
          const iv = p.C_GenerateRandom(session.handle, Buffer.alloc(XKS_GCM_IV_BYTES));
          const out = await gcmEncrypt(p, session.handle, key.handle, iv, aadFor(key.nonce), plaintext);
          // PKCS#11 GCM appends the tag; the XKS response carries it separately (spec, Encrypt).
          const n = plaintext.length;
          return { nonce: Buffer.from(key.nonce), iv, ciphertext: Buffer.from(out.subarray(0, n)), tag: Buffer.from(out.subarray(n)) };
        } finally {
          key.release();
        }
      });
    },

    async decrypt(ref, derivation, sealed, aad): Promise<Buffer> {
      assertNonce(derivation.nonce);
      const { iv, ciphertext, tag } = sealed;
      if (iv.length !== XKS_GCM_IV_BYTES || tag.length !== XKS_GCM_TAG_BYTES || ciphertext.length === 0) {
        throw new HsmDecryptError('XKS ciphertext has the wrong IV, tag or ciphertext length');
      }
      const input = Buffer.concat([ciphertext, tag]);
      return runtime.withSession('xks decrypt', async (session) => {
        const cached = derivation.scheme === 'per-nonce' ? derived.forDecrypt(ref, derivation.nonce) : undefined;
        if (!cached) {
          const plaintext = await withOneTimeKey(session, ref, derivationInput(derivation, iv), 'decrypt', (key) =>
            gcmDecrypt(p, session.handle, key, iv, aad, input),
          );
          // Best effort: the decrypt has succeeded; a failed adoption only means the next one derives again.
          if (derivation.scheme === 'per-nonce') await derived.adopt(ref, derivation.nonce).catch(() => {});
          return plaintext;
        }
        try {
          return await gcmDecrypt(p, session.handle, cached.handle, iv, aad, input);
        } finally {
          cached.release();
        }
      });
    },

    health: createXksHealthCheck(token, runtime),
  };
}
