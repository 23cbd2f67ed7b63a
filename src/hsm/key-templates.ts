/**
 * Attribute templates and mechanisms for asymmetric and HMAC key objects (templates.ts holds the
 * AES ones). As there, every usage bit is stated explicitly, and the security-relevant flags of
 * every object Strongroom creates can be reviewed here:
 * - the private half of a pair and an HMAC secret are CKA_SENSITIVE=true, CKA_EXTRACTABLE=false,
 *   with exactly one usage; the only extractable copy is the wrapped-mode ephemeral, which exists
 *   for one C_WrapKey and is destroyed in the same call;
 * - public keys are session objects, built and destroyed per call (the SPKI lives in the database);
 * - the ECDH result is the one non-sensitive secret (DeriveSharedSecret returns it by definition).
 */
import pkcs11js from 'pkcs11js';
import type { Mechanism, Template } from 'pkcs11js';
import type { AsymmetricUsage, EcCurve, KeyPairParams } from '../kms/ports/hsm-asymmetric.js';
import type { MacHash } from '../kms/ports/hsm-mac.js';

// PKCS#11 v3.0 values that pkcs11js 2.1.7 does not export (notes §2).
export const CKK_EC_EDWARDS = 0x40;
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;
/** CK_RSA_PKCS_OAEP_PARAMS.source: the (empty) label is given explicitly. */
export const CKZ_DATA_SPECIFIED = 1;

/** Token-resident key objects carry this label prefix (symmetric materials use `sr:`). */
export const KEY_OBJECT_LABEL_PREFIX = 'srk:';

/** DER OBJECT IDENTIFIERs for CKA_EC_PARAMS (RFC 5480 §2.1.1.1, RFC 8410 §3). */
export const CURVE_OIDS: Readonly<Record<EcCurve | 'ed25519', Buffer>> = {
  'P-256': Buffer.from('06082a8648ce3d030107', 'hex'),
  'P-384': Buffer.from('06052b81040022', 'hex'),
  'P-521': Buffer.from('06052b81040023', 'hex'),
  secp256k1: Buffer.from('06052b8104000a', 'hex'),
  ed25519: Buffer.from('06032b6570', 'hex'),
};

const RSA_PUBLIC_EXPONENT = Buffer.from([0x01, 0x00, 0x01]);

export function keyTypeOf(params: KeyPairParams): number {
  if (params.kind === 'rsa') return pkcs11js.CKK_RSA;
  return params.kind === 'ec' ? pkcs11js.CKK_EC : CKK_EC_EDWARDS;
}

export function keyPairMechanism(params: KeyPairParams): Mechanism {
  if (params.kind === 'rsa') return { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN };
  return { mechanism: params.kind === 'ec' ? pkcs11js.CKM_EC_KEY_PAIR_GEN : CKM_EC_EDWARDS_KEY_PAIR_GEN };
}

function privateUsage(usage: AsymmetricUsage | undefined): Template {
  return [
    { type: pkcs11js.CKA_SIGN, value: usage === 'sign' },
    { type: pkcs11js.CKA_DECRYPT, value: usage === 'decrypt' },
    { type: pkcs11js.CKA_DERIVE, value: usage === 'derive' },
    { type: pkcs11js.CKA_SIGN_RECOVER, value: false },
    { type: pkcs11js.CKA_UNWRAP, value: false },
  ];
}

function identity(ckaId: Buffer, label: string): Template {
  return [
    { type: pkcs11js.CKA_ID, value: ckaId },
    { type: pkcs11js.CKA_LABEL, value: label },
  ];
}

export function keyObjectLabel(keyId: string, materialId: string): string {
  return `${KEY_OBJECT_LABEL_PREFIX}${keyId}:${materialId.slice(0, 16)}`;
}

/** The public half at generation: a session object, read once for the SPKI, then destroyed. */
export function generatedPublicTemplate(params: KeyPairParams): Template {
  const shape: Template =
    params.kind === 'rsa'
      ? [
          { type: pkcs11js.CKA_MODULUS_BITS, value: params.bits },
          { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: RSA_PUBLIC_EXPONENT },
        ]
      : [{ type: pkcs11js.CKA_EC_PARAMS, value: CURVE_OIDS[params.kind === 'ec' ? params.curve : 'ed25519'] }];
  return [
    { type: pkcs11js.CKA_KEY_TYPE, value: keyTypeOf(params) },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_VERIFY, value: false },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_WRAP, value: false },
    ...shape,
  ];
}

/**
 * The private half at generation. Token storage: the persistent, non-extractable object itself.
 * Wrapped storage: an extractable session object with no usage, alive only until it is wrapped
 * (C_WrapKey requires CKA_EXTRACTABLE, PKCS#11 v2.40 §5.18).
 */
export function generatedPrivateTemplate(
  params: KeyPairParams,
  usage: AsymmetricUsage,
  target: { token: true; ckaId: Buffer; label: string } | { token: false },
): Template {
  return [
    { type: pkcs11js.CKA_KEY_TYPE, value: keyTypeOf(params) },
    { type: pkcs11js.CKA_TOKEN, value: target.token },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: !target.token },
    ...privateUsage(target.token ? usage : undefined),
    ...(target.token ? identity(target.ckaId, target.label) : []),
  ];
}

/** Wrapped storage, use: the unwrapped private key is a non-extractable session object. */
export function unwrappedPrivateTemplate(params: KeyPairParams, usage: AsymmetricUsage, ckaId: Buffer): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: keyTypeOf(params) },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_ID, value: ckaId },
    ...privateUsage(usage),
  ];
}

function secretUsage(mac: boolean): Template {
  return [
    { type: pkcs11js.CKA_SIGN, value: mac },
    { type: pkcs11js.CKA_VERIFY, value: mac },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_DECRYPT, value: false },
    { type: pkcs11js.CKA_WRAP, value: false },
    { type: pkcs11js.CKA_UNWRAP, value: false },
    { type: pkcs11js.CKA_DERIVE, value: false },
  ];
}

/** HMAC key lengths: the hash output length, which is also SoftHSM 2.6's minimum (notes §3h). */
export const MAC_KEY_BYTES: Readonly<Record<MacHash, number>> = { sha224: 28, sha256: 32, sha384: 48, sha512: 64 };
/** HMAC output lengths (FIPS 180-4 digest sizes). */
export const MAC_OUTPUT_BYTES: Readonly<Record<MacHash, number>> = { sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

export const MAC_MECHANISMS: Readonly<Record<MacHash, number>> = {
  sha224: pkcs11js.CKM_SHA224_HMAC,
  sha256: pkcs11js.CKM_SHA256_HMAC,
  sha384: pkcs11js.CKM_SHA384_HMAC,
  sha512: pkcs11js.CKM_SHA512_HMAC,
};

export const GENERIC_SECRET_KEY_GEN: Mechanism = { mechanism: pkcs11js.CKM_GENERIC_SECRET_KEY_GEN };

/** An HMAC secret at generation (token object, or the wrapped-mode ephemeral). */
export function generatedMacTemplate(hash: MacHash, target: { token: true; ckaId: Buffer; label: string } | { token: false }): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
    { type: pkcs11js.CKA_VALUE_LEN, value: MAC_KEY_BYTES[hash] },
    { type: pkcs11js.CKA_TOKEN, value: target.token },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: !target.token },
    ...secretUsage(target.token),
    ...(target.token ? identity(target.ckaId, target.label) : []),
  ];
}

export function unwrappedMacTemplate(ckaId: Buffer): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_ID, value: ckaId },
    ...secretUsage(true),
  ];
}

/**
 * The ECDH output (CKD_NULL: the raw x-coordinate). DeriveSharedSecret must return it, so it is
 * the one object made non-sensitive and extractable; it is a session object, read once and
 * destroyed in the same call (asymmetric-decrypt.ts).
 */
export function sharedSecretTemplate(): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: false },
    { type: pkcs11js.CKA_EXTRACTABLE, value: true },
    ...secretUsage(false),
  ];
}

/** Token objects of one material, whatever their class; never the cached session copies. */
export function findKeyObjectsTemplate(ckaId: Buffer, objectClass?: number): Template {
  return [
    ...(objectClass === undefined ? [] : [{ type: pkcs11js.CKA_CLASS, value: objectClass }]),
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_ID, value: ckaId },
  ];
}
