import type Database from 'better-sqlite3';
import type { AccessKeyRecord, AccessKeyStatus, AccountRecord, PrincipalRecord } from '../../kms/model/identity.js';
import type { IdentityRepository } from '../../kms/ports/store.js';
import {
  ACCESS_KEY_COLUMNS, PRINCIPAL_COLUMNS, accessKeyFromRow, accountFromRow, principalFromRow,
  type AccessKeyRow, type AccountRow, type PrincipalRow,
} from '../rows.js';

type Db = Database.Database;

function statements(db: Db) {
  return {
    // ON CONFLICT names the key column so that any other constraint failure still raises.
    ensureAccount: db.prepare<[string, number]>(
      'INSERT INTO accounts (account_id, created_at) VALUES (?, ?) ON CONFLICT (account_id) DO NOTHING',
    ),
    getAccount: db.prepare<[string], AccountRow>('SELECT account_id, created_at FROM accounts WHERE account_id = ?'),
    listAccounts: db.prepare<[], AccountRow>('SELECT account_id, created_at FROM accounts ORDER BY account_id'),
    ensurePrincipal: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO principals (${PRINCIPAL_COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (arn) DO NOTHING`,
    ),
    getPrincipal: db.prepare<[string], PrincipalRow>(`SELECT ${PRINCIPAL_COLUMNS} FROM principals WHERE arn = ?`),
    listPrincipals: db.prepare<[string], PrincipalRow>(
      `SELECT ${PRINCIPAL_COLUMNS} FROM principals WHERE account_id = ? ORDER BY arn`,
    ),
    createAccessKey: db.prepare<[string, string, string, Buffer, string, number]>(
      `INSERT INTO access_keys (${ACCESS_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    getAccessKey: db.prepare<[string], AccessKeyRow>(
      `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE access_key_id = ?`,
    ),
    listAllAccessKeys: db.prepare<[], AccessKeyRow>(`SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys ORDER BY access_key_id`),
    listAccountAccessKeys: db.prepare<[string], AccessKeyRow>(
      `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE account_id = ? ORDER BY access_key_id`,
    ),
    setStatus: db.prepare<[string, string]>('UPDATE access_keys SET status = ? WHERE access_key_id = ?'),
    deleteAccessKey: db.prepare<[string]>('DELETE FROM access_keys WHERE access_key_id = ?'),
  };
}

export class SqliteIdentityRepository implements IdentityRepository {
  private readonly s: ReturnType<typeof statements>;

  constructor(db: Db) {
    this.s = statements(db);
  }

  async ensureAccount(account: AccountRecord): Promise<void> {
    this.s.ensureAccount.run(account.accountId, account.createdAt);
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return this.s.listAccounts.all().map(accountFromRow);
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const row = this.s.getAccount.get(accountId);
    return row && accountFromRow(row);
  }

  async ensurePrincipal(p: PrincipalRecord): Promise<void> {
    this.s.ensurePrincipal.run(p.arn, p.accountId, p.type, p.name, p.createdAt);
  }

  async getPrincipal(arn: string): Promise<PrincipalRecord | undefined> {
    const row = this.s.getPrincipal.get(arn);
    return row && principalFromRow(row);
  }

  async listPrincipals(accountId: string): Promise<PrincipalRecord[]> {
    return this.s.listPrincipals.all(accountId).map(principalFromRow);
  }

  async createAccessKey(k: AccessKeyRecord): Promise<void> {
    this.s.createAccessKey.run(k.accessKeyId, k.accountId, k.principalArn, k.secretSealed, k.status, k.createdAt);
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const row = this.s.getAccessKey.get(accessKeyId);
    return row && accessKeyFromRow(row);
  }

  async listAccessKeys(accountId?: string): Promise<AccessKeyRecord[]> {
    const rows = accountId === undefined ? this.s.listAllAccessKeys.all() : this.s.listAccountAccessKeys.all(accountId);
    return rows.map(accessKeyFromRow);
  }

  async setAccessKeyStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean> {
    return this.s.setStatus.run(status, accessKeyId).changes === 1;
  }

  async deleteAccessKey(accessKeyId: string): Promise<boolean> {
    return this.s.deleteAccessKey.run(accessKeyId).changes === 1;
  }
}
