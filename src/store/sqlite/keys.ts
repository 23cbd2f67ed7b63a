import type Database from 'better-sqlite3';
import type { KeyMaterialRecord, KeyRecord, Tag } from '../../kms/model/key.js';
import type { KeyPatch, KeyRepository, Page, PageRequest } from '../../kms/ports/store.js';
import { checkLimit, fetchSize, toPage } from '../page.js';
import { KEY_COLUMNS, KEY_MATERIAL_COLUMNS, keyFromRow, materialFromRow, type KeyRow, type MaterialRow } from '../rows.js';
import { dedupeTags } from '../tags.js';

type Db = Database.Database;

/** A flag/value pair per patchable column: the single UPDATE below writes only flagged ones. */
const PATCH_FIELDS = [
  ['description', 'description'],
  ['keyState', 'key_state'],
  ['deletionDate', 'deletion_date'],
  ['pendingWindowInDays', 'pending_window_in_days'],
  ['policy', 'policy'],
  ['currentMaterialId', 'current_material_id'],
] as const satisfies ReadonlyArray<readonly [keyof KeyPatch, string]>;

const UPDATE_SQL =
  'UPDATE keys SET ' +
  PATCH_FIELDS.map(([f, c]) => `${c} = CASE WHEN @set_${f} THEN @${f} ELSE ${c} END`).join(', ') +
  // @states is a JSON array of allowed states, or NULL for "no condition".
  ' WHERE key_id = @keyId AND (@states IS NULL OR key_state IN (SELECT value FROM json_each(@states)))';

function keyParams(k: KeyRecord): unknown[] {
  return [
    k.keyId, k.accountId, k.region, k.arn, k.description, k.keyUsage, k.keySpec, k.origin, k.keyState,
    k.creationDate, k.deletionDate ?? null, k.pendingWindowInDays ?? null, k.policy,
    k.currentMaterialId ?? null, k.multiRegion ? 1 : 0,
  ];
}

function materialParams(m: KeyMaterialRecord): unknown[] {
  return [m.keyId, m.materialId, m.createdAt, m.storage, m.wrapped ?? null, m.state, m.publicKey ?? null];
}

function statements(db: Db) {
  return {
    insertKey: db.prepare(`INSERT INTO keys (${KEY_COLUMNS}) VALUES (${KEY_COLUMNS.split(',').map(() => '?').join(', ')})`),
    insertMaterial: db.prepare(`INSERT INTO key_materials (${KEY_MATERIAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    insertTag: db.prepare<[string, string, string]>('INSERT INTO tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)'),
    get: db.prepare<[string], KeyRow>(`SELECT ${KEY_COLUMNS} FROM keys WHERE key_id = ?`),
    listFirst: db.prepare<[string, string, number], KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM keys WHERE account_id = ? AND region = ? ORDER BY key_id LIMIT ?`,
    ),
    listAfter: db.prepare<[string, string, string, number], KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM keys WHERE account_id = ? AND region = ? AND key_id > ? ORDER BY key_id LIMIT ?`,
    ),
    update: db.prepare<Record<string, unknown>>(UPDATE_SQL),
    delete: db.prepare<[string]>('DELETE FROM keys WHERE key_id = ?'),
    due: db.prepare<[number, number], KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM keys WHERE key_state = 'PendingDeletion' AND deletion_date <= ? ` +
        'ORDER BY deletion_date, key_id LIMIT ?',
    ),
    count: db.prepare<[string, string], number>('SELECT COUNT(*) FROM keys WHERE account_id = ? AND region = ?').pluck(),
    demoteCurrent: db.prepare<[string]>(
      "UPDATE key_materials SET state = 'NON_CURRENT' WHERE key_id = ? AND state = 'CURRENT'",
    ),
    setCurrent: db.prepare<[string, string]>('UPDATE keys SET current_material_id = ? WHERE key_id = ?'),
    getMaterial: db.prepare<[string, string], MaterialRow>(
      `SELECT ${KEY_MATERIAL_COLUMNS} FROM key_materials WHERE key_id = ? AND material_id = ?`,
    ),
    listMaterials: db.prepare<[string], MaterialRow>(
      `SELECT ${KEY_MATERIAL_COLUMNS} FROM key_materials WHERE key_id = ? ORDER BY created_at, material_id`,
    ),
  };
}

export class SqliteKeyRepository implements KeyRepository {
  private readonly s: ReturnType<typeof statements>;
  private readonly createTx: Database.Transaction<(key: KeyRecord, material: KeyMaterialRecord | undefined, tags: Tag[]) => void>;
  private readonly addMaterialTx: Database.Transaction<(material: KeyMaterialRecord, makeCurrent: boolean) => void>;

  constructor(db: Db) {
    const s = (this.s = statements(db));
    this.createTx = db.transaction((key: KeyRecord, material: KeyMaterialRecord | undefined, tags: Tag[]) => {
      s.insertKey.run(...keyParams(key));
      if (material) s.insertMaterial.run(...materialParams(material));
      for (const t of dedupeTags(tags)) s.insertTag.run(key.keyId, t.TagKey, t.TagValue);
    });
    this.addMaterialTx = db.transaction((material: KeyMaterialRecord, makeCurrent: boolean) => {
      // Demote first so the new row, if it is CURRENT, is not demoted with the old one.
      if (makeCurrent) s.demoteCurrent.run(material.keyId);
      s.insertMaterial.run(...materialParams(material));
      if (makeCurrent) s.setCurrent.run(material.materialId, material.keyId);
    });
  }

  async create(key: KeyRecord, material: KeyMaterialRecord | undefined, tags: Tag[]): Promise<void> {
    this.createTx.immediate(key, material, tags);
  }

  async get(keyId: string): Promise<KeyRecord | undefined> {
    const row = this.s.get.get(keyId);
    return row && keyFromRow(row);
  }

  async list(accountId: string, region: string, page: PageRequest): Promise<Page<KeyRecord>> {
    const n = fetchSize(page);
    const rows =
      page.after === undefined
        ? this.s.listFirst.all(accountId, region, n)
        : this.s.listAfter.all(accountId, region, page.after, n);
    return toPage(rows.map(keyFromRow), page.limit, (k) => k.keyId);
  }

  async update(keyId: string, patch: KeyPatch, ifStateIn?: KeyRecord['keyState'][]): Promise<boolean> {
    const params: Record<string, unknown> = { keyId, states: ifStateIn ? JSON.stringify(ifStateIn) : null };
    for (const [f] of PATCH_FIELDS) {
      const v = patch[f];
      params[`set_${f}`] = v === undefined ? 0 : 1;
      params[f] = v ?? null;
    }
    // One statement: the state check and the write cannot be separated by another writer.
    return this.s.update.run(params).changes === 1;
  }

  async delete(keyId: string): Promise<boolean> {
    // Materials, aliases and tags go with it through ON DELETE CASCADE, in this one statement.
    return this.s.delete.run(keyId).changes === 1;
  }

  async listDueForDeletion(now: number, limit: number): Promise<KeyRecord[]> {
    return this.s.due.all(now, checkLimit(limit)).map(keyFromRow);
  }

  async count(accountId: string, region: string): Promise<number> {
    return this.s.count.get(accountId, region) ?? 0;
  }

  async addMaterial(material: KeyMaterialRecord, makeCurrent: boolean): Promise<void> {
    this.addMaterialTx.immediate(material, makeCurrent);
  }

  async getMaterial(keyId: string, materialId: string): Promise<KeyMaterialRecord | undefined> {
    const row = this.s.getMaterial.get(keyId, materialId);
    return row && materialFromRow(row);
  }

  async listMaterials(keyId: string): Promise<KeyMaterialRecord[]> {
    return this.s.listMaterials.all(keyId).map(materialFromRow);
  }
}
