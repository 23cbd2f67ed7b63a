/**
 * The asymmetric-key capability of the HSM port (`hsm.asymmetric`): RSA, NIST/SECG EC and Ed25519
 * key pairs whose private halves are generated in the token and never leave it in plaintext.
 * Public keys cross the boundary as DER SubjectPublicKeyInfo; private keys only as references
 * (plus, in `wrapped` storage, the CKM_AES_KEY_WRAP_PAD blob under the domain key).
 *
 * The port speaks in key families and hashes, not AWS names: the KMS layer maps KeySpec and
 * SigningAlgorithm onto these (kms/asymmetric/specs.ts).
 */
import type { KeyStorageMode, MaterialRef } from './hsm.js';

export type EcCurve = 'P-256' | 'P-384' | 'P-521' | 'secp256k1';

export type KeyPairParams = { kind: 'rsa'; bits: 2048 | 3072 | 4096 } | { kind: 'ec'; curve: EcCurve } | { kind: 'ed25519' };

/** What the private key may do; one usage per key, as AWS KMS requires. */
export type AsymmetricUsage = 'sign' | 'decrypt' | 'derive';

export type SignatureHash = 'sha256' | 'sha384' | 'sha512';

/**
 * How to sign. `input` of sign/verify is the digest for the RSA and ECDSA schemes (hashed by the
 * caller) and the message itself for Ed25519 (pure EdDSA hashes internally).
 */
export type SignatureScheme =
  | { kind: 'rsa-pkcs1-v1_5'; hash: SignatureHash }
  /** Salt length = hash length (AWS KMS API Reference: SigningAlgorithmSpec). */
  | { kind: 'rsa-pss'; hash: SignatureHash }
  /** Signatures are DER ECDSA-Sig-Value (RFC 3279), as AWS KMS returns them. */
  | { kind: 'ecdsa' }
  | { kind: 'ed25519' };

export type OaepHash = 'sha1' | 'sha256';

/** A private key (or its wrapped blob) and what it is: the HSM needs both to use it. */
export interface PrivateKeyRef extends MaterialRef {
  params: KeyPairParams;
  usage: AsymmetricUsage;
}

export interface GeneratedKeyPair {
  /** DER SubjectPublicKeyInfo built from the token's public attributes. */
  publicKey: Buffer;
  /**
   * Where the private key lives. Usually the deployment's mode; a `wrapped` deployment stores a
   * key type the token cannot wrap as a token object instead (SoftHSM 2.6.1: Ed25519).
   */
  storage: KeyStorageMode;
  /** KWP blob under the domain key when storage is `wrapped`. */
  wrapped?: Buffer;
}

export interface AsymmetricCapabilities {
  /** Ed25519ph (CK_EDDSA_PARAMS.phFlag). SoftHSM 2.6.1 ignores the flag, so this is false there. */
  readonly ed25519Prehash: boolean;
}

export interface AsymmetricHsm {
  readonly capabilities: AsymmetricCapabilities;
  generateKeyPair(keyId: string, materialId: string, params: KeyPairParams, usage: AsymmetricUsage): Promise<GeneratedKeyPair>;
  sign(ref: PrivateKeyRef, scheme: SignatureScheme, input: Buffer): Promise<Buffer>;
  /** Verifies with the public key only (inside the token); false for any invalid signature. */
  verify(publicKey: Buffer, scheme: SignatureScheme, input: Buffer, signature: Buffer): Promise<boolean>;
  /** RSAES-OAEP with MGF1 over the same hash and an empty label. Failure: HsmDecryptError. Caller zeroes the result. */
  decrypt(ref: PrivateKeyRef, hash: OaepHash, ciphertext: Buffer): Promise<Buffer>;
  /** ECDH (CKD_NULL): the raw shared secret with the peer's uncompressed point 04‖X‖Y. Caller zeroes it. */
  deriveSharedSecret(ref: PrivateKeyRef, peerPoint: Buffer): Promise<Buffer>;
}
