/**
 * The non-symmetric key specs and algorithms of AWS KMS (AWS KMS API Reference: KeySpec,
 * SigningAlgorithmSpec, EncryptionAlgorithmSpec, MacAlgorithmSpec; reference §3.1, §3.3), mapped
 * onto the HSM port's families and hashes. One table, read by CreateKey, DescribeKey/GetPublicKey
 * and every operation that checks an algorithm against a key.
 */
import type { EncryptionAlgorithmSpec, KeyMetadata, MacAlgorithmSpec, SigningAlgorithmSpec } from '../model/api-shapes.js';
import type { KeyUsage } from '../model/key.js';
import type { AsymmetricUsage, KeyPairParams, OaepHash, SignatureHash, SignatureScheme } from '../ports/hsm-asymmetric.js';
import type { MacHash } from '../ports/hsm-mac.js';

export interface AsymmetricSpec {
  params: KeyPairParams;
  /** The KeyUsage values AWS allows for this spec. */
  usages: readonly KeyUsage[];
  /** SigningAlgorithms of a SIGN_VERIFY key, in AWS's order. */
  signing: readonly SigningAlgorithmSpec[];
}

const RSA_SIGNING: readonly SigningAlgorithmSpec[] = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
];
const RSA_USAGES: readonly KeyUsage[] = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
const NIST_USAGES: readonly KeyUsage[] = ['SIGN_VERIFY', 'KEY_AGREEMENT'];

export const RSA_ENCRYPTION: readonly EncryptionAlgorithmSpec[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];

export const ASYMMETRIC_SPECS: ReadonlyMap<string, AsymmetricSpec> = new Map<string, AsymmetricSpec>([
  ['RSA_2048', { params: { kind: 'rsa', bits: 2048 }, usages: RSA_USAGES, signing: RSA_SIGNING }],
  ['RSA_3072', { params: { kind: 'rsa', bits: 3072 }, usages: RSA_USAGES, signing: RSA_SIGNING }],
  ['RSA_4096', { params: { kind: 'rsa', bits: 4096 }, usages: RSA_USAGES, signing: RSA_SIGNING }],
  ['ECC_NIST_P256', { params: { kind: 'ec', curve: 'P-256' }, usages: NIST_USAGES, signing: ['ECDSA_SHA_256'] }],
  ['ECC_NIST_P384', { params: { kind: 'ec', curve: 'P-384' }, usages: NIST_USAGES, signing: ['ECDSA_SHA_384'] }],
  ['ECC_NIST_P521', { params: { kind: 'ec', curve: 'P-521' }, usages: NIST_USAGES, signing: ['ECDSA_SHA_512'] }],
  // AWS: secp256k1 is SIGN_VERIFY only (no key agreement).
  ['ECC_SECG_P256K1', { params: { kind: 'ec', curve: 'secp256k1' }, usages: ['SIGN_VERIFY'], signing: ['ECDSA_SHA_256'] }],
  // AWS also lists ED25519_PH_SHA_512; Strongroom's HSM layer has no Ed25519ph (SoftHSM 2.6.1
  // ignores CK_EDDSA_PARAMS.phFlag), so only what Sign can honour is reported (signing.ts).
  ['ECC_NIST_EDWARDS25519', { params: { kind: 'ed25519' }, usages: ['SIGN_VERIFY'], signing: ['ED25519_SHA_512'] }],
]);

export const MAC_SPECS: ReadonlyMap<string, { hash: MacHash; algorithm: MacAlgorithmSpec }> = new Map([
  ['HMAC_224', { hash: 'sha224', algorithm: 'HMAC_SHA_224' }],
  ['HMAC_256', { hash: 'sha256', algorithm: 'HMAC_SHA_256' }],
  ['HMAC_384', { hash: 'sha384', algorithm: 'HMAC_SHA_384' }],
  ['HMAC_512', { hash: 'sha512', algorithm: 'HMAC_SHA_512' }],
] as const);

/** Specs AWS defines that this HSM layer does not implement (CreateKey: UnsupportedOperationException). */
export const UNSUPPORTED_SPECS: ReadonlySet<string> = new Set(['SM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87']);

export const PRIVATE_KEY_USAGE: Readonly<Partial<Record<KeyUsage, AsymmetricUsage>>> = {
  ENCRYPT_DECRYPT: 'decrypt',
  SIGN_VERIFY: 'sign',
  KEY_AGREEMENT: 'derive',
};

export interface SigningAlgorithm {
  scheme: SignatureScheme;
  /** The hash of RAW messages and the required DIGEST length. */
  hash: SignatureHash;
  digestBytes: number;
  /** ED25519_SHA_512 is RAW only (pure EdDSA hashes internally). */
  rawOnly: boolean;
}

function alg(scheme: SignatureScheme, hash: SignatureHash, rawOnly = false): SigningAlgorithm {
  return { scheme, hash, digestBytes: { sha256: 32, sha384: 48, sha512: 64 }[hash], rawOnly };
}

export const SIGNING_ALGORITHMS: ReadonlyMap<string, SigningAlgorithm> = new Map([
  ['RSASSA_PSS_SHA_256', alg({ kind: 'rsa-pss', hash: 'sha256' }, 'sha256')],
  ['RSASSA_PSS_SHA_384', alg({ kind: 'rsa-pss', hash: 'sha384' }, 'sha384')],
  ['RSASSA_PSS_SHA_512', alg({ kind: 'rsa-pss', hash: 'sha512' }, 'sha512')],
  ['RSASSA_PKCS1_V1_5_SHA_256', alg({ kind: 'rsa-pkcs1-v1_5', hash: 'sha256' }, 'sha256')],
  ['RSASSA_PKCS1_V1_5_SHA_384', alg({ kind: 'rsa-pkcs1-v1_5', hash: 'sha384' }, 'sha384')],
  ['RSASSA_PKCS1_V1_5_SHA_512', alg({ kind: 'rsa-pkcs1-v1_5', hash: 'sha512' }, 'sha512')],
  ['ECDSA_SHA_256', alg({ kind: 'ecdsa' }, 'sha256')],
  ['ECDSA_SHA_384', alg({ kind: 'ecdsa' }, 'sha384')],
  ['ECDSA_SHA_512', alg({ kind: 'ecdsa' }, 'sha512')],
  ['ED25519_SHA_512', alg({ kind: 'ed25519' }, 'sha512', true)],
]);

/** RSAES-OAEP: hash (= MGF1 hash) and the plaintext limit k − 2·hLen − 2 (RFC 8017 §7.1.1). */
export const OAEP_ALGORITHMS: ReadonlyMap<string, { hash: OaepHash; hashBytes: number }> = new Map([
  ['RSAES_OAEP_SHA_1', { hash: 'sha1', hashBytes: 20 }],
  ['RSAES_OAEP_SHA_256', { hash: 'sha256', hashBytes: 32 }],
] as const);

export function isAsymmetricEncryptionAlgorithm(algorithm: string | undefined): boolean {
  return algorithm !== undefined && OAEP_ALGORITHMS.has(algorithm);
}

type AlgorithmFields = Pick<KeyMetadata, 'EncryptionAlgorithms' | 'SigningAlgorithms' | 'KeyAgreementAlgorithms' | 'MacAlgorithms'>;

/** The algorithm lists DescribeKey and GetPublicKey report for a non-symmetric key. */
export function algorithmFields(keySpec: string, keyUsage: KeyUsage): AlgorithmFields {
  const mac = MAC_SPECS.get(keySpec);
  if (mac) return { MacAlgorithms: [mac.algorithm] };
  const spec = ASYMMETRIC_SPECS.get(keySpec);
  if (!spec) return {};
  if (keyUsage === 'SIGN_VERIFY') return { SigningAlgorithms: [...spec.signing] };
  if (keyUsage === 'KEY_AGREEMENT') return { KeyAgreementAlgorithms: ['ECDH'] };
  if (keyUsage === 'ENCRYPT_DECRYPT' && spec.params.kind === 'rsa') return { EncryptionAlgorithms: [...RSA_ENCRYPTION] };
  return {};
}
