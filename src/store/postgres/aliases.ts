import type pg from 'pg';
import type { AliasRecord } from '../../kms/model/key.js';
import type { AliasRepository, CreateAliasResult, Page, PageRequest, UpdateAliasResult } from '../../kms/ports/store.js';
import { fetchSize, toPage } from '../page.js';
import { ALIAS_COLUMNS, aliasFromRow, type AliasRow } from '../rows.js';
import { lockKey, withTransaction } from './db.js';

const PK = 'account_id = $1 AND region = $2 AND alias_name = $3';

async function countForKey(c: pg.PoolClient, keyId: string): Promise<number> {
  const { rows } = await c.query<{ n: number }>('SELECT COUNT(*) AS n FROM aliases WHERE target_key_id = $1', [keyId]);
  return rows[0]?.n ?? 0;
}

/**
 * Every writer locks the target key row before it reads the alias count (lock order: key, then
 * alias), so the per-key limit holds across nodes and deleting a key cannot deadlock with it.
 */
export class PostgresAliasRepository implements AliasRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(a: AliasRecord, maxPerKey: number): Promise<CreateAliasResult> {
    return withTransaction(this.pool, async (c) => {
      await lockKey(c, a.targetKeyId);
      const existing = await c.query(`SELECT 1 FROM aliases WHERE ${PK}`, [a.accountId, a.region, a.aliasName]);
      if (existing.rowCount !== 0) return 'exists';
      if ((await countForKey(c, a.targetKeyId)) >= maxPerKey) return 'limit';
      // Another node may insert the same name for a different key after our check: the
      // conflict clause waits for it and then reports it instead of raising.
      const r = await c.query(
        `INSERT INTO aliases (${ALIAS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ` +
          'ON CONFLICT (account_id, region, alias_name) DO NOTHING',
        [a.accountId, a.region, a.aliasName, a.targetKeyId, a.creationDate, a.lastUpdatedDate],
      );
      return r.rowCount === 1 ? 'ok' : 'exists';
    });
  }

  async update(
    accountId: string, region: string, aliasName: string, targetKeyId: string, now: number, maxPerKey: number,
  ): Promise<UpdateAliasResult> {
    return withTransaction(this.pool, async (c) => {
      await lockKey(c, targetKeyId);
      const { rows } = await c.query<{ target_key_id: string }>(
        `SELECT target_key_id FROM aliases WHERE ${PK} FOR UPDATE`,
        [accountId, region, aliasName],
      );
      const current = rows[0];
      if (!current) return 'missing';
      // Re-pointing at the key it already names does not add an alias to that key.
      const others = (await countForKey(c, targetKeyId)) - (current.target_key_id === targetKeyId ? 1 : 0);
      if (others >= maxPerKey) return 'limit';
      await c.query(`UPDATE aliases SET target_key_id = $4, last_updated_date = $5 WHERE ${PK}`, [
        accountId, region, aliasName, targetKeyId, now,
      ]);
      return 'ok';
    });
  }

  async delete(accountId: string, region: string, aliasName: string): Promise<boolean> {
    const r = await this.pool.query(`DELETE FROM aliases WHERE ${PK}`, [accountId, region, aliasName]);
    return r.rowCount === 1;
  }

  async get(accountId: string, region: string, aliasName: string): Promise<AliasRecord | undefined> {
    const { rows } = await this.pool.query<AliasRow>({
      name: 'sr_alias_get',
      text: `SELECT ${ALIAS_COLUMNS} FROM aliases WHERE ${PK}`,
      values: [accountId, region, aliasName],
    });
    return rows[0] && aliasFromRow(rows[0]);
  }

  async list(accountId: string, region: string, targetKeyId: string | undefined, page: PageRequest): Promise<Page<AliasRecord>> {
    const params: unknown[] = [accountId, region, fetchSize(page)];
    let where = '';
    if (targetKeyId !== undefined) where += ` AND target_key_id = $${params.push(targetKeyId)}`;
    if (page.after !== undefined) where += ` AND alias_name > $${params.push(page.after)}`;
    const { rows } = await this.pool.query<AliasRow>(
      `SELECT ${ALIAS_COLUMNS} FROM aliases WHERE account_id = $1 AND region = $2${where} ORDER BY alias_name LIMIT $3`,
      params,
    );
    return toPage(rows.map(aliasFromRow), page.limit, (a) => a.aliasName);
  }

  async listForKey(keyId: string): Promise<AliasRecord[]> {
    const { rows } = await this.pool.query<AliasRow>(
      `SELECT ${ALIAS_COLUMNS} FROM aliases WHERE target_key_id = $1 ORDER BY alias_name`,
      [keyId],
    );
    return rows.map(aliasFromRow);
  }
}
