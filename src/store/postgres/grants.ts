import type pg from 'pg';
import type { GrantRecord } from '../../kms/model/grant.js';
import type { Page, PageRequest } from '../../kms/ports/store.js';
import type { CreateGrantOutcome, GrantFilter, GrantRepository } from '../../kms/ports/store-grants.js';
import { fetchSize, toPage } from '../page.js';
import { GRANT_COLUMNS, grantFromRow, grantValues, type GrantRow } from '../rows-authz.js';
import { lockKey, withTransaction } from './db.js';

const SEL = `SELECT ${GRANT_COLUMNS} FROM grants`;

export class PostgresGrantRepository implements GrantRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(grant: GrantRecord, maxPerKey: number): Promise<CreateGrantOutcome> {
    return withTransaction(this.pool, async (c) => {
      // The key row lock serialises CreateGrant on one key across nodes: without it two nodes
      // could both pass the limit or both miss the other's identical named grant.
      await lockKey(c, grant.keyId);
      if (grant.name !== undefined) {
        const { rows } = await c.query<GrantRow>(`${SEL} WHERE key_id = $1 AND name = $2 AND fingerprint = $3 LIMIT 1`, [
          grant.keyId, grant.name, grant.fingerprint,
        ]);
        if (rows[0]) return { outcome: 'existing', grant: grantFromRow(rows[0]) };
      }
      const { rows } = await c.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM grants WHERE key_id = $1', [grant.keyId]);
      if ((rows[0]?.n ?? 0) >= maxPerKey) return { outcome: 'limit' };
      await c.query(`INSERT INTO grants (${GRANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, grantValues(grant));
      return { outcome: 'created', grant };
    });
  }

  async get(grantId: string): Promise<GrantRecord | undefined> {
    const { rows } = await this.pool.query<GrantRow>(`${SEL} WHERE grant_id = $1`, [grantId]);
    return rows[0] && grantFromRow(rows[0]);
  }

  async list(keyId: string, filter: GrantFilter, page: PageRequest): Promise<Page<GrantRecord>> {
    const params: unknown[] = [keyId, fetchSize(page)];
    let where = 'key_id = $1';
    if (filter.grantId !== undefined) where += ` AND grant_id = $${params.push(filter.grantId)}`;
    if (filter.granteePrincipal !== undefined) where += ` AND grantee_principal = $${params.push(filter.granteePrincipal)}`;
    if (page.after !== undefined) where += ` AND grant_id > $${params.push(page.after)}`;
    const { rows } = await this.pool.query<GrantRow>(`${SEL} WHERE ${where} ORDER BY grant_id LIMIT $2`, params);
    return toPage(rows.map(grantFromRow), page.limit, (g) => g.grantId);
  }

  async listForGrantees(keyId: string, grantees: readonly string[]): Promise<GrantRecord[]> {
    if (grantees.length === 0) return [];
    // Runs when policies alone do not allow a request, hence a named statement.
    const { rows } = await this.pool.query<GrantRow>({
      name: 'sr_grants_for_grantees',
      text: `${SEL} WHERE key_id = $1 AND grantee_principal = ANY($2::text[])`,
      values: [keyId, [...grantees]],
    });
    return rows.map(grantFromRow);
  }

  async listRetirable(retiringPrincipal: string, page: PageRequest): Promise<Page<GrantRecord>> {
    const params: unknown[] = [retiringPrincipal, fetchSize(page)];
    const cursor = page.after === undefined ? '' : ` AND grant_id > $${params.push(page.after)}`;
    const { rows } = await this.pool.query<GrantRow>(
      `${SEL} WHERE retiring_principal = $1${cursor} ORDER BY grant_id LIMIT $2`,
      params,
    );
    return toPage(rows.map(grantFromRow), page.limit, (g) => g.grantId);
  }

  async count(keyId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM grants WHERE key_id = $1', [keyId]);
    return rows[0]?.n ?? 0;
  }

  async delete(grantId: string): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM grants WHERE grant_id = $1', [grantId]);
    return r.rowCount === 1;
  }
}
