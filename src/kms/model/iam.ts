/**
 * Identity policies and temporary (assumed-role) credentials. Users and roles themselves are
 * PrincipalRecords (model/identity.ts); identity policies attach to them by principal ARN.
 */

/** An inline identity policy attached to a user or role (IAM's PutUserPolicy / PutRolePolicy). */
export interface IdentityPolicyRecord {
  principalArn: string;
  /** IAM policy names: 1–128 of `[\w+=,.@-]`. */
  policyName: string;
  /** The policy document text as given (validated with the IAM grammar when attached). */
  document: string;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}

/** Temporary credentials of one AssumeRole-style session. */
export interface SessionRecord {
  /** `ASIA` + 16 base32 characters, like STS. */
  accessKeyId: string;
  accountId: string;
  /** `arn:<partition>:iam::<acct>:role/<name>`: the role whose identity policies apply. */
  roleArn: string;
  sessionName: string;
  /** `arn:<partition>:sts::<acct>:assumed-role/<role>/<session>`: the caller's identity ARN. */
  arn: string;
  /** The secret access key sealed with Hsm.sealServiceSecret (AAD = sessionSecretAad). */
  secretSealed: Buffer;
  /** SHA-256 of the session token; the token itself is shown once and never stored. */
  tokenHash: Buffer;
  /** Epoch milliseconds from which the credentials are expired. */
  expiresAt: number;
  createdAt: number;
}
