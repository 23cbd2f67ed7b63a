/**
 * seal/open (per-call derived key) and the service-secret envelope.
 *
 * AES-GCM invocation bound (DESIGN.md pitfalls, NIST SP 800-38D §8.3): at most 2^32 random-IV
 * encryptions per key. Every seal therefore derives a one-time AES-256 key in the token from the
 * material and a fresh 256-bit nonce (CKM_AES_CBC_ENCRYPT_DATA), uses it for one GCM call and
 * destroys it. The material key itself is never used for encryption.
 */
import type { Handle, PKCS11 } from 'pkcs11js';
import {
  HsmDecryptError,
  SEAL_IV_BYTES,
  SEAL_NONCE_BYTES,
  SEAL_TAG_BYTES,
  type MaterialRef,
  type SealedData,
} from '../kms/ports/hsm.js';
import { zero } from '../lib/bytes.js';
import { asDecryptFailure } from './errors.js';
import type { MaterialStore } from './materials.js';
import type { PooledSession } from './pool.js';
import type { Runtime } from './runtime.js';
import { deriveMechanism, derivedKeyTemplate, gcmMechanism } from './templates.js';
import type { WellKnownKeys } from './well-known-keys.js';

export interface SealDeps {
  p: PKCS11;
  runtime: Runtime;
  materials: MaterialStore;
  keys: WellKnownKeys;
}

/** Service-secret envelope: iv(12) ‖ ciphertext ‖ tag(16); plaintext is at least one byte. */
const SERVICE_MIN_SEALED = SEAL_IV_BYTES + SEAL_TAG_BYTES + 1;

function assertPlaintext(plaintext: Buffer): void {
  // pkcs11js passes a NULL pointer for an empty buffer: SoftHSM answers CKR_ARGUMENTS_BAD and
  // leaves the operation active on the session (measured). Nothing here needs empty plaintexts.
  if (plaintext.length === 0) throw new RangeError('plaintext must be at least 1 byte');
}

function random(p: PKCS11, session: PooledSession, length: number): Buffer {
  return p.C_GenerateRandom(session.handle, Buffer.alloc(length));
}

export async function deriveOneTimeKey(
  deps: SealDeps,
  session: PooledSession,
  ref: MaterialRef,
  nonce: Buffer,
  direction: 'encrypt' | 'decrypt',
): Promise<Handle> {
  const lease = await deps.materials.lease(ref);
  try {
    return await deps.p.C_DeriveKeyAsync(session.handle, deriveMechanism(nonce), lease.handle, derivedKeyTemplate(direction));
  } finally {
    lease.release();
  }
}

export async function gcmEncrypt(p: PKCS11, session: Handle, key: Handle, iv: Buffer, aad: Buffer, plaintext: Buffer): Promise<Buffer> {
  p.C_EncryptInit(session, gcmMechanism(iv, aad), key);
  const out = Buffer.alloc(plaintext.length + SEAL_TAG_BYTES);
  // pkcs11js returns a subarray view of `out` (notes §6.8); copy if it is shorter.
  const view = await p.C_EncryptAsync(session, plaintext, out);
  return view.length === out.length ? out : Buffer.from(view);
}

export async function gcmDecrypt(p: PKCS11, session: Handle, key: Handle, iv: Buffer, aad: Buffer, ciphertext: Buffer): Promise<Buffer> {
  p.C_DecryptInit(session, gcmMechanism(iv, aad), key);
  // SoftHSM 2.6 GCM decrypt wants room for the whole input (CKR_BUFFER_TOO_SMALL otherwise).
  const out = Buffer.alloc(ciphertext.length);
  try {
    const view = await p.C_DecryptAsync(session, ciphertext, out);
    const plaintext = Buffer.alloc(view.length);
    view.copy(plaintext);
    return plaintext;
  } catch (e) {
    // SoftHSM 2.6: tag/AAD mismatch is CKR_GENERAL_ERROR; the session stays usable.
    throw asDecryptFailure(e);
  } finally {
    zero(out);
  }
}

export function destroyQuietly(p: PKCS11, session: Handle, key: Handle | undefined): void {
  if (!key) return;
  try {
    p.C_DestroyObject(session, key);
  } catch {
    // the session is gone (and with it the session object, PKCS#11 v2.40 §4.4)
  }
}

export async function seal(deps: SealDeps, ref: MaterialRef, plaintext: Buffer, aad: Buffer): Promise<SealedData> {
  assertPlaintext(plaintext);
  return deps.runtime.withSession('seal', async (session) => {
    const nonce = random(deps.p, session, SEAL_NONCE_BYTES);
    const iv = random(deps.p, session, SEAL_IV_BYTES);
    let key: Handle | undefined;
    try {
      key = await deriveOneTimeKey(deps, session, ref, nonce, 'encrypt');
      const ciphertext = await gcmEncrypt(deps.p, session.handle, key, iv, aad, plaintext);
      return { nonce, iv, ciphertext };
    } finally {
      destroyQuietly(deps.p, session.handle, key);
    }
  });
}

export async function open(deps: SealDeps, ref: MaterialRef, sealed: SealedData, aad: Buffer): Promise<Buffer> {
  const { nonce, iv, ciphertext } = sealed;
  if (nonce.length !== SEAL_NONCE_BYTES || iv.length !== SEAL_IV_BYTES || ciphertext.length <= SEAL_TAG_BYTES) {
    throw new HsmDecryptError('sealed data has the wrong nonce, IV or ciphertext length');
  }
  return deps.runtime.withSession('open', async (session) => {
    let key: Handle | undefined;
    try {
      key = await deriveOneTimeKey(deps, session, ref, nonce, 'decrypt');
      return await gcmDecrypt(deps.p, session.handle, key, iv, aad, ciphertext);
    } finally {
      destroyQuietly(deps.p, session.handle, key);
    }
  });
}

/** Low volume (access-key secrets), so plain GCM under the token-resident service key. */
export async function sealServiceSecret(deps: SealDeps, plaintext: Buffer, aad: Buffer): Promise<Buffer> {
  assertPlaintext(plaintext);
  return deps.runtime.withSession('seal service secret', async (session) => {
    const iv = random(deps.p, session, SEAL_IV_BYTES);
    const ciphertext = await gcmEncrypt(deps.p, session.handle, deps.keys.handle('service'), iv, aad, plaintext);
    return Buffer.concat([iv, ciphertext]);
  });
}

export async function openServiceSecret(deps: SealDeps, sealed: Buffer, aad: Buffer): Promise<Buffer> {
  if (sealed.length < SERVICE_MIN_SEALED) throw new HsmDecryptError('sealed service secret is too short');
  const iv = sealed.subarray(0, SEAL_IV_BYTES);
  const ciphertext = sealed.subarray(SEAL_IV_BYTES);
  return deps.runtime.withSession('open service secret', (session) =>
    gcmDecrypt(deps.p, session.handle, deps.keys.handle('service'), iv, aad, ciphertext),
  );
}
