import type Database from 'better-sqlite3';
import type { IdentityPolicyRecord, SessionRecord } from '../../kms/model/iam.js';
import type { IamRepository } from '../../kms/ports/store-iam.js';
import {
  POLICY_COLUMNS, SESSION_COLUMNS, policyFromRow, sessionFromRow, sessionValues, type PolicyRow, type SessionRow,
} from '../rows-authz.js';

type Db = Database.Database;

function statements(db: Db) {
  return {
    // ON CONFLICT names the key so any other constraint failure (a missing principal) still raises.
    putPolicy: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO identity_policies (${POLICY_COLUMNS}) VALUES (?, ?, ?, ?, ?) ` +
        'ON CONFLICT (principal_arn, policy_name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at',
    ),
    getPolicy: db.prepare<[string, string], PolicyRow>(
      `SELECT ${POLICY_COLUMNS} FROM identity_policies WHERE principal_arn = ? AND policy_name = ?`,
    ),
    deletePolicy: db.prepare<[string, string]>('DELETE FROM identity_policies WHERE principal_arn = ? AND policy_name = ?'),
    listPolicies: db.prepare<[string], PolicyRow>(
      `SELECT ${POLICY_COLUMNS} FROM identity_policies WHERE principal_arn = ? ORDER BY policy_name`,
    ),
    createSession: db.prepare<ReturnType<typeof sessionValues>>(
      `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getSession: db.prepare<[string], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE access_key_id = ?`),
    deleteExpired: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
    principalType: db
      .prepare<[string], string>("SELECT type FROM principals WHERE arn = ? AND type IN ('user', 'role')")
      .pluck(),
    deleteAccessKeys: db.prepare<[string]>('DELETE FROM access_keys WHERE principal_arn = ?'),
    // Identity policies and sessions follow through ON DELETE CASCADE.
    deletePrincipal: db.prepare<[string]>("DELETE FROM principals WHERE arn = ? AND type IN ('user', 'role')"),
  };
}

export class SqliteIamRepository implements IamRepository {
  private readonly s: ReturnType<typeof statements>;
  private readonly deletePrincipalTx: Database.Transaction<(arn: string) => boolean>;

  constructor(db: Db) {
    const s = (this.s = statements(db));
    this.deletePrincipalTx = db.transaction((arn: string) => {
      if (s.principalType.get(arn) === undefined) return false;
      // Access keys reference principals without a cascade (migration 001), so they go first.
      s.deleteAccessKeys.run(arn);
      return s.deletePrincipal.run(arn).changes === 1;
    });
  }

  async putIdentityPolicy(p: IdentityPolicyRecord): Promise<void> {
    this.s.putPolicy.run(p.principalArn, p.policyName, p.document, p.createdAt, p.updatedAt);
  }

  async getIdentityPolicy(principalArn: string, policyName: string): Promise<IdentityPolicyRecord | undefined> {
    const row = this.s.getPolicy.get(principalArn, policyName);
    return row && policyFromRow(row);
  }

  async deleteIdentityPolicy(principalArn: string, policyName: string): Promise<boolean> {
    return this.s.deletePolicy.run(principalArn, policyName).changes === 1;
  }

  async listIdentityPolicies(principalArn: string): Promise<IdentityPolicyRecord[]> {
    return this.s.listPolicies.all(principalArn).map(policyFromRow);
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.s.createSession.run(...sessionValues(session));
  }

  async getSession(accessKeyId: string): Promise<SessionRecord | undefined> {
    const row = this.s.getSession.get(accessKeyId);
    return row && sessionFromRow(row);
  }

  async deleteExpiredSessions(before: number): Promise<number> {
    return this.s.deleteExpired.run(before).changes;
  }

  async deletePrincipal(arn: string): Promise<boolean> {
    return this.deletePrincipalTx.immediate(arn);
  }
}
