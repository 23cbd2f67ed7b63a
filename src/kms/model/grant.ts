/**
 * Grants as stored (AWS KMS Developer Guide, "Grants in AWS KMS"; reference §5.11). A grant
 * allows its grantee a set of operations on exactly one key; it is never edited, only retired
 * or revoked, and it goes with its key when the key is deleted.
 */

/** Encryption-context constraints; values are null-prototype objects so `__proto__` is a key. */
export interface GrantConstraintsRecord {
  EncryptionContextEquals?: Readonly<Record<string, string>>;
  EncryptionContextSubset?: Readonly<Record<string, string>>;
}

export interface GrantRecord {
  /** 64 lower-case hex characters. */
  grantId: string;
  keyId: string;
  /** Account of the principal that created the grant (shown as its root ARN in ListGrants). */
  issuingAccount: string;
  name?: string;
  granteePrincipal: string;
  retiringPrincipal?: string;
  /** GrantOperation names, de-duplicated, in request order. */
  operations: string[];
  constraints?: GrantConstraintsRecord;
  /**
   * Hash of the grant's parameters (grantee, retiring principal, operations, constraints): a
   * CreateGrant with the same Name and the same fingerprint returns the existing grant.
   */
  fingerprint: string;
  /** Epoch milliseconds. */
  creationDate: number;
}
