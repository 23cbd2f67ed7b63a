import type pg from 'pg';
import type { KeyMaterialRecord, KeyRecord, Tag } from '../../kms/model/key.js';
import type { KeyPatch, KeyRepository, Page, PageRequest } from '../../kms/ports/store.js';
import { checkLimit, fetchSize, toPage } from '../page.js';
import { KEY_COLUMNS, KEY_MATERIAL_COLUMNS, keyFromRow, materialFromRow, type KeyRow, type MaterialRow } from '../rows.js';
import { dedupeTags } from '../tags.js';
import { lockKey, withTransaction } from './db.js';

/** Patch field → column; the SET list is built only from this fixed table, never from input. */
const PATCH_COLUMNS = {
  description: 'description',
  keyState: 'key_state',
  deletionDate: 'deletion_date',
  pendingWindowInDays: 'pending_window_in_days',
  policy: 'policy',
  currentMaterialId: 'current_material_id',
} as const satisfies Record<keyof KeyPatch, string>;

const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');
const INSERT_KEY = `INSERT INTO keys (${KEY_COLUMNS}) VALUES (${placeholders(15)})`;
const INSERT_MATERIAL = `INSERT INTO key_materials (${KEY_MATERIAL_COLUMNS}) VALUES (${placeholders(7)})`;
// Named statements are parsed once per pooled connection: these run on every Encrypt/Decrypt.
const GET_KEY = { name: 'sr_key_get', text: `SELECT ${KEY_COLUMNS} FROM keys WHERE key_id = $1` };
const GET_MATERIAL = {
  name: 'sr_material_get',
  text: `SELECT ${KEY_MATERIAL_COLUMNS} FROM key_materials WHERE key_id = $1 AND material_id = $2`,
};

function keyParams(k: KeyRecord): unknown[] {
  return [
    k.keyId, k.accountId, k.region, k.arn, k.description, k.keyUsage, k.keySpec, k.origin, k.keyState,
    k.creationDate, k.deletionDate ?? null, k.pendingWindowInDays ?? null, k.policy,
    k.currentMaterialId ?? null, k.multiRegion,
  ];
}

function materialParams(m: KeyMaterialRecord): unknown[] {
  return [m.keyId, m.materialId, m.createdAt, m.storage, m.wrapped ?? null, m.state, m.publicKey ?? null];
}

export class PostgresKeyRepository implements KeyRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(key: KeyRecord, material: KeyMaterialRecord | undefined, tags: Tag[]): Promise<void> {
    await withTransaction(this.pool, async (c) => {
      await c.query(INSERT_KEY, keyParams(key));
      if (material) await c.query(INSERT_MATERIAL, materialParams(material));
      const unique = dedupeTags(tags);
      if (unique.length > 0) {
        await c.query('INSERT INTO tags (key_id, tag_key, tag_value) SELECT $1::text, * FROM unnest($2::text[], $3::text[])', [
          key.keyId, unique.map((t) => t.TagKey), unique.map((t) => t.TagValue),
        ]);
      }
    });
  }

  async get(keyId: string): Promise<KeyRecord | undefined> {
    const { rows } = await this.pool.query<KeyRow>({ ...GET_KEY, values: [keyId] });
    return rows[0] && keyFromRow(rows[0]);
  }

  async list(accountId: string, region: string, page: PageRequest): Promise<Page<KeyRecord>> {
    const params: unknown[] = [accountId, region, fetchSize(page)];
    let cursor = '';
    if (page.after !== undefined) cursor = ` AND key_id > $${params.push(page.after)}`;
    const { rows } = await this.pool.query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM keys WHERE account_id = $1 AND region = $2${cursor} ORDER BY key_id LIMIT $3`,
      params,
    );
    return toPage(rows.map(keyFromRow), page.limit, (k) => k.keyId);
  }

  async update(keyId: string, patch: KeyPatch, ifStateIn?: KeyRecord['keyState'][]): Promise<boolean> {
    const params: unknown[] = [keyId];
    const sets: string[] = [];
    for (const [field, column] of Object.entries(PATCH_COLUMNS) as [keyof KeyPatch, string][]) {
      const v = patch[field];
      if (v !== undefined) sets.push(`${column} = $${params.push(v)}`);
    }
    // An empty patch still reports whether the key exists and meets the condition.
    if (sets.length === 0) sets.push('key_state = key_state');
    let condition = '';
    if (ifStateIn) condition = ` AND key_state = ANY($${params.push(ifStateIn)}::text[])`;
    // One statement: PostgreSQL re-checks the WHERE clause against the latest row version after
    // waiting for a concurrent writer, so the state condition cannot be raced.
    const r = await this.pool.query(`UPDATE keys SET ${sets.join(', ')} WHERE key_id = $1${condition}`, params);
    return r.rowCount === 1;
  }

  async delete(keyId: string): Promise<boolean> {
    // Materials, aliases and tags go with it through ON DELETE CASCADE, in this one statement.
    const r = await this.pool.query('DELETE FROM keys WHERE key_id = $1', [keyId]);
    return r.rowCount === 1;
  }

  async listDueForDeletion(now: number, limit: number): Promise<KeyRecord[]> {
    const { rows } = await this.pool.query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM keys WHERE key_state = 'PendingDeletion' AND deletion_date <= $1 ` +
        'ORDER BY deletion_date, key_id LIMIT $2',
      [now, checkLimit(limit)],
    );
    return rows.map(keyFromRow);
  }

  async count(accountId: string, region: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM keys WHERE account_id = $1 AND region = $2',
      [accountId, region],
    );
    return rows[0]?.n ?? 0;
  }

  async addMaterial(material: KeyMaterialRecord, makeCurrent: boolean): Promise<void> {
    await withTransaction(this.pool, async (c) => {
      if (makeCurrent) {
        // Serialises rotations of this key so two nodes cannot each demote and then both insert
        // a CURRENT version.
        await lockKey(c, material.keyId);
        await c.query("UPDATE key_materials SET state = 'NON_CURRENT' WHERE key_id = $1 AND state = 'CURRENT'", [material.keyId]);
      }
      await c.query(INSERT_MATERIAL, materialParams(material));
      if (makeCurrent) {
        await c.query('UPDATE keys SET current_material_id = $1 WHERE key_id = $2', [material.materialId, material.keyId]);
      }
    });
  }

  async getMaterial(keyId: string, materialId: string): Promise<KeyMaterialRecord | undefined> {
    const { rows } = await this.pool.query<MaterialRow>({ ...GET_MATERIAL, values: [keyId, materialId] });
    return rows[0] && materialFromRow(rows[0]);
  }

  async listMaterials(keyId: string): Promise<KeyMaterialRecord[]> {
    const { rows } = await this.pool.query<MaterialRow>(
      `SELECT ${KEY_MATERIAL_COLUMNS} FROM key_materials WHERE key_id = $1 ORDER BY created_at, material_id`,
      [keyId],
    );
    return rows.map(materialFromRow);
  }
}
