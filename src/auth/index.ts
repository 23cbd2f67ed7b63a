/** SigV4 request authentication for the KMS JSON API (`kms`) and the XKS proxy API (`kms-xks-proxy`). */
export {
  DEFAULT_MAX_SKEW_MS,
  SIGNATURE_MISMATCH,
  verifySigV4,
  type SigningSecret,
  type SigV4Request,
  type VerifiedRequest,
  type VerifyOptions,
} from './sigv4.js';
export { deriveSigningKey, staticSigningSecret, type StaticSigningSecretOptions } from './signing-key.js';
export { SINGLE_VALUED_HEADERS } from './sigv4-parse.js';
