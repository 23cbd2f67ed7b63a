/**
 * The second half of an import, on the unwrapped session object: prove it is a 256-bit AES key,
 * derive its material id, let the caller accept it, and store it like generated material.
 *
 * Length, without reading the value (unwrapped keys report CKA_VALUE_LEN = 0 in SoftHSM 2.6,
 * notes §3c, and a CKA_VALUE_LEN in the unwrap template is CKR_ATTRIBUTE_READ_ONLY — measured):
 * the check-value derivation below only succeeds for 16-, 24- or 32-byte AES keys
 * (CKR_MECHANISM_INVALID otherwise), and CKM_AES_KEY_WRAP_PAD output is 40 bytes only for 25–32
 * bytes (SoftHSM pads to a multiple of 8 before wrapping); both together mean exactly 32.
 *
 * Material id (AWS: "based on the KMS key ID and the imported key material"): a one-time key is
 * derived in the token from the material over a fixed label (CKM_AES_CBC_ENCRYPT_DATA, as seal.ts
 * derives its per-call keys over random nonces), encrypts 16 zero bytes with AES-GCM under a zero
 * IV and the key id as AAD, and SHA-256 over that output is the id. It reveals nothing about the
 * material (a PRF output under it) and is the same for the same material in the same key only.
 */
import { createHash } from 'node:crypto';
import type { Handle, PKCS11 } from 'pkcs11js';
import type { KeyStorageMode } from '../kms/ports/hsm.js';
import { HsmImportedMaterialError, type ImportedMaterial } from '../kms/ports/hsm-imports.js';
import { ckrOf } from './errors.js';
import { importedTokenCopyTemplate, probeKekTemplate } from './import-templates.js';
import { destroyQuietly, gcmEncrypt } from './seal.js';
import { AES_KEY_GEN, AES_KEY_WRAP_PAD, deriveMechanism, derivedKeyTemplate, findSecretKeyTemplate, materialCkaId } from './templates.js';
import type { Token } from './token.js';
import type { WellKnownKeys } from './well-known-keys.js';

const ID_DOMAIN = Buffer.from('strongroom/imported-key-material-id/v1', 'utf8');
const CHECK_LABEL = createHash('sha256').update(ID_DOMAIN).digest();
/** CKM_AES_KEY_WRAP_PAD of a 32-byte key: 32 + 8. */
const WRAPPED_256_BYTES = 40;

export interface PersistDeps {
  p: PKCS11;
  token: Token;
  keys: WellKnownKeys;
  mode: KeyStorageMode;
}

function notAes256(): HsmImportedMaterialError {
  return new HsmImportedMaterialError('imported key material is not a 256-bit AES key');
}

async function checkValue(p: PKCS11, session: Handle, keyId: string, material: Handle): Promise<Buffer> {
  let derived: Handle;
  try {
    derived = await p.C_DeriveKeyAsync(session, deriveMechanism(CHECK_LABEL), material, derivedKeyTemplate('encrypt'));
  } catch (e) {
    if (ckrOf(e)?.kind === 'unsupported') throw notAes256(); // an AES key of no AES length
    throw e;
  }
  try {
    return await gcmEncrypt(p, session, derived, Buffer.alloc(12), Buffer.from(keyId, 'utf8'), Buffer.alloc(16));
  } finally {
    destroyQuietly(p, session, derived);
  }
}

async function wrapUnder(p: PKCS11, session: Handle, wrappingKey: Handle, material: Handle): Promise<Buffer> {
  const view = await p.C_WrapKeyAsync(session, AES_KEY_WRAP_PAD, wrappingKey, material, Buffer.alloc(64));
  return Buffer.from(view);
}

/** The wrapped-mode blob, or (token mode) just the wrapped length under a throwaway key. */
async function wrapOrMeasure(deps: PersistDeps, session: Handle, material: Handle): Promise<Buffer | undefined> {
  if (deps.mode === 'wrapped') return wrapUnder(deps.p, session, deps.keys.handle('domain'), material);
  const probe = await deps.p.C_GenerateKeyAsync(session, AES_KEY_GEN, probeKekTemplate());
  try {
    const measured = await wrapUnder(deps.p, session, probe, material);
    if (measured.length !== WRAPPED_256_BYTES) throw notAes256();
    return undefined;
  } finally {
    destroyQuietly(deps.p, session, probe);
  }
}

export type Accept = (materialId: string) => Promise<void>;

/**
 * Returns undefined when `accept` refused (its error is handed to `onRefusal`, so it does not pass
 * through the runtime's error mapping); the caller destroys `material` afterwards in every case.
 */
export async function persistImported(
  deps: PersistDeps,
  session: Handle,
  keyId: string,
  material: Handle,
  accept: Accept,
  onRefusal: (e: unknown) => void,
): Promise<ImportedMaterial | undefined> {
  const check = await checkValue(deps.p, session, keyId, material);
  const materialId = createHash('sha256').update(ID_DOMAIN).update(keyId).update(check).digest('hex');
  const wrapped = await wrapOrMeasure(deps, session, material);
  if (wrapped && wrapped.length !== WRAPPED_256_BYTES) throw notAes256();
  try {
    await accept(materialId);
  } catch (e) {
    onRefusal(e);
    return undefined;
  }
  if (deps.mode === 'token') {
    // The id is a function of the material, so an object with this CKA_ID already holds this very
    // material (e.g. an import whose database write was lost): keep it rather than duplicate it.
    const existing = deps.token.findAll(findSecretKeyTemplate(materialCkaId(keyId, materialId)));
    if (existing.length === 0) deps.p.C_CopyObject(session, material, importedTokenCopyTemplate(keyId, materialId));
    return { materialId };
  }
  return { materialId, wrapped };
}
