/**
 * Attribute templates and mechanisms of key import (import-*.ts), kept in one place for review
 * like templates.ts. Usage bits are always explicit (SoftHSM 2.6 defaults CKA_ENCRYPT/CKA_DECRYPT
 * to true when a template omits them).
 */
import pkcs11js from 'pkcs11js';
import type { Mechanism, RsaOAEP, Template } from 'pkcs11js';
import { MATERIAL_LABEL_PREFIX, materialCkaId } from './templates.js';
import { CKZ_DATA_SPECIFIED } from './key-templates.js';

const PUBLIC_EXPONENT = Buffer.from([0x01, 0x00, 0x01]);

/** CKA_ID of a wrapping key pair (both halves): one per GetParametersForImport. */
export function wrappingKeyCkaId(wrappingKeyId: string): Buffer {
  return Buffer.from(`strongroom/import/${wrappingKeyId}`, 'utf8');
}

/**
 * The public half exists only while its SubjectPublicKeyInfo is read (a session object); the
 * caller encrypts with it offline.
 */
export function wrappingPublicTemplate(bits: number): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_MODULUS_BITS, value: bits },
    { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: PUBLIC_EXPONENT },
    { type: pkcs11js.CKA_ENCRYPT, value: true },
    { type: pkcs11js.CKA_WRAP, value: false },
    { type: pkcs11js.CKA_VERIFY, value: false },
  ];
}

/**
 * The private half: a token object so every process and node on the token sees it, sensitive and
 * never extractable. CKA_UNWRAP for C_UnwrapKey; CKA_DECRYPT only when the software-OAEP route may
 * need the raw CKM_RSA_X_509 decryption (SHA-256 on a token without native OAEP-SHA-256).
 */
export function wrappingPrivateTemplate(wrappingKeyId: string, rawDecrypt: boolean): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_UNWRAP, value: true },
    { type: pkcs11js.CKA_DECRYPT, value: rawDecrypt },
    { type: pkcs11js.CKA_SIGN, value: false },
    { type: pkcs11js.CKA_DERIVE, value: false },
    { type: pkcs11js.CKA_ID, value: wrappingKeyCkaId(wrappingKeyId) },
    { type: pkcs11js.CKA_LABEL, value: `sr-import:${wrappingKeyId}` },
  ];
}

export function findWrappingKeyTemplate(wrappingKeyId: string, objectClass: number): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: objectClass },
    { type: pkcs11js.CKA_ID, value: wrappingKeyCkaId(wrappingKeyId) },
  ];
}

function secret(extractable: boolean, usage: { unwrap?: boolean; wrap?: boolean; derive?: boolean }): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: extractable },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_DECRYPT, value: false },
    { type: pkcs11js.CKA_WRAP, value: usage.wrap ?? false },
    { type: pkcs11js.CKA_UNWRAP, value: usage.unwrap ?? false },
    { type: pkcs11js.CKA_DERIVE, value: usage.derive ?? false },
    { type: pkcs11js.CKA_SIGN, value: false },
    { type: pkcs11js.CKA_VERIFY, value: false },
  ];
}

/**
 * The imported material while the import runs: a session object that may only derive (for its
 * check value). EXTRACTABLE because C_WrapKey needs it to wrap the material under the domain key
 * (wrapped storage) or to measure its length (token storage, under a throwaway key); the token
 * copy made from it is non-extractable, and the session object is destroyed before the call ends.
 */
export function importedSessionTemplate(): Template {
  return secret(true, { derive: true });
}

/** Token storage: the persistent copy, as tokenMaterialTemplate describes generated material. */
export function importedTokenCopyTemplate(keyId: string, materialId: string): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_ID, value: materialCkaId(keyId, materialId) },
    { type: pkcs11js.CKA_LABEL, value: `${MATERIAL_LABEL_PREFIX}${keyId}:${materialId.slice(0, 16)}` },
  ];
}

/** RSA_AES_KEY_WRAP step 1: the ephemeral AES key, unwrap-only, never extractable. */
export function ephemeralKekTemplate(): Template {
  return secret(false, { unwrap: true });
}

/** A throwaway AES-256 key that only wraps, to measure the imported material's length. */
export function probeKekTemplate(): Template {
  return [...secret(false, { wrap: true }), { type: pkcs11js.CKA_VALUE_LEN, value: 32 }];
}

/** CKM_RSA_PKCS_OAEP with MGF1 on the same hash and an empty label (import unwrap and RSA Decrypt). */
export function oaepMechanism(hash: 'sha1' | 'sha256'): Mechanism {
  const sha256 = hash === 'sha256';
  const parameter: RsaOAEP = {
    type: pkcs11js.CK_PARAMS_RSA_OAEP,
    hashAlg: sha256 ? pkcs11js.CKM_SHA256 : pkcs11js.CKM_SHA_1,
    mgf: sha256 ? pkcs11js.CKG_MGF1_SHA256 : pkcs11js.CKG_MGF1_SHA1,
    source: CKZ_DATA_SPECIFIED,
  };
  return { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter };
}

export const RSA_KEY_PAIR_GEN: Mechanism = { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN };
export const RSA_X_509: Mechanism = { mechanism: pkcs11js.CKM_RSA_X_509 };
