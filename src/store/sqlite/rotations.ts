import type Database from 'better-sqlite3';
import type { MaterialDetails, NewJob, RotationSettings } from '../../kms/model/lifecycle.js';
import type { Page, PageRequest } from '../../kms/ports/store.js';
import type {
  DueRotation,
  MaterialView,
  RotationCommit,
  RotationConfig,
  RotationRepository,
  StartOnDemandResult,
} from '../../kms/ports/store-rotations.js';
import {
  DETAILS_COLUMNS,
  MATERIAL_VIEW_COLUMNS,
  ROTATION_COLUMNS,
  detailsFromRow,
  detailsParams,
  materialCursor,
  materialViewFromRow,
  parseMaterialCursor,
  rotationFromRow,
  type DetailsRow,
  type MaterialViewRow,
  type RotationRow,
} from '../lifecycle-rows.js';
import { checkLimit, fetchSize, toPage } from '../page.js';
import { MATERIAL_COLUMNS } from '../rows.js';
import { insertJobSql, jobParams } from './jobs.js';

type Db = Database.Database;
const bool = (b: boolean): number => (b ? 1 : 0);

function statements(db: Db) {
  return {
    key: db.prepare<[string], { key_state: string; current_material_id: string | null }>(
      'SELECT key_state, current_material_id FROM keys WHERE key_id = ?',
    ),
    get: db.prepare<[string], RotationRow>(`SELECT ${ROTATION_COLUMNS} FROM key_rotations WHERE key_id = ?`),
    upsert: db.prepare<unknown[]>(
      `INSERT INTO key_rotations (${ROTATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, 0, NULL) ON CONFLICT (key_id) DO UPDATE SET ` +
        'enabled = excluded.enabled, period_days = excluded.period_days, period_anchor_at = excluded.period_anchor_at, ' +
        'next_rotation_at = excluded.next_rotation_at',
    ),
    ensureRow: db.prepare<[string]>(
      `INSERT INTO key_rotations (${ROTATION_COLUMNS}) VALUES (?, 0, 365, NULL, NULL, 0, NULL) ON CONFLICT (key_id) DO NOTHING`,
    ),
    abandon: db.prepare<[string, number]>(
      'UPDATE key_rotations SET on_demand_started_at = NULL WHERE key_id = ? AND on_demand_started_at = ?',
    ),
    markStarted: db.prepare<[number, string]>('UPDATE key_rotations SET on_demand_started_at = ? WHERE key_id = ?'),
    insertJob: db.prepare<unknown[]>(insertJobSql),
    demote: db.prepare<[string]>("UPDATE key_materials SET state = 'NON_CURRENT' WHERE key_id = ? AND state = 'CURRENT'"),
    insertMaterial: db.prepare<unknown[]>(`INSERT INTO key_materials (${MATERIAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`),
    insertDetails: db.prepare<unknown[]>(
      `INSERT INTO material_details (${DETAILS_COLUMNS}) VALUES (${DETAILS_COLUMNS.split(',').map(() => '?').join(', ')})`,
    ),
    getDetails: db.prepare<[string, string], DetailsRow>(
      `SELECT ${DETAILS_COLUMNS} FROM material_details WHERE key_id = ? AND material_id = ?`,
    ),
    promoteMaterial: db.prepare<[string, string]>(
      "UPDATE key_materials SET state = 'CURRENT' WHERE key_id = ? AND material_id = ? AND state = 'NON_CURRENT'",
    ),
    promoteDetails: db.prepare<[string, number, string, string]>(
      'UPDATE material_details SET pending_rotation = 0, rotation_type = ?, rotated_at = ? WHERE key_id = ? AND material_id = ?',
    ),
    setCurrent: db.prepare<[string, string]>('UPDATE keys SET current_material_id = ? WHERE key_id = ?'),
    advance: db.prepare<[number, number, string]>(
      'UPDATE key_rotations SET next_rotation_at = ?, period_anchor_at = ? WHERE key_id = ?',
    ),
    countOnDemand: db.prepare<[string]>(
      'UPDATE key_rotations SET on_demand_count = on_demand_count + 1, on_demand_started_at = NULL WHERE key_id = ?',
    ),
    holds: db.prepare<[string, string], number>('SELECT 1 FROM scheduled_jobs WHERE job_id = ? AND lease_owner = ?').pluck(),
    due: db.prepare<[number, number], { key_id: string; next_rotation_at: number }>(
      'SELECT r.key_id, r.next_rotation_at FROM key_rotations r JOIN keys k ON k.key_id = r.key_id ' +
        "WHERE r.enabled = 1 AND r.next_rotation_at <= ? AND k.key_state = 'Enabled' ORDER BY r.next_rotation_at, r.key_id LIMIT ?",
    ),
  };
}

export class SqliteRotationRepository implements RotationRepository {
  private readonly s: ReturnType<typeof statements>;
  private readonly startTx: Database.Transaction<(keyId: string, startedAt: number, max: number, job: NewJob) => StartOnDemandResult>;
  private readonly commitTx: Database.Transaction<(c: RotationCommit) => boolean>;

  constructor(private readonly db: Db) {
    const s = (this.s = statements(db));
    this.startTx = db.transaction((keyId: string, startedAt: number, max: number, job: NewJob): StartOnDemandResult => {
      if (!s.key.get(keyId)) return 'missing';
      s.ensureRow.run(keyId);
      const row = s.get.get(keyId)!;
      if (row.on_demand_started_at !== null) return 'in-progress';
      if (row.on_demand_count >= max) return 'limit';
      s.markStarted.run(startedAt, keyId);
      s.insertJob.run(...jobParams(job, startedAt));
      return 'ok';
    });
    this.commitTx = db.transaction((c: RotationCommit): boolean => this.commitInTx(c));
  }

  async get(keyId: string): Promise<RotationSettings | undefined> {
    const row = this.s.get.get(keyId);
    return row && rotationFromRow(row);
  }

  async configure(keyId: string, c: RotationConfig): Promise<boolean> {
    // The foreign key refuses a missing key; report that as false like keys.update does.
    if (!this.s.key.get(keyId)) return false;
    this.s.upsert.run(keyId, bool(c.enabled), c.periodDays, c.periodAnchorAt ?? null, c.nextRotationAt ?? null);
    return true;
  }

  async startOnDemand(keyId: string, startedAt: number, max: number, job: NewJob): Promise<StartOnDemandResult> {
    return this.startTx.immediate(keyId, startedAt, max, job);
  }

  async abandonOnDemand(keyId: string, startedAt: number): Promise<boolean> {
    return this.s.abandon.run(keyId, startedAt).changes === 1;
  }

  async commit(c: RotationCommit): Promise<boolean> {
    return this.commitTx.immediate(c);
  }

  private commitInTx(c: RotationCommit): boolean {
    const s = this.s;
    const key = s.key.get(c.keyId);
    const row = s.get.get(c.keyId);
    if (!key || !row) return false;
    if (c.fence && s.holds.get(c.fence.jobId, c.fence.token) !== 1) return false;
    const e = c.expect;
    if (e.kind === 'automatic' && !(row.enabled === 1 && row.next_rotation_at === e.nextRotationAt && key.key_state === 'Enabled')) {
      return false;
    }
    if (e.kind === 'on-demand' && row.on_demand_started_at !== e.startedAt) return false;
    let materialId: string;
    if ('insert' in c.material) {
      const m = c.material.insert;
      materialId = m.materialId;
      s.demote.run(c.keyId);
      s.insertMaterial.run(m.keyId, m.materialId, m.createdAt, m.storage, m.wrapped ?? null, 'CURRENT');
      const details: MaterialDetails = {
        keyId: c.keyId, materialId, imported: false, rotationType: c.rotationType, rotatedAt: c.rotatedAt, pendingRotation: false,
      };
      s.insertDetails.run(...detailsParams(details, bool));
    } else {
      materialId = c.material.promote;
      const d = s.getDetails.get(c.keyId, materialId);
      if (!d || d.pending_rotation !== 1 || d.import_state !== 'IMPORTED') return false;
      s.demote.run(c.keyId);
      if (s.promoteMaterial.run(c.keyId, materialId).changes !== 1) throw new Error('pending-rotation material is not NON_CURRENT');
      s.promoteDetails.run(c.rotationType, c.rotatedAt, c.keyId, materialId);
    }
    s.setCurrent.run(materialId, c.keyId);
    if (e.kind === 'automatic') s.advance.run(e.newNextRotationAt, c.rotatedAt, c.keyId);
    else s.countOnDemand.run(c.keyId);
    return true;
  }

  async listDue(now: number, limit: number): Promise<DueRotation[]> {
    return this.s.due.all(now, checkLimit(limit)).map((r) => ({ keyId: r.key_id, nextRotationAt: r.next_rotation_at }));
  }

  async getDetails(keyId: string, materialId: string): Promise<MaterialDetails | undefined> {
    const row = this.s.getDetails.get(keyId, materialId);
    return row && detailsFromRow(row);
  }

  async listMaterials(keyId: string, rotationsOnly: boolean, page: PageRequest): Promise<Page<MaterialView>> {
    const params: unknown[] = [keyId];
    let where = 'm.key_id = ?';
    if (rotationsOnly) where += ' AND d.rotation_type IS NOT NULL';
    if (page.after !== undefined) {
      const { createdAt, materialId } = parseMaterialCursor(page.after);
      where += ' AND (m.created_at, m.material_id) > (?, ?)';
      params.push(createdAt, materialId);
    }
    params.push(fetchSize(page));
    // Built from fixed fragments only; the listing is rare, so it is not kept prepared.
    const rows = this.db
      .prepare<unknown[], MaterialViewRow>(
        `SELECT ${MATERIAL_VIEW_COLUMNS} FROM key_materials m LEFT JOIN material_details d ` +
          `ON d.key_id = m.key_id AND d.material_id = m.material_id WHERE ${where} ORDER BY m.created_at, m.material_id LIMIT ?`,
      )
      .all(...params);
    return toPage(rows.map(materialViewFromRow), page.limit, (v) => materialCursor(v.material));
  }
}
