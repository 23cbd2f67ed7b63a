/**
 * Unwrapping imported key material into a session object, per WrappingAlgorithm (AWS KMS API
 * Reference: GetParametersForImport; developer guide "Encrypt key material"):
 *
 * - RSAES_OAEP_SHA_1: C_UnwrapKey with CKM_RSA_PKCS_OAEP (SHA-1) — the material never exists
 *   outside the token.
 * - RSAES_OAEP_SHA_256: the same with SHA-256 where the token has it. SoftHSM 2.6 does not (notes
 *   §3e), so with the software route enabled the token decrypts with raw CKM_RSA_X_509, oaep.ts
 *   decodes in process memory, and the 32 bytes go straight into C_CreateObject and are zeroed:
 *   the only moment material exists outside the token, and only on such tokens.
 * - RSA_AES_KEY_WRAP_SHA_1 / _256 (PKCS#11 CKM_RSA_AES_KEY_WRAP, absent from SoftHSM, notes §3i):
 *   emulated in two token steps — RSA-OAEP-unwrap the first k bytes into an unwrap-only AES key,
 *   then CKM_AES_KEY_WRAP_PAD-unwrap the rest with it, then destroy it. With SHA-256 on SoftHSM
 *   the ephemeral AES key (not the material) takes the software route.
 */
import pkcs11js from 'pkcs11js';
import type { Handle, Mechanism, PKCS11, Template } from 'pkcs11js';
import { HsmDecryptError, HsmUnsupportedError } from '../kms/ports/hsm.js';
import { HsmImportedMaterialError, type UnwrapRequest } from '../kms/ports/hsm-imports.js';
import { zero } from '../lib/bytes.js';
import { asDecryptFailure } from './errors.js';
import { RSA_X_509, ephemeralKekTemplate, importedSessionTemplate, oaepMechanism } from './import-templates.js';
import { isRefusal, usesSha256, type OaepSupport } from './import-wrapping-keys.js';
import { oaepDecode } from './oaep.js';
import { destroyQuietly } from './seal.js';
import { AES_KEY_WRAP_PAD } from './templates.js';

export interface UnwrapDeps {
  p: PKCS11;
  softwareOaep: boolean;
  oaep: OaepSupport;
}

const AES_256_BYTES = 32;

async function unwrap(p: PKCS11, session: Handle, mechanism: Mechanism, key: Handle, blob: Buffer, template: Template): Promise<Handle> {
  try {
    return await p.C_UnwrapKeyAsync(session, mechanism, key, blob, template);
  } catch (e) {
    // SoftHSM 2.6: a bad OAEP block or KWP integrity failure is CKR_GENERAL_ERROR.
    throw asDecryptFailure(e);
  }
}

/** CKM_RSA_X_509 in the token, then EME-OAEP-SHA-256 decoding of exactly 32 bytes in memory. */
async function softwareOaep256(deps: UnwrapDeps, session: Handle, rsaKey: Handle, block: Buffer, what: 'material' | 'wrapping key'): Promise<Buffer> {
  const k = block.length;
  const out = Buffer.alloc(k);
  let em: Buffer | undefined;
  try {
    deps.p.C_DecryptInit(session, RSA_X_509, rsaKey);
    const view = await deps.p.C_DecryptAsync(session, block, out).catch((e: unknown) => {
      throw asDecryptFailure(e);
    });
    // An integer: a token may drop leading zero bytes, so left-pad back to k.
    em = Buffer.alloc(k);
    view.copy(em, k - view.length);
    const result = oaepDecode(em, 'sha256', AES_256_BYTES);
    if (result.ok) return result.message;
    if (result.reason === 'length' && what === 'material') throw new HsmImportedMaterialError('imported key material is not 256 bits');
    throw new HsmDecryptError('OAEP decoding failed');
  } finally {
    zero(out, em);
  }
}

/** The OAEP step with the RSA private key, into an object described by `template`. */
async function oaepStep(
  deps: UnwrapDeps,
  session: Handle,
  rsaKey: Handle,
  block: Buffer,
  sha256: boolean,
  template: Template,
  what: 'material' | 'wrapping key',
): Promise<Handle> {
  if (!sha256 || deps.oaep.nativeSha256 !== false) {
    try {
      const handle = await unwrap(deps.p, session, oaepMechanism(sha256 ? 'sha256' : 'sha1'), rsaKey, block, template);
      if (sha256) deps.oaep.nativeSha256 = true;
      return handle;
    } catch (e) {
      if (!sha256 || !isRefusal(e)) throw e;
      deps.oaep.nativeSha256 = false;
    }
  }
  // Parameters issued before a restart with STRONGROOM_HSM_SOFTWARE_OAEP=off: a clear refusal.
  if (!deps.softwareOaep) {
    throw new HsmUnsupportedError('This token has no RSA-OAEP with SHA-256 and software OAEP decoding is switched off (STRONGROOM_HSM_SOFTWARE_OAEP=off)');
  }
  const value = await softwareOaep256(deps, session, rsaKey, block, what);
  try {
    return deps.p.C_CreateObject(session, [...template, { type: pkcs11js.CKA_VALUE, value }]);
  } finally {
    zero(value);
  }
}

/**
 * Returns a session object holding the material (importedSessionTemplate); the caller destroys it.
 * `k` is the wrapping key's modulus length in bytes.
 */
export async function unwrapMaterial(deps: UnwrapDeps, session: Handle, rsaKey: Handle, k: number, req: UnwrapRequest): Promise<Handle> {
  const sha256 = usesSha256(req.algorithm);
  const blob = req.encryptedKeyMaterial;
  if (req.algorithm === 'RSAES_OAEP_SHA_1' || req.algorithm === 'RSAES_OAEP_SHA_256') {
    // RFC 8017 §7.1.2 step 1b: any other length is a decryption error.
    if (blob.length !== k) throw new HsmDecryptError('encrypted key material length differs from the modulus length');
    return oaepStep(deps, session, rsaKey, blob, sha256, importedSessionTemplate(), 'material');
  }
  // RSA part ‖ RFC 5649 part; a 256-bit key wraps to 40 bytes, anything shorter is no KWP blob.
  if (blob.length < k + 16) throw new HsmDecryptError('encrypted key material is too short for RSA_AES_KEY_WRAP');
  const kek = await oaepStep(deps, session, rsaKey, blob.subarray(0, k), sha256, ephemeralKekTemplate(), 'wrapping key');
  try {
    return await unwrap(deps.p, session, AES_KEY_WRAP_PAD, kek, blob.subarray(k), importedSessionTemplate());
  } finally {
    destroyQuietly(deps.p, session, kek);
  }
}
