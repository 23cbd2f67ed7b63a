import type pg from 'pg';
import type { IdentityPolicyRecord, SessionRecord } from '../../kms/model/iam.js';
import type { IamRepository } from '../../kms/ports/store-iam.js';
import {
  POLICY_COLUMNS, SESSION_COLUMNS, policyFromRow, sessionFromRow, sessionValues, type PolicyRow, type SessionRow,
} from '../rows-authz.js';
import { withTransaction } from './db.js';

export class PostgresIamRepository implements IamRepository {
  constructor(private readonly pool: pg.Pool) {}

  async putIdentityPolicy(p: IdentityPolicyRecord): Promise<void> {
    // ON CONFLICT names the key so any other constraint failure (a missing principal) still raises.
    await this.pool.query(
      `INSERT INTO identity_policies (${POLICY_COLUMNS}) VALUES ($1, $2, $3, $4, $5) ` +
        'ON CONFLICT (principal_arn, policy_name) DO UPDATE SET document = EXCLUDED.document, updated_at = EXCLUDED.updated_at',
      [p.principalArn, p.policyName, p.document, p.createdAt, p.updatedAt],
    );
  }

  async getIdentityPolicy(principalArn: string, policyName: string): Promise<IdentityPolicyRecord | undefined> {
    const { rows } = await this.pool.query<PolicyRow>(
      `SELECT ${POLICY_COLUMNS} FROM identity_policies WHERE principal_arn = $1 AND policy_name = $2`,
      [principalArn, policyName],
    );
    return rows[0] && policyFromRow(rows[0]);
  }

  async deleteIdentityPolicy(principalArn: string, policyName: string): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM identity_policies WHERE principal_arn = $1 AND policy_name = $2', [principalArn, policyName]);
    return r.rowCount === 1;
  }

  async listIdentityPolicies(principalArn: string): Promise<IdentityPolicyRecord[]> {
    // Runs for every request of a user or role, hence a named statement.
    const { rows } = await this.pool.query<PolicyRow>({
      name: 'sr_identity_policies',
      text: `SELECT ${POLICY_COLUMNS} FROM identity_policies WHERE principal_arn = $1 ORDER BY policy_name`,
      values: [principalArn],
    });
    return rows.map(policyFromRow);
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.pool.query(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, sessionValues(session));
  }

  async getSession(accessKeyId: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.pool.query<SessionRow>({
      name: 'sr_session_get',
      text: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE access_key_id = $1`,
      values: [accessKeyId],
    });
    return rows[0] && sessionFromRow(rows[0]);
  }

  async deleteExpiredSessions(before: number): Promise<number> {
    const r = await this.pool.query('DELETE FROM sessions WHERE expires_at <= $1', [before]);
    return r.rowCount ?? 0;
  }

  async deletePrincipal(arn: string): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      const found = await c.query("SELECT 1 FROM principals WHERE arn = $1 AND type IN ('user', 'role') FOR UPDATE", [arn]);
      if (found.rowCount !== 1) return false;
      // Access keys reference principals without a cascade (migration 001), so they go first;
      // identity policies and sessions follow the principal through ON DELETE CASCADE.
      await c.query('DELETE FROM access_keys WHERE principal_arn = $1', [arn]);
      await c.query('DELETE FROM principals WHERE arn = $1', [arn]);
      return true;
    });
  }
}
