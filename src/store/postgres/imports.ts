import type pg from 'pg';
import type { ImportParametersRecord, MaterialDetails } from '../../kms/model/lifecycle.js';
import type {
  DeleteMaterialResult,
  ExpiringMaterial,
  ImportCommit,
  ImportCommitResult,
  ImportRepository,
} from '../../kms/ports/store-imports.js';
import {
  DETAILS_COLUMNS,
  PARAMETERS_COLUMNS,
  detailsParams,
  parametersFromRow,
  parametersParams,
  type DetailsRow,
  type ParametersRow,
} from '../lifecycle-rows.js';
import { checkLimit } from '../page.js';
import { MATERIAL_COLUMNS } from '../rows.js';
import { lockKey, withTransaction } from './db.js';

const placeholders = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');

async function count(c: pg.PoolClient, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await c.query<{ n: string | number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

async function details(c: pg.PoolClient, keyId: string, materialId: string): Promise<DetailsRow | undefined> {
  const { rows } = await c.query<DetailsRow>(`SELECT ${DETAILS_COLUMNS} FROM material_details WHERE key_id = $1 AND material_id = $2`, [
    keyId, materialId,
  ]);
  return rows[0];
}

/** Writers lock the key row first, like every other PostgreSQL repository. */
export class PostgresImportRepository implements ImportRepository {
  constructor(private readonly pool: pg.Pool) {}

  async putParameters(p: ImportParametersRecord): Promise<void> {
    await this.pool.query(`INSERT INTO import_parameters (${PARAMETERS_COLUMNS}) VALUES (${placeholders(6)})`, parametersParams(p));
  }

  async getParameters(wrappingKeyId: string): Promise<ImportParametersRecord | undefined> {
    const { rows } = await this.pool.query<ParametersRow>(
      `SELECT ${PARAMETERS_COLUMNS} FROM import_parameters WHERE wrapping_key_id = $1`,
      [wrappingKeyId],
    );
    return rows[0] && parametersFromRow(rows[0]);
  }

  async deleteParameters(wrappingKeyId: string): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM import_parameters WHERE wrapping_key_id = $1', [wrappingKeyId]);
    return r.rowCount === 1;
  }

  async listExpiredParameters(now: number, limit: number): Promise<ImportParametersRecord[]> {
    const { rows } = await this.pool.query<ParametersRow>(
      `SELECT ${PARAMETERS_COLUMNS} FROM import_parameters WHERE valid_to <= $1 ORDER BY valid_to, wrapping_key_id LIMIT $2`,
      [now, checkLimit(limit)],
    );
    return rows.map(parametersFromRow);
  }

  async listParametersForKey(keyId: string): Promise<ImportParametersRecord[]> {
    const { rows } = await this.pool.query<ParametersRow>(
      `SELECT ${PARAMETERS_COLUMNS} FROM import_parameters WHERE key_id = $1 ORDER BY wrapping_key_id`,
      [keyId],
    );
    return rows.map(parametersFromRow);
  }

  async commitImport(c: ImportCommit): Promise<ImportCommitResult> {
    return withTransaction(this.pool, async (t) => {
      if (!(await lockKey(t, c.keyId))) return 'conflict';
      const key = (
        await t.query<{ origin: string; current_material_id: string | null }>('SELECT origin, current_material_id FROM keys WHERE key_id = $1', [
          c.keyId,
        ])
      ).rows[0];
      if (!key || key.origin !== 'EXTERNAL') return 'conflict';
      const exists = (await count(t, 'SELECT COUNT(*) AS n FROM key_materials WHERE key_id = $1 AND material_id = $2', [c.keyId, c.materialId])) > 0;
      const d: MaterialDetails = {
        keyId: c.keyId, materialId: c.materialId, imported: true, importState: 'IMPORTED', pendingRotation: c.kind === 'pending-rotation',
        expirationModel: c.expirationModel, validTo: c.validTo, description: c.description,
      };
      if (c.kind === 'first' || c.kind === 'pending-rotation') {
        if (exists) return 'conflict';
        if (c.kind === 'first' && (await count(t, 'SELECT COUNT(*) AS n FROM key_materials WHERE key_id = $1', [c.keyId])) !== 0) return 'conflict';
        if (
          c.kind === 'pending-rotation' &&
          (await count(t, 'SELECT COUNT(*) AS n FROM material_details WHERE key_id = $1 AND pending_rotation', [c.keyId])) !== 0
        ) {
          return 'conflict';
        }
        await t.query(`INSERT INTO key_materials (${MATERIAL_COLUMNS}) VALUES (${placeholders(6)})`, [
          c.keyId, c.materialId, c.importedAt, c.storage, c.wrapped ?? null, c.kind === 'first' ? 'CURRENT' : 'NON_CURRENT',
        ]);
        await t.query(`INSERT INTO material_details (${DETAILS_COLUMNS}) VALUES (${placeholders(10)})`, detailsParams(d, (b) => b));
        if (c.kind === 'first') await t.query('UPDATE keys SET current_material_id = $1 WHERE key_id = $2', [c.materialId, c.keyId]);
      } else {
        const prior = await details(t, c.keyId, c.materialId);
        if (!exists || !prior || prior.imported !== true) return 'conflict';
        const state = key.current_material_id === c.materialId ? 'CURRENT' : 'NON_CURRENT';
        await t.query('UPDATE key_materials SET state = $1, wrapped = $2 WHERE key_id = $3 AND material_id = $4', [
          state, c.wrapped ?? null, c.keyId, c.materialId,
        ]);
        await t.query(
          "UPDATE material_details SET import_state = 'IMPORTED', expiration_model = $1, valid_to = $2, " +
            'description = COALESCE($3, description) WHERE key_id = $4 AND material_id = $5',
          [c.expirationModel, c.validTo ?? null, c.description ?? null, c.keyId, c.materialId],
        );
      }
      // AWS KMS API Reference: ImportKeyMaterial — Enabled once every associated material is imported.
      if ((await count(t, "SELECT COUNT(*) AS n FROM key_materials WHERE key_id = $1 AND state = 'PENDING_IMPORT'", [c.keyId])) === 0) {
        await t.query("UPDATE keys SET key_state = 'Enabled' WHERE key_id = $1 AND key_state = 'PendingImport'", [c.keyId]);
      }
      return 'ok';
    });
  }

  async deleteMaterial(keyId: string, materialId: string, ifValidTo?: number): Promise<DeleteMaterialResult> {
    return withTransaction(this.pool, async (t): Promise<DeleteMaterialResult> => {
      if (!(await lockKey(t, keyId))) return { result: 'missing' };
      const d = await details(t, keyId, materialId);
      if (!d || d.imported !== true) return { result: 'missing' };
      if (ifValidTo !== undefined && (d.valid_to !== ifValidTo || d.import_state !== 'IMPORTED')) return { result: 'stale' };
      const wasImported = d.import_state === 'IMPORTED';
      if (d.pending_rotation === true) {
        await t.query('DELETE FROM key_materials WHERE key_id = $1 AND material_id = $2', [keyId, materialId]);
        return { result: 'deleted', wasImported };
      }
      await t.query("UPDATE key_materials SET state = 'PENDING_IMPORT', wrapped = NULL WHERE key_id = $1 AND material_id = $2", [
        keyId, materialId,
      ]);
      await t.query("UPDATE material_details SET import_state = 'PENDING_IMPORT', valid_to = NULL WHERE key_id = $1 AND material_id = $2", [
        keyId, materialId,
      ]);
      await t.query(
        "UPDATE keys SET key_state = 'PendingImport' WHERE key_id = $1 AND key_state NOT IN ('PendingDeletion', 'PendingReplicaDeletion')",
        [keyId],
      );
      return { result: 'deleted', wasImported };
    });
  }

  async listExpiring(now: number, limit: number): Promise<ExpiringMaterial[]> {
    const { rows } = await this.pool.query<{ key_id: string; material_id: string; valid_to: number }>(
      "SELECT key_id, material_id, valid_to FROM material_details WHERE import_state = 'IMPORTED' AND valid_to IS NOT NULL " +
        'AND valid_to <= $1 ORDER BY valid_to, key_id, material_id LIMIT $2',
      [now, checkLimit(limit)],
    );
    return rows.map((r) => ({ keyId: r.key_id, materialId: r.material_id, validTo: r.valid_to }));
  }
}
