/**
 * Row shapes of the authorization tables (migration 003), identical in both backends, and their
 * mapping to model records. Optional fields are omitted rather than set to undefined.
 */
import type { GrantConstraintsRecord, GrantRecord } from '../kms/model/grant.js';
import type { IdentityPolicyRecord, SessionRecord } from '../kms/model/iam.js';

export const POLICY_COLUMNS = 'principal_arn, policy_name, document, created_at, updated_at';
export const SESSION_COLUMNS =
  'access_key_id, account_id, role_arn, session_name, arn, secret_sealed, token_hash, expires_at, created_at';
export const GRANT_COLUMNS =
  'grant_id, key_id, issuing_account, name, grantee_principal, retiring_principal, operations, constraints, fingerprint, creation_date';

export interface PolicyRow {
  principal_arn: string;
  policy_name: string;
  document: string;
  created_at: number;
  updated_at: number;
}

export function policyFromRow(r: PolicyRow): IdentityPolicyRecord {
  return { principalArn: r.principal_arn, policyName: r.policy_name, document: r.document, createdAt: r.created_at, updatedAt: r.updated_at };
}

export interface SessionRow {
  access_key_id: string;
  account_id: string;
  role_arn: string;
  session_name: string;
  arn: string;
  secret_sealed: Buffer;
  token_hash: Buffer;
  expires_at: number;
  created_at: number;
}

export function sessionFromRow(r: SessionRow): SessionRecord {
  return {
    accessKeyId: r.access_key_id,
    accountId: r.account_id,
    roleArn: r.role_arn,
    sessionName: r.session_name,
    arn: r.arn,
    secretSealed: r.secret_sealed,
    tokenHash: r.token_hash,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
  };
}

export function sessionValues(s: SessionRecord): [string, string, string, string, string, Buffer, Buffer, number, number] {
  return [s.accessKeyId, s.accountId, s.roleArn, s.sessionName, s.arn, s.secretSealed, s.tokenHash, s.expiresAt, s.createdAt];
}

export interface GrantRow {
  grant_id: string;
  key_id: string;
  issuing_account: string;
  name: string | null;
  grantee_principal: string;
  retiring_principal: string | null;
  operations: string;
  constraints: string | null;
  fingerprint: string;
  creation_date: number;
}

/** A null-prototype copy, so a context key named `__proto__` stays an ordinary key. */
function plainMap(o: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(o as Record<string, string>)) {
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function constraintsFromJson(text: string): GrantConstraintsRecord {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const c: GrantConstraintsRecord = {};
  if (raw.EncryptionContextEquals) c.EncryptionContextEquals = plainMap(raw.EncryptionContextEquals);
  if (raw.EncryptionContextSubset) c.EncryptionContextSubset = plainMap(raw.EncryptionContextSubset);
  return c;
}

export function grantFromRow(r: GrantRow): GrantRecord {
  const g: GrantRecord = {
    grantId: r.grant_id,
    keyId: r.key_id,
    issuingAccount: r.issuing_account,
    granteePrincipal: r.grantee_principal,
    operations: JSON.parse(r.operations) as string[],
    fingerprint: r.fingerprint,
    creationDate: r.creation_date,
  };
  if (r.name !== null) g.name = r.name;
  if (r.retiring_principal !== null) g.retiringPrincipal = r.retiring_principal;
  if (r.constraints !== null) g.constraints = constraintsFromJson(r.constraints);
  return g;
}

export function grantValues(g: GrantRecord): [string, string, string, string | null, string, string | null, string, string | null, string, number] {
  return [
    g.grantId,
    g.keyId,
    g.issuingAccount,
    g.name ?? null,
    g.granteePrincipal,
    g.retiringPrincipal ?? null,
    JSON.stringify(g.operations),
    g.constraints ? JSON.stringify(g.constraints) : null,
    g.fingerprint,
    g.creationDate,
  ];
}
