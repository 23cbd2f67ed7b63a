/**
 * RSAES-OAEP decryption and ECDH with private keys held in the token.
 *
 * OAEP: the native CKM_RSA_PKCS_OAEP (hash = MGF1 hash, empty label given as CKZ_DATA_SPECIFIED)
 * first. SoftHSM 2.6.1 accepts only SHA-1 and refuses SHA-256 at C_DecryptInit with
 * CKR_ARGUMENTS_BAD (notes §3e); on such a refusal this instance remembers it (`OaepSupport`) and
 * from then on decrypts SHA-256 ciphertexts with raw CKM_RSA_X_509 in the token plus the
 * constant-time EME-OAEP decoding of oaep-message.ts. A token with native SHA-256 OAEP keeps using it.
 *
 * ECDH: CKM_ECDH1_DERIVE with CKD_NULL (the only KDF SoftHSM has, notes §3f) into a non-sensitive,
 * extractable GENERIC_SECRET session object whose CKA_VALUE is read once and destroyed at once:
 * DeriveSharedSecret returns the raw secret, so it has to leave the token by definition.
 */
import pkcs11js from 'pkcs11js';
import type { ECDH1, Handle, Mechanism } from 'pkcs11js';
import { HsmDecryptError, HsmError } from '../kms/ports/hsm.js';
import type { OaepHash, PrivateKeyRef } from '../kms/ports/hsm-asymmetric.js';
import { zero } from '../lib/bytes.js';
import { asDecryptFailure, isCkr } from './errors.js';
import { destroyQuietly, withPrivateKey, type KeyObjectStore } from './key-objects.js';
import { sharedSecretTemplate } from './key-templates.js';
import { oaepDecodeMessage } from './oaep-message.js';
import type { PooledSession } from './pool.js';
import { oaepMechanism } from './import-templates.js';

/** What this token turned out to support; `undefined` until the first SHA-256 decrypt. */
export interface OaepSupport {
  nativeSha256: boolean | undefined;
}

export interface DecryptDeps {
  objects: KeyObjectStore;
  oaep: OaepSupport;
}

/** The token's "I cannot do these parameters" answers (not failures of this ciphertext). */
const REFUSALS = [0x007 /* ARGUMENTS_BAD */, 0x070 /* MECHANISM_INVALID */, 0x071 /* MECHANISM_PARAM_INVALID */];


/** One C_Decrypt of an initialised operation; the token's output buffer is zeroed. */
async function decryptInitialised(deps: DecryptDeps, session: PooledSession, ciphertext: Buffer, k: number): Promise<Buffer> {
  const out = Buffer.alloc(k);
  try {
    const view = await deps.objects.p.C_DecryptAsync(session.handle, ciphertext, out);
    // Raw RSA output is an integer; a token may drop leading zero bytes (left-pad back to k).
    const result = Buffer.alloc(view.length);
    view.copy(result);
    return result;
  } catch (e) {
    // SoftHSM 2.6: a bad OAEP block or an out-of-range integer is CKR_GENERAL_ERROR.
    throw asDecryptFailure(e);
  } finally {
    zero(out);
  }
}

async function rawThenDecode(deps: DecryptDeps, session: PooledSession, key: Handle, ciphertext: Buffer, k: number): Promise<Buffer> {
  deps.objects.p.C_DecryptInit(session.handle, { mechanism: pkcs11js.CKM_RSA_X_509 }, key);
  const raw = await decryptInitialised(deps, session, ciphertext, k);
  const em = raw.length === k ? raw : Buffer.concat([Buffer.alloc(k - raw.length), raw]);
  if (em !== raw) zero(raw);
  return oaepDecodeMessage('sha256', em); // zeroes em
}

export async function decryptOaep(
  deps: DecryptDeps,
  session: PooledSession,
  ref: PrivateKeyRef,
  hash: OaepHash,
  ciphertext: Buffer,
): Promise<Buffer> {
  if (ref.params.kind !== 'rsa') throw new HsmError('OAEP needs an RSA key');
  const k = ref.params.bits / 8;
  // RFC 8017 §7.1.2 step 1b: a ciphertext of any other length is a decryption error.
  if (ciphertext.length !== k) throw new HsmDecryptError('ciphertext length differs from the modulus length');
  return withPrivateKey(deps.objects, ref, async (key) => {
    if (hash === 'sha256' && deps.oaep.nativeSha256 === false) return rawThenDecode(deps, session, key, ciphertext, k);
    try {
      deps.objects.p.C_DecryptInit(session.handle, oaepMechanism(hash), key);
    } catch (e) {
      if (hash !== 'sha256' || !REFUSALS.some((code) => isCkr(e, code))) throw e;
      deps.oaep.nativeSha256 = false;
      return rawThenDecode(deps, session, key, ciphertext, k);
    }
    if (hash === 'sha256') deps.oaep.nativeSha256 = true;
    return decryptInitialised(deps, session, ciphertext, k);
  });
}

/** The raw ECDH shared secret (x-coordinate), copied out of the token; the caller zeroes it. */
export async function deriveEcdh(deps: DecryptDeps, session: PooledSession, ref: PrivateKeyRef, peerPoint: Buffer): Promise<Buffer> {
  const { p } = deps.objects;
  const parameter: ECDH1 = { type: pkcs11js.CK_PARAMS_EC_DH, kdf: pkcs11js.CKD_NULL, publicData: peerPoint };
  const mechanism: Mechanism = { mechanism: pkcs11js.CKM_ECDH1_DERIVE, parameter };
  const secret = await withPrivateKey(deps.objects, ref, (key) => p.C_DeriveKeyAsync(session.handle, mechanism, key, sharedSecretTemplate()));
  try {
    const [value] = p.C_GetAttributeValue(session.handle, secret, [{ type: pkcs11js.CKA_VALUE }]);
    if (!value?.value) throw new HsmError('derived secret has no value');
    const out = Buffer.from(value.value);
    zero(value.value);
    return out;
  } finally {
    destroyQuietly(p, session.handle, secret);
  }
}
