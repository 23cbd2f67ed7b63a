import type Database from 'better-sqlite3';
import type { GrantRecord } from '../../kms/model/grant.js';
import type { Page, PageRequest } from '../../kms/ports/store.js';
import type { CreateGrantOutcome, GrantFilter, GrantRepository } from '../../kms/ports/store-grants.js';
import { fetchSize, toPage } from '../page.js';
import { GRANT_COLUMNS, grantFromRow, grantValues, type GrantRow } from '../rows-authz.js';

type Db = Database.Database;
type CreateFn = (g: GrantRecord, maxPerKey: number) => CreateGrantOutcome;

const SEL = `SELECT ${GRANT_COLUMNS} FROM grants`;

function statements(db: Db) {
  return {
    insert: db.prepare<ReturnType<typeof grantValues>>(`INSERT INTO grants (${GRANT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    get: db.prepare<[string], GrantRow>(`${SEL} WHERE grant_id = ?`),
    byName: db.prepare<[string, string, string], GrantRow>(`${SEL} WHERE key_id = ? AND name = ? AND fingerprint = ? LIMIT 1`),
    count: db.prepare<[string], number>('SELECT COUNT(*) FROM grants WHERE key_id = ?').pluck(),
    // Filters are optional: a NULL parameter matches every row.
    list: db.prepare<[string, string | null, string | null, string | null, string | null, string | null, string | null, number], GrantRow>(
      `${SEL} WHERE key_id = ? AND (? IS NULL OR grant_id = ?) AND (? IS NULL OR grantee_principal = ?) ` +
        'AND (? IS NULL OR grant_id > ?) ORDER BY grant_id LIMIT ?',
    ),
    forGrantees: db.prepare<[string, string], GrantRow>(
      `${SEL} WHERE key_id = ? AND grantee_principal IN (SELECT value FROM json_each(?))`,
    ),
    retirableFirst: db.prepare<[string, number], GrantRow>(`${SEL} WHERE retiring_principal = ? ORDER BY grant_id LIMIT ?`),
    retirableAfter: db.prepare<[string, string, number], GrantRow>(
      `${SEL} WHERE retiring_principal = ? AND grant_id > ? ORDER BY grant_id LIMIT ?`,
    ),
    delete: db.prepare<[string]>('DELETE FROM grants WHERE grant_id = ?'),
  };
}

export class SqliteGrantRepository implements GrantRepository {
  private readonly s: ReturnType<typeof statements>;
  // IMMEDIATE: the limit count, the Name lookup and the insert see the same data, also across
  // processes sharing the file.
  private readonly createTx: Database.Transaction<CreateFn>;

  constructor(db: Db) {
    const s = (this.s = statements(db));
    this.createTx = db.transaction<CreateFn>((g, maxPerKey) => {
      if (g.name !== undefined) {
        const existing = s.byName.get(g.keyId, g.name, g.fingerprint);
        if (existing) return { outcome: 'existing', grant: grantFromRow(existing) };
      }
      if ((s.count.get(g.keyId) ?? 0) >= maxPerKey) return { outcome: 'limit' };
      s.insert.run(...grantValues(g));
      return { outcome: 'created', grant: g };
    });
  }

  async create(grant: GrantRecord, maxPerKey: number): Promise<CreateGrantOutcome> {
    return this.createTx.immediate(grant, maxPerKey);
  }

  async get(grantId: string): Promise<GrantRecord | undefined> {
    const row = this.s.get.get(grantId);
    return row && grantFromRow(row);
  }

  async list(keyId: string, filter: GrantFilter, page: PageRequest): Promise<Page<GrantRecord>> {
    const id = filter.grantId ?? null;
    const grantee = filter.granteePrincipal ?? null;
    const after = page.after ?? null;
    const rows = this.s.list.all(keyId, id, id, grantee, grantee, after, after, fetchSize(page));
    return toPage(rows.map(grantFromRow), page.limit, (g) => g.grantId);
  }

  async listForGrantees(keyId: string, grantees: readonly string[]): Promise<GrantRecord[]> {
    if (grantees.length === 0) return [];
    return this.s.forGrantees.all(keyId, JSON.stringify(grantees)).map(grantFromRow);
  }

  async listRetirable(retiringPrincipal: string, page: PageRequest): Promise<Page<GrantRecord>> {
    const n = fetchSize(page);
    const rows =
      page.after === undefined ? this.s.retirableFirst.all(retiringPrincipal, n) : this.s.retirableAfter.all(retiringPrincipal, page.after, n);
    return toPage(rows.map(grantFromRow), page.limit, (g) => g.grantId);
  }

  async count(keyId: string): Promise<number> {
    return this.s.count.get(keyId) ?? 0;
  }

  async delete(grantId: string): Promise<boolean> {
    return this.s.delete.run(grantId).changes === 1;
  }
}
