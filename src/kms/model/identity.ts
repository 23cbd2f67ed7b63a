/** Accounts, principals and access keys. Policies attach to principals (identity policies). */

export interface AccountRecord {
  accountId: string;
  createdAt: number;
}

export type PrincipalType = 'root' | 'user' | 'role';

export interface PrincipalRecord {
  /** `arn:aws:iam::<acct>:root`, `arn:aws:iam::<acct>:user/<name>`, `arn:aws:iam::<acct>:role/<name>`. */
  arn: string;
  accountId: string;
  type: PrincipalType;
  name: string;
  createdAt: number;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  principalArn: string;
  /** The secret access key sealed with Hsm.sealServiceSecret (AAD = access key id). */
  secretSealed: Buffer;
  status: AccessKeyStatus;
  createdAt: number;
}
