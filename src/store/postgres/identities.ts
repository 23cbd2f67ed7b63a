import type pg from 'pg';
import type { AccessKeyRecord, AccessKeyStatus, AccountRecord, PrincipalRecord } from '../../kms/model/identity.js';
import type { IdentityRepository } from '../../kms/ports/store.js';
import {
  ACCESS_KEY_COLUMNS, PRINCIPAL_COLUMNS, accessKeyFromRow, accountFromRow, principalFromRow,
  type AccessKeyRow, type AccountRow, type PrincipalRow,
} from '../rows.js';

export class PostgresIdentityRepository implements IdentityRepository {
  constructor(private readonly pool: pg.Pool) {}

  async ensureAccount(a: AccountRecord): Promise<void> {
    // ON CONFLICT names the key column so that any other constraint failure still raises.
    await this.pool.query(
      'INSERT INTO accounts (account_id, created_at) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING',
      [a.accountId, a.createdAt],
    );
  }

  async listAccounts(): Promise<AccountRecord[]> {
    const { rows } = await this.pool.query<AccountRow>('SELECT account_id, created_at FROM accounts ORDER BY account_id');
    return rows.map(accountFromRow);
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const { rows } = await this.pool.query<AccountRow>('SELECT account_id, created_at FROM accounts WHERE account_id = $1', [
      accountId,
    ]);
    return rows[0] && accountFromRow(rows[0]);
  }

  async ensurePrincipal(p: PrincipalRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO principals (${PRINCIPAL_COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (arn) DO NOTHING`,
      [p.arn, p.accountId, p.type, p.name, p.createdAt],
    );
  }

  async getPrincipal(arn: string): Promise<PrincipalRecord | undefined> {
    const { rows } = await this.pool.query<PrincipalRow>({
      name: 'sr_principal_get',
      text: `SELECT ${PRINCIPAL_COLUMNS} FROM principals WHERE arn = $1`,
      values: [arn],
    });
    return rows[0] && principalFromRow(rows[0]);
  }

  async listPrincipals(accountId: string): Promise<PrincipalRecord[]> {
    const { rows } = await this.pool.query<PrincipalRow>(
      `SELECT ${PRINCIPAL_COLUMNS} FROM principals WHERE account_id = $1 ORDER BY arn`,
      [accountId],
    );
    return rows.map(principalFromRow);
  }

  async createAccessKey(k: AccessKeyRecord): Promise<void> {
    await this.pool.query(`INSERT INTO access_keys (${ACCESS_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
      k.accessKeyId, k.accountId, k.principalArn, k.secretSealed, k.status, k.createdAt,
    ]);
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    // Runs for every signed request (secret lookup), hence a named statement.
    const { rows } = await this.pool.query<AccessKeyRow>({
      name: 'sr_access_key_get',
      text: `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE access_key_id = $1`,
      values: [accessKeyId],
    });
    return rows[0] && accessKeyFromRow(rows[0]);
  }

  async listAccessKeys(accountId?: string): Promise<AccessKeyRecord[]> {
    const { rows } =
      accountId === undefined
        ? await this.pool.query<AccessKeyRow>(`SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys ORDER BY access_key_id`)
        : await this.pool.query<AccessKeyRow>(
            `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE account_id = $1 ORDER BY access_key_id`,
            [accountId],
          );
    return rows.map(accessKeyFromRow);
  }

  async setAccessKeyStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean> {
    const r = await this.pool.query('UPDATE access_keys SET status = $1 WHERE access_key_id = $2', [status, accessKeyId]);
    return r.rowCount === 1;
  }

  async deleteAccessKey(accessKeyId: string): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM access_keys WHERE access_key_id = $1', [accessKeyId]);
    return r.rowCount === 1;
  }
}
