/**
 * Attribute templates and mechanism parameters: every key the HSM layer creates is described here,
 * so the security-relevant flags (SENSITIVE, EXTRACTABLE, usage bits) can be reviewed in one place.
 * Usage bits are always stated explicitly: SoftHSM 2.6 defaults CKA_ENCRYPT/CKA_DECRYPT to true on
 * unwrapped and generated keys when the template omits them (measured).
 */
import pkcs11js from 'pkcs11js';
import type { AesCBC, GcmParams, Mechanism, Template } from 'pkcs11js';

/** pkcs11js 2.1.7 exports it (8458); the fallback keeps us honest if a build drops it. */
export const CKM_AES_KEY_WRAP_PAD: number = pkcs11js.CKM_AES_KEY_WRAP_PAD ?? 0x210a;

export const DOMAIN_KEY_LABEL = 'strongroom-domain-key';
export const DOMAIN_KEY_ID = Buffer.from('strongroom/domain-key/v1', 'utf8');
export const SERVICE_KEY_LABEL = 'strongroom-service-secrets';
export const SERVICE_KEY_ID = Buffer.from('strongroom/service-secrets/v1', 'utf8');
/** Token-mode material objects carry this label prefix (CKA_LABEL = `sr:<keyId>:<materialId[0,16)>`). */
export const MATERIAL_LABEL_PREFIX = 'sr:';

const AES_KEY_BYTES = 32;

type Usage = 'encrypt' | 'decrypt' | 'wrap' | 'unwrap' | 'derive';

function usage(allowed: Usage[]): Template {
  const on = new Set(allowed);
  return [
    { type: pkcs11js.CKA_ENCRYPT, value: on.has('encrypt') },
    { type: pkcs11js.CKA_DECRYPT, value: on.has('decrypt') },
    { type: pkcs11js.CKA_WRAP, value: on.has('wrap') },
    { type: pkcs11js.CKA_UNWRAP, value: on.has('unwrap') },
    { type: pkcs11js.CKA_DERIVE, value: on.has('derive') },
    { type: pkcs11js.CKA_SIGN, value: false },
    { type: pkcs11js.CKA_VERIFY, value: false },
  ];
}

function aesSecret(token: boolean, extractable: boolean, allowed: Usage[], withLength = true): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    ...(withLength ? [{ type: pkcs11js.CKA_VALUE_LEN, value: AES_KEY_BYTES }] : []),
    { type: pkcs11js.CKA_TOKEN, value: token },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: extractable },
    ...usage(allowed),
  ];
}

/** The wrapped-mode domain key: token-resident, wrap/unwrap only, never extractable. */
export function domainKeyTemplate(): Template {
  return [
    ...aesSecret(true, false, ['wrap', 'unwrap']),
    { type: pkcs11js.CKA_LABEL, value: DOMAIN_KEY_LABEL },
    { type: pkcs11js.CKA_ID, value: DOMAIN_KEY_ID },
  ];
}

/** The service-secrets key (access-key secrets): token-resident, encrypt/decrypt only. */
export function serviceKeyTemplate(): Template {
  return [
    ...aesSecret(true, false, ['encrypt', 'decrypt']),
    { type: pkcs11js.CKA_LABEL, value: SERVICE_KEY_LABEL },
    { type: pkcs11js.CKA_ID, value: SERVICE_KEY_ID },
  ];
}

export const XKS_HEALTH_KEY_LABEL = 'strongroom-xks-health';
export const XKS_HEALTH_KEY_ID = Buffer.from('strongroom/xks-health/v1', 'utf8');

/**
 * The XKS proxy's deep-health key (hsm/xks-health.ts): token-resident, derive-only, never used for
 * a KMS key or an external key (XKS proxy API spec: health checks on a dedicated test key).
 */
export function xksHealthKeyTemplate(): Template {
  return [
    ...aesSecret(true, false, ['derive']),
    { type: pkcs11js.CKA_LABEL, value: XKS_HEALTH_KEY_LABEL },
    { type: pkcs11js.CKA_ID, value: XKS_HEALTH_KEY_ID },
  ];
}

/**
 * Wrapped mode, generation: a session object that exists only long enough to be wrapped once.
 * EXTRACTABLE=true is what C_WrapKey requires (PKCS#11 v2.40 §5.18 C_WrapKey); it has no usage bits.
 */
export function ephemeralMaterialTemplate(): Template {
  return aesSecret(false, true, []);
}

/** Wrapped mode, use: the unwrapped copy is a non-extractable session object usable only to derive. */
export function unwrappedMaterialTemplate(): Template {
  // C_UnwrapKey takes the length from the blob; SoftHSM 2.6 then reports CKA_VALUE_LEN = 0.
  return aesSecret(false, false, ['derive'], false);
}

/** Token mode: one persistent, non-extractable object per key version. */
export function tokenMaterialTemplate(keyId: string, materialId: string): Template {
  return [
    ...aesSecret(true, false, ['derive']),
    { type: pkcs11js.CKA_ID, value: materialCkaId(keyId, materialId) },
    { type: pkcs11js.CKA_LABEL, value: `${MATERIAL_LABEL_PREFIX}${keyId}:${materialId.slice(0, 16)}` },
  ];
}

export function materialCkaId(keyId: string, materialId: string): Buffer {
  return Buffer.from(`${keyId}/${materialId}`, 'utf8');
}

/** The per-call key derived from the material: a session object, one direction only. */
export function derivedKeyTemplate(direction: 'encrypt' | 'decrypt'): Template {
  return aesSecret(false, false, [direction]);
}

/**
 * An XKS per-nonce key (hsm/xks-derived-keys.ts): a session object used for many encryptions and
 * for the CDIV test decrypt, so both directions; never derive, wrap or extract.
 */
export function reusableDerivedKeyTemplate(): Template {
  return aesSecret(false, false, ['encrypt', 'decrypt']);
}

export function findSecretKeyTemplate(id: Buffer): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_ID, value: id },
  ];
}

export const AES_KEY_GEN: Mechanism = { mechanism: pkcs11js.CKM_AES_KEY_GEN };
export const AES_KEY_WRAP_PAD: Mechanism = { mechanism: CKM_AES_KEY_WRAP_PAD };

/**
 * One-time data key = AES-CBC(material, IV = 0¹²⁸, nonce[32]) computed in the token
 * (CKM_AES_CBC_ENCRYPT_DATA, PKCS#11 v2.40 §2.15.5): two chained AES blocks, a PRF of the random
 * 256-bit nonce. CKM_AES_ECB_ENCRYPT_DATA would be simpler, but pkcs11js cannot express its
 * parameter struct (SoftHSM answers CKR_MECHANISM_PARAM_INVALID; DESIGN.md pitfalls).
 */
export function deriveMechanism(nonce: Buffer): Mechanism {
  const parameter: AesCBC = { type: pkcs11js.CK_PARAMS_AES_CBC, iv: Buffer.alloc(16), data: nonce };
  return { mechanism: pkcs11js.CKM_AES_CBC_ENCRYPT_DATA, parameter };
}

/**
 * AES-GCM with a 96-bit IV and a 128-bit tag. CK_PARAMS_GCM with ivBits, never CK_PARAMS_AES_GCM:
 * pkcs11js 2.1.7 leaves ulIvBits uninitialised in the latter.
 */
export function gcmMechanism(iv: Buffer, aad: Buffer): Mechanism {
  const parameter: GcmParams = { type: pkcs11js.CK_PARAMS_GCM, iv, ivBits: iv.length * 8, aad, tagBits: 128 };
  return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
}
