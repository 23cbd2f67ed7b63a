/**
 * The IAM repository of the store port: identity policies attached to users and roles,
 * assumed-role sessions, and deleting a principal with everything that hangs off it. Accounts,
 * principals and long-term access keys stay in `identities`. Each method is one transaction.
 */
import type { IdentityPolicyRecord, SessionRecord } from '../model/iam.js';

export interface IamRepository {
  /** Creates or replaces the policy of that name on the principal (which must exist). */
  putIdentityPolicy(policy: IdentityPolicyRecord): Promise<void>;
  getIdentityPolicy(principalArn: string, policyName: string): Promise<IdentityPolicyRecord | undefined>;
  deleteIdentityPolicy(principalArn: string, policyName: string): Promise<boolean>;
  /** The principal's identity policies ordered by name (read on every authorized request). */
  listIdentityPolicies(principalArn: string): Promise<IdentityPolicyRecord[]>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(accessKeyId: string): Promise<SessionRecord | undefined>;
  /** Removes sessions expired at or before `before` (epoch ms); returns how many. */
  deleteExpiredSessions(before: number): Promise<number>;

  /**
   * Deletes a user or role with its access keys, identity policies and sessions. Returns false
   * when no such principal exists. Account roots are never deleted this way.
   */
  deletePrincipal(arn: string): Promise<boolean>;
}
