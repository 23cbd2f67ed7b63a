/**
 * The HSM capability the audit trail needs (`hsm.audit`): a non-extractable ECDSA P-256 key pair
 * that signs digests of the hash chain, and a non-extractable HMAC key for recording encryption
 * context values as HMACs (STRONGROOM_AUDIT_EC_MODE=hmac). Both live in the token, created at
 * first use; only the public key ever leaves it.
 */
export interface AuditHsm {
  /** Creates the audit keys in the token if they are absent (idempotent). */
  ensureKeys(): Promise<void>;
  /**
   * ECDSA P-256 over a 32-byte SHA-256 digest with the audit signing key (CKM_ECDSA: the caller
   * hashes). Returns the raw r‖s signature (64 bytes), verifiable with dsaEncoding 'ieee-p1363'.
   */
  signDigest(sha256Digest: Buffer): Promise<Buffer>;
  /** DER SubjectPublicKeyInfo of the audit signing key. */
  publicKey(): Promise<Buffer>;
  /** HMAC-SHA256 under the audit HMAC key (32 bytes). */
  hmac(data: Buffer): Promise<Buffer>;
}
