import type Database from 'better-sqlite3';
import type { AliasRecord } from '../../kms/model/key.js';
import type { AliasRepository, CreateAliasResult, Page, PageRequest, UpdateAliasResult } from '../../kms/ports/store.js';
import { fetchSize, toPage } from '../page.js';
import { ALIAS_COLUMNS, aliasFromRow, type AliasRow } from '../rows.js';

type Db = Database.Database;
type Pk = [accountId: string, region: string, aliasName: string];

const PK = 'account_id = ? AND region = ? AND alias_name = ?';

function statements(db: Db) {
  const sel = `SELECT ${ALIAS_COLUMNS} FROM aliases WHERE account_id = ? AND region = ?`;
  return {
    get: db.prepare<Pk, AliasRow>(`SELECT ${ALIAS_COLUMNS} FROM aliases WHERE ${PK}`),
    countForKey: db.prepare<[string], number>('SELECT COUNT(*) FROM aliases WHERE target_key_id = ?').pluck(),
    insert: db.prepare<[string, string, string, string, number, number]>(
      `INSERT INTO aliases (${ALIAS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    repoint: db.prepare<[string, number, ...Pk]>(
      `UPDATE aliases SET target_key_id = ?, last_updated_date = ? WHERE ${PK}`,
    ),
    delete: db.prepare<Pk>(`DELETE FROM aliases WHERE ${PK}`),
    listFirst: db.prepare<[string, string, number], AliasRow>(`${sel} ORDER BY alias_name LIMIT ?`),
    listAfter: db.prepare<[string, string, string, number], AliasRow>(`${sel} AND alias_name > ? ORDER BY alias_name LIMIT ?`),
    listKeyFirst: db.prepare<[string, string, string, number], AliasRow>(
      `${sel} AND target_key_id = ? ORDER BY alias_name LIMIT ?`,
    ),
    listKeyAfter: db.prepare<[string, string, string, string, number], AliasRow>(
      `${sel} AND target_key_id = ? AND alias_name > ? ORDER BY alias_name LIMIT ?`,
    ),
    listForKey: db.prepare<[string], AliasRow>(
      `SELECT ${ALIAS_COLUMNS} FROM aliases WHERE target_key_id = ? ORDER BY alias_name`,
    ),
  };
}

type CreateFn = (a: AliasRecord, maxPerKey: number) => CreateAliasResult;
type UpdateFn = (pk: Pk, targetKeyId: string, now: number, maxPerKey: number) => UpdateAliasResult;

export class SqliteAliasRepository implements AliasRepository {
  private readonly s: ReturnType<typeof statements>;
  // IMMEDIATE: the check and the insert must see the same data even across processes sharing
  // the file (a deferred transaction would fail with SQLITE_BUSY_SNAPSHOT on upgrade instead).
  private readonly createTx: Database.Transaction<CreateFn>;
  private readonly updateTx: Database.Transaction<UpdateFn>;

  constructor(db: Db) {
    const s = (this.s = statements(db));
    this.createTx = db.transaction<CreateFn>((a, maxPerKey) => {
      if (s.get.get(a.accountId, a.region, a.aliasName)) return 'exists';
      if ((s.countForKey.get(a.targetKeyId) ?? 0) >= maxPerKey) return 'limit';
      s.insert.run(a.accountId, a.region, a.aliasName, a.targetKeyId, a.creationDate, a.lastUpdatedDate);
      return 'ok';
    });
    this.updateTx = db.transaction<UpdateFn>((pk, targetKeyId, now, maxPerKey) => {
      const current = s.get.get(...pk);
      if (!current) return 'missing';
      // Re-pointing at the key it already names does not add an alias to that key.
      const others = (s.countForKey.get(targetKeyId) ?? 0) - (current.target_key_id === targetKeyId ? 1 : 0);
      if (others >= maxPerKey) return 'limit';
      s.repoint.run(targetKeyId, now, ...pk);
      return 'ok';
    });
  }

  async create(alias: AliasRecord, maxPerKey: number): Promise<CreateAliasResult> {
    return this.createTx.immediate(alias, maxPerKey);
  }

  async update(
    accountId: string, region: string, aliasName: string, targetKeyId: string, now: number, maxPerKey: number,
  ): Promise<UpdateAliasResult> {
    return this.updateTx.immediate([accountId, region, aliasName], targetKeyId, now, maxPerKey);
  }

  async delete(accountId: string, region: string, aliasName: string): Promise<boolean> {
    return this.s.delete.run(accountId, region, aliasName).changes === 1;
  }

  async get(accountId: string, region: string, aliasName: string): Promise<AliasRecord | undefined> {
    const row = this.s.get.get(accountId, region, aliasName);
    return row && aliasFromRow(row);
  }

  async list(accountId: string, region: string, targetKeyId: string | undefined, page: PageRequest): Promise<Page<AliasRecord>> {
    const n = fetchSize(page);
    const { after } = page;
    const rows =
      targetKeyId === undefined
        ? after === undefined
          ? this.s.listFirst.all(accountId, region, n)
          : this.s.listAfter.all(accountId, region, after, n)
        : after === undefined
          ? this.s.listKeyFirst.all(accountId, region, targetKeyId, n)
          : this.s.listKeyAfter.all(accountId, region, targetKeyId, after, n);
    return toPage(rows.map(aliasFromRow), page.limit, (a) => a.aliasName);
  }

  async listForKey(keyId: string): Promise<AliasRecord[]> {
    return this.s.listForKey.all(keyId).map(aliasFromRow);
  }
}
