/**
 * The key-import capability of the HSM port (`hsm.imports`, "bring your own key"): RSA wrapping
 * key pairs generated in the token, and the unwrapping of 256-bit symmetric key material inside
 * the token with the token's own C_UnwrapKey wherever it has the mechanism. The material ends up
 * like generated material: a domain-key-wrapped blob (`wrapped` storage) or a non-extractable
 * token object (`token` storage); its plaintext never crosses this port.
 */
import { HsmError } from './hsm.js';

export type WrappingKeySpec = 'RSA_2048' | 'RSA_3072' | 'RSA_4096';

/**
 * AWS KMS API Reference: GetParametersForImport, WrappingAlgorithm. RSA_AES_KEY_WRAP_* is PKCS#11
 * CKM_RSA_AES_KEY_WRAP: RSA-OAEP(ephemeral AES-256 key) ‖ AES-KWP (RFC 5649) of the material.
 */
export type WrappingAlgorithm = 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_1' | 'RSA_AES_KEY_WRAP_SHA_256';

export interface ImportCapabilities {
  /**
   * RSA-OAEP with SHA-256 may be decoded in process memory when the token lacks it natively
   * (STRONGROOM_HSM_SOFTWARE_OAEP; on by default). Off: such algorithms are refused.
   */
  readonly softwareOaep: boolean;
}

export interface UnwrapRequest {
  keyId: string;
  wrappingKeyId: string;
  algorithm: WrappingAlgorithm;
  encryptedKeyMaterial: Buffer;
}

export interface ImportedMaterial {
  /**
   * 64 hex characters derived inside the token from the key id and the material (a key check
   * value): the same material imported into the same key always gets the same id, different
   * material a different one, so re-imports are recognised without extracting anything.
   */
  materialId: string;
  /** `wrapped` storage: the CKM_AES_KEY_WRAP_PAD blob under the domain key. */
  wrapped?: Buffer;
}

export interface ImportsHsm {
  readonly capabilities: ImportCapabilities;
  /**
   * Generates an RSA key pair in the token whose private half (a token object, so every process
   * and node on the token can use it) may only unwrap; returns the public half as DER
   * SubjectPublicKeyInfo. Throws HsmUnsupportedError when this deployment cannot unwrap with
   * `algorithm` at all (then nothing is created).
   */
  createWrappingKey(wrappingKeyId: string, spec: WrappingKeySpec, algorithm: WrappingAlgorithm): Promise<Buffer>;
  /** Destroys the wrapping key pair; absent is fine. */
  destroyWrappingKey(wrappingKeyId: string): Promise<void>;
  /**
   * Unwraps the material inside the token and computes its id; then calls `accept(materialId)`,
   * which decides (and may throw to refuse: nothing is stored then); then stores the material in
   * the deployment's storage mode. Wrong unwrap (other key, tampered bytes, wrong algorithm) →
   * HsmDecryptError; material that is not exactly 256 bits → HsmImportedMaterialError.
   */
  importSymmetricMaterial(req: UnwrapRequest, accept: (materialId: string) => Promise<void>): Promise<ImportedMaterial>;
}

/** The unwrapped key material is not a 256-bit AES key. */
export class HsmImportedMaterialError extends HsmError {}
