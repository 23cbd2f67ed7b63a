import type pg from 'pg';
import type { Page, PageRequest } from '../../kms/ports/store.js';
import type { AddXksMaterialResult, CreateXksKeyResult, XksKeyPatch, XksKeyRepository } from '../../kms/ports/store-xks.js';
import type { XksKeyRecord, XksMaterialRecord } from '../../kms/xks/model.js';
import { fetchSize, toPage } from '../page.js';
import {
  XKS_KEY_COLUMNS,
  XKS_MATERIAL_COLUMNS,
  parseXksCursor,
  xksCursor,
  xksKeyFromRow,
  xksKeyParams,
  xksMaterialFromRow,
  xksMaterialParams,
  type XksKeyRow,
  type XksMaterialRow,
} from '../xks-rows.js';
import { withTransaction } from './db.js';

const placeholders = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
const INSERT_KEY = `INSERT INTO xks_keys (${XKS_KEY_COLUMNS}) VALUES (${placeholders(9)}) ON CONFLICT DO NOTHING`;
const INSERT_MATERIAL = `INSERT INTO xks_key_materials (${XKS_MATERIAL_COLUMNS}) VALUES (${placeholders(7)})`;
// Named statements are parsed once per pooled connection: these two run on every XKS crypto call.
const GET_KEY = { name: 'sr_xks_key_get', text: `SELECT ${XKS_KEY_COLUMNS} FROM xks_keys WHERE tenant = $1 AND external_key_id = $2` };
const GET_MATERIAL = {
  name: 'sr_xks_material_get',
  text: `SELECT ${XKS_MATERIAL_COLUMNS} FROM xks_key_materials WHERE tenant = $1 AND external_key_id = $2 AND version = $3`,
};

export class PostgresXksKeyRepository implements XksKeyRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(key: XksKeyRecord, material: XksMaterialRecord): Promise<CreateXksKeyResult> {
    return withTransaction(this.pool, async (c) => {
      const r = await c.query(INSERT_KEY, xksKeyParams(key));
      if (r.rowCount !== 1) return 'exists';
      await c.query(INSERT_MATERIAL, xksMaterialParams(material));
      return 'ok';
    });
  }

  async get(tenant: string, externalKeyId: string): Promise<XksKeyRecord | undefined> {
    const { rows } = await this.pool.query<XksKeyRow>({ ...GET_KEY, values: [tenant, externalKeyId] });
    return rows[0] && xksKeyFromRow(rows[0]);
  }

  async list(tenant: string | undefined, page: PageRequest): Promise<Page<XksKeyRecord>> {
    const params: unknown[] = [fetchSize(page)];
    let where = '';
    if (tenant !== undefined) {
      where = ` WHERE tenant = $${params.push(tenant)}`;
      if (page.after !== undefined) where += ` AND external_key_id > $${params.push(page.after)}`;
    } else if (page.after !== undefined) {
      const c = parseXksCursor(page.after);
      where = ` WHERE (tenant, external_key_id) > ($${params.push(c.tenant)}, $${params.push(c.externalKeyId)})`;
    }
    const { rows } = await this.pool.query<XksKeyRow>(
      `SELECT ${XKS_KEY_COLUMNS} FROM xks_keys${where} ORDER BY tenant, external_key_id LIMIT $1`,
      params,
    );
    const items = rows.map(xksKeyFromRow);
    return tenant !== undefined ? toPage(items, page.limit, (k) => k.externalKeyId) : toPage(items, page.limit, xksCursor);
  }

  async update(tenant: string, externalKeyId: string, patch: XksKeyPatch, now: number): Promise<boolean> {
    const params: unknown[] = [tenant, externalKeyId, now];
    const sets = ['updated_at = $3'];
    if (patch.status !== undefined) sets.push(`status = $${params.push(patch.status)}`);
    if (patch.usages !== undefined) sets.push(`usages = $${params.push(JSON.stringify(patch.usages))}`);
    if (patch.rules !== undefined) sets.push(`rules = $${params.push(patch.rules ? JSON.stringify(patch.rules) : null)}`);
    if (patch.description !== undefined) sets.push(`description = $${params.push(patch.description)}`);
    const r = await this.pool.query(`UPDATE xks_keys SET ${sets.join(', ')} WHERE tenant = $1 AND external_key_id = $2`, params);
    return r.rowCount === 1;
  }

  async getMaterial(tenant: string, externalKeyId: string, version: number): Promise<XksMaterialRecord | undefined> {
    const { rows } = await this.pool.query<XksMaterialRow>({ ...GET_MATERIAL, values: [tenant, externalKeyId, version] });
    return rows[0] && xksMaterialFromRow(rows[0]);
  }

  async listMaterials(tenant: string, externalKeyId: string): Promise<XksMaterialRecord[]> {
    const { rows } = await this.pool.query<XksMaterialRow>(
      `SELECT ${XKS_MATERIAL_COLUMNS} FROM xks_key_materials WHERE tenant = $1 AND external_key_id = $2 ORDER BY version`,
      [tenant, externalKeyId],
    );
    return rows.map(xksMaterialFromRow);
  }

  async addMaterial(m: XksMaterialRecord, now: number): Promise<AddXksMaterialResult> {
    return withTransaction(this.pool, async (c) => {
      // The row lock of this UPDATE serialises rotations of one key across nodes; a loser's WHERE
      // is re-checked against the winner's row and matches nothing.
      const bumped = await c.query(
        'UPDATE xks_keys SET current_version = $1, updated_at = $2 WHERE tenant = $3 AND external_key_id = $4 AND current_version = $5',
        [m.version, now, m.tenant, m.externalKeyId, m.version - 1],
      );
      if (bumped.rowCount !== 1) {
        const exists = await c.query('SELECT 1 FROM xks_keys WHERE tenant = $1 AND external_key_id = $2', [m.tenant, m.externalKeyId]);
        return exists.rowCount === 1 ? 'conflict' : 'missing';
      }
      await c.query(INSERT_MATERIAL, xksMaterialParams(m));
      return 'ok';
    });
  }
}
