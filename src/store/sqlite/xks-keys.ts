import type Database from 'better-sqlite3';
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

type Db = Database.Database;

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function statements(db: Db) {
  return {
    insertKey: db.prepare(`INSERT INTO xks_keys (${XKS_KEY_COLUMNS}) VALUES (${marks(9)}) ON CONFLICT DO NOTHING`),
    insertMaterial: db.prepare(`INSERT INTO xks_key_materials (${XKS_MATERIAL_COLUMNS}) VALUES (${marks(7)})`),
    get: db.prepare<[string, string], XksKeyRow>(`SELECT ${XKS_KEY_COLUMNS} FROM xks_keys WHERE tenant = ? AND external_key_id = ?`),
    listTenantFirst: db.prepare<[string, number], XksKeyRow>(
      `SELECT ${XKS_KEY_COLUMNS} FROM xks_keys WHERE tenant = ? ORDER BY external_key_id LIMIT ?`,
    ),
    listTenantAfter: db.prepare<[string, string, number], XksKeyRow>(
      `SELECT ${XKS_KEY_COLUMNS} FROM xks_keys WHERE tenant = ? AND external_key_id > ? ORDER BY external_key_id LIMIT ?`,
    ),
    listAllFirst: db.prepare<[number], XksKeyRow>(`SELECT ${XKS_KEY_COLUMNS} FROM xks_keys ORDER BY tenant, external_key_id LIMIT ?`),
    listAllAfter: db.prepare<[string, string, string, number], XksKeyRow>(
      `SELECT ${XKS_KEY_COLUMNS} FROM xks_keys WHERE tenant > ? OR (tenant = ? AND external_key_id > ?) ` +
        'ORDER BY tenant, external_key_id LIMIT ?',
    ),
    update: db.prepare<Record<string, unknown>>(
      'UPDATE xks_keys SET ' +
        'status = CASE WHEN @setStatus THEN @status ELSE status END, ' +
        'usages = CASE WHEN @setUsages THEN @usages ELSE usages END, ' +
        'rules = CASE WHEN @setRules THEN @rules ELSE rules END, ' +
        'description = CASE WHEN @setDescription THEN @description ELSE description END, ' +
        'updated_at = @now WHERE tenant = @tenant AND external_key_id = @id',
    ),
    bumpVersion: db.prepare<[number, number, string, string, number]>(
      'UPDATE xks_keys SET current_version = ?, updated_at = ? WHERE tenant = ? AND external_key_id = ? AND current_version = ?',
    ),
    getMaterial: db.prepare<[string, string, number], XksMaterialRow>(
      `SELECT ${XKS_MATERIAL_COLUMNS} FROM xks_key_materials WHERE tenant = ? AND external_key_id = ? AND version = ?`,
    ),
    listMaterials: db.prepare<[string, string], XksMaterialRow>(
      `SELECT ${XKS_MATERIAL_COLUMNS} FROM xks_key_materials WHERE tenant = ? AND external_key_id = ? ORDER BY version`,
    ),
  };
}

export class SqliteXksKeyRepository implements XksKeyRepository {
  private readonly s: ReturnType<typeof statements>;
  private readonly createTx: Database.Transaction<(key: XksKeyRecord, material: XksMaterialRecord) => CreateXksKeyResult>;
  private readonly addMaterialTx: Database.Transaction<(material: XksMaterialRecord, now: number) => AddXksMaterialResult>;

  constructor(db: Db) {
    const s = (this.s = statements(db));
    this.createTx = db.transaction((key: XksKeyRecord, material: XksMaterialRecord) => {
      if (s.insertKey.run(...xksKeyParams(key)).changes === 0) return 'exists';
      s.insertMaterial.run(...xksMaterialParams(material));
      return 'ok';
    });
    this.addMaterialTx = db.transaction((m: XksMaterialRecord, now: number) => {
      if (s.bumpVersion.run(m.version, now, m.tenant, m.externalKeyId, m.version - 1).changes === 0) {
        return s.get.get(m.tenant, m.externalKeyId) ? 'conflict' : 'missing';
      }
      s.insertMaterial.run(...xksMaterialParams(m));
      return 'ok';
    });
  }

  async create(key: XksKeyRecord, material: XksMaterialRecord): Promise<CreateXksKeyResult> {
    return this.createTx.immediate(key, material);
  }

  async get(tenant: string, externalKeyId: string): Promise<XksKeyRecord | undefined> {
    const row = this.s.get.get(tenant, externalKeyId);
    return row && xksKeyFromRow(row);
  }

  async list(tenant: string | undefined, page: PageRequest): Promise<Page<XksKeyRecord>> {
    const n = fetchSize(page);
    if (tenant !== undefined) {
      const rows = page.after === undefined ? this.s.listTenantFirst.all(tenant, n) : this.s.listTenantAfter.all(tenant, page.after, n);
      return toPage(rows.map(xksKeyFromRow), page.limit, (k) => k.externalKeyId);
    }
    let rows: XksKeyRow[];
    if (page.after === undefined) {
      rows = this.s.listAllFirst.all(n);
    } else {
      const c = parseXksCursor(page.after);
      rows = this.s.listAllAfter.all(c.tenant, c.tenant, c.externalKeyId, n);
    }
    return toPage(rows.map(xksKeyFromRow), page.limit, xksCursor);
  }

  async update(tenant: string, externalKeyId: string, patch: XksKeyPatch, now: number): Promise<boolean> {
    return (
      this.s.update.run({
        tenant,
        id: externalKeyId,
        now,
        setStatus: patch.status === undefined ? 0 : 1,
        status: patch.status ?? null,
        setUsages: patch.usages === undefined ? 0 : 1,
        usages: patch.usages === undefined ? null : JSON.stringify(patch.usages),
        setRules: patch.rules === undefined ? 0 : 1,
        rules: patch.rules ? JSON.stringify(patch.rules) : null,
        setDescription: patch.description === undefined ? 0 : 1,
        description: patch.description ?? null,
      }).changes === 1
    );
  }

  async getMaterial(tenant: string, externalKeyId: string, version: number): Promise<XksMaterialRecord | undefined> {
    const row = this.s.getMaterial.get(tenant, externalKeyId, version);
    return row && xksMaterialFromRow(row);
  }

  async listMaterials(tenant: string, externalKeyId: string): Promise<XksMaterialRecord[]> {
    return this.s.listMaterials.all(tenant, externalKeyId).map(xksMaterialFromRow);
  }

  async addMaterial(material: XksMaterialRecord, now: number): Promise<AddXksMaterialResult> {
    return this.addMaterialTx.immediate(material, now);
  }
}
