import type pg from 'pg';
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
import { lockKey, withTransaction } from './db.js';
import { insertJobs } from './jobs.js';

const placeholders = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
const ENSURE_ROW =
  `INSERT INTO key_rotations (${ROTATION_COLUMNS}) VALUES ($1, FALSE, 365, NULL, NULL, 0, NULL) ON CONFLICT (key_id) DO NOTHING`;

/**
 * Every writer locks the key row first (the lock order of store/postgres: key, then its child
 * rows), so rotation commits, on-demand starts and imports of one key run one after another on
 * any number of nodes.
 */
export class PostgresRotationRepository implements RotationRepository {
  constructor(private readonly pool: pg.Pool) {}

  async get(keyId: string): Promise<RotationSettings | undefined> {
    const { rows } = await this.pool.query<RotationRow>(`SELECT ${ROTATION_COLUMNS} FROM key_rotations WHERE key_id = $1`, [keyId]);
    return rows[0] && rotationFromRow(rows[0]);
  }

  async configure(keyId: string, c: RotationConfig): Promise<boolean> {
    return withTransaction(this.pool, async (t) => {
      if (!(await lockKey(t, keyId))) return false;
      await t.query(
        `INSERT INTO key_rotations (${ROTATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, 0, NULL) ON CONFLICT (key_id) DO UPDATE SET ` +
          'enabled = EXCLUDED.enabled, period_days = EXCLUDED.period_days, period_anchor_at = EXCLUDED.period_anchor_at, ' +
          'next_rotation_at = EXCLUDED.next_rotation_at',
        [keyId, c.enabled, c.periodDays, c.periodAnchorAt ?? null, c.nextRotationAt ?? null],
      );
      return true;
    });
  }

  async startOnDemand(keyId: string, startedAt: number, max: number, job: NewJob): Promise<StartOnDemandResult> {
    return withTransaction(this.pool, async (t) => {
      if (!(await lockKey(t, keyId))) return 'missing';
      await t.query(ENSURE_ROW, [keyId]);
      const row = (await t.query<RotationRow>(`SELECT ${ROTATION_COLUMNS} FROM key_rotations WHERE key_id = $1`, [keyId])).rows[0]!;
      if (row.on_demand_started_at !== null) return 'in-progress';
      if (row.on_demand_count >= max) return 'limit';
      await t.query('UPDATE key_rotations SET on_demand_started_at = $1 WHERE key_id = $2', [startedAt, keyId]);
      await insertJobs(t, [job], startedAt);
      return 'ok';
    });
  }

  async abandonOnDemand(keyId: string, startedAt: number): Promise<boolean> {
    const r = await this.pool.query('UPDATE key_rotations SET on_demand_started_at = NULL WHERE key_id = $1 AND on_demand_started_at = $2', [
      keyId, startedAt,
    ]);
    return r.rowCount === 1;
  }

  async commit(c: RotationCommit): Promise<boolean> {
    return withTransaction(this.pool, async (t) => {
      if (!(await lockKey(t, c.keyId))) return false;
      const key = (await t.query<{ key_state: string }>('SELECT key_state FROM keys WHERE key_id = $1', [c.keyId])).rows[0];
      const row = (await t.query<RotationRow>(`SELECT ${ROTATION_COLUMNS} FROM key_rotations WHERE key_id = $1`, [c.keyId])).rows[0];
      if (!key || !row) return false;
      if (c.fence) {
        // FOR UPDATE: a concurrent claim of this job (SKIP LOCKED) passes over it until we commit.
        const held = await t.query('SELECT 1 FROM scheduled_jobs WHERE job_id = $1 AND lease_owner = $2 FOR UPDATE', [c.fence.jobId, c.fence.token]);
        if (held.rowCount !== 1) return false;
      }
      const e = c.expect;
      if (e.kind === 'automatic' && !(row.enabled === true && row.next_rotation_at === e.nextRotationAt && key.key_state === 'Enabled')) {
        return false;
      }
      if (e.kind === 'on-demand' && row.on_demand_started_at !== e.startedAt) return false;
      let materialId: string;
      if ('insert' in c.material) {
        const m = c.material.insert;
        materialId = m.materialId;
        await t.query("UPDATE key_materials SET state = 'NON_CURRENT' WHERE key_id = $1 AND state = 'CURRENT'", [c.keyId]);
        await t.query(`INSERT INTO key_materials (${MATERIAL_COLUMNS}) VALUES (${placeholders(6)})`, [
          m.keyId, m.materialId, m.createdAt, m.storage, m.wrapped ?? null, 'CURRENT',
        ]);
        const details: MaterialDetails = {
          keyId: c.keyId, materialId, imported: false, rotationType: c.rotationType, rotatedAt: c.rotatedAt, pendingRotation: false,
        };
        await t.query(
          `INSERT INTO material_details (${DETAILS_COLUMNS}) VALUES (${placeholders(10)})`,
          detailsParams(details, (b) => b),
        );
      } else {
        materialId = c.material.promote;
        const d = (
          await t.query<DetailsRow>(`SELECT ${DETAILS_COLUMNS} FROM material_details WHERE key_id = $1 AND material_id = $2`, [
            c.keyId, materialId,
          ])
        ).rows[0];
        if (!d || d.pending_rotation !== true || d.import_state !== 'IMPORTED') return false;
        await t.query("UPDATE key_materials SET state = 'NON_CURRENT' WHERE key_id = $1 AND state = 'CURRENT'", [c.keyId]);
        const promoted = await t.query(
          "UPDATE key_materials SET state = 'CURRENT' WHERE key_id = $1 AND material_id = $2 AND state = 'NON_CURRENT'",
          [c.keyId, materialId],
        );
        if (promoted.rowCount !== 1) throw new Error('pending-rotation material is not NON_CURRENT');
        await t.query(
          'UPDATE material_details SET pending_rotation = FALSE, rotation_type = $1, rotated_at = $2 WHERE key_id = $3 AND material_id = $4',
          [c.rotationType, c.rotatedAt, c.keyId, materialId],
        );
      }
      await t.query('UPDATE keys SET current_material_id = $1 WHERE key_id = $2', [materialId, c.keyId]);
      if (e.kind === 'automatic') {
        await t.query('UPDATE key_rotations SET next_rotation_at = $1, period_anchor_at = $2 WHERE key_id = $3', [
          e.newNextRotationAt, c.rotatedAt, c.keyId,
        ]);
      } else {
        await t.query(
          'UPDATE key_rotations SET on_demand_count = on_demand_count + 1, on_demand_started_at = NULL WHERE key_id = $1',
          [c.keyId],
        );
      }
      return true;
    });
  }

  async listDue(now: number, limit: number): Promise<DueRotation[]> {
    const { rows } = await this.pool.query<{ key_id: string; next_rotation_at: number }>(
      'SELECT r.key_id, r.next_rotation_at FROM key_rotations r JOIN keys k ON k.key_id = r.key_id ' +
        "WHERE r.enabled AND r.next_rotation_at <= $1 AND k.key_state = 'Enabled' ORDER BY r.next_rotation_at, r.key_id LIMIT $2",
      [now, checkLimit(limit)],
    );
    return rows.map((r) => ({ keyId: r.key_id, nextRotationAt: r.next_rotation_at }));
  }

  async getDetails(keyId: string, materialId: string): Promise<MaterialDetails | undefined> {
    const { rows } = await this.pool.query<DetailsRow>(
      `SELECT ${DETAILS_COLUMNS} FROM material_details WHERE key_id = $1 AND material_id = $2`,
      [keyId, materialId],
    );
    return rows[0] && detailsFromRow(rows[0]);
  }

  async listMaterials(keyId: string, rotationsOnly: boolean, page: PageRequest): Promise<Page<MaterialView>> {
    const params: unknown[] = [keyId];
    let where = 'm.key_id = $1';
    if (rotationsOnly) where += ' AND d.rotation_type IS NOT NULL';
    if (page.after !== undefined) {
      const { createdAt, materialId } = parseMaterialCursor(page.after);
      where += ` AND (m.created_at, m.material_id) > ($${params.push(createdAt)}, $${params.push(materialId)})`;
    }
    const limit = `$${params.push(fetchSize(page))}`;
    const { rows } = await this.pool.query<MaterialViewRow>(
      `SELECT ${MATERIAL_VIEW_COLUMNS} FROM key_materials m LEFT JOIN material_details d ` +
        `ON d.key_id = m.key_id AND d.material_id = m.material_id WHERE ${where} ORDER BY m.created_at, m.material_id LIMIT ${limit}`,
      params,
    );
    return toPage(rows.map(materialViewFromRow), page.limit, (v) => materialCursor(v.material));
  }
}
