import type Database from 'better-sqlite3';
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

type Db = Database.Database;
const bool = (b: boolean): number => (b ? 1 : 0);

interface KeyFacts {
  key_state: string;
  current_material_id: string | null;
  origin: string;
}

function statements(db: Db) {
  return {
    putParams: db.prepare<unknown[]>(`INSERT INTO import_parameters (${PARAMETERS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`),
    getParams: db.prepare<[string], ParametersRow>(`SELECT ${PARAMETERS_COLUMNS} FROM import_parameters WHERE wrapping_key_id = ?`),
    deleteParams: db.prepare<[string]>('DELETE FROM import_parameters WHERE wrapping_key_id = ?'),
    expiredParams: db.prepare<[number, number], ParametersRow>(
      `SELECT ${PARAMETERS_COLUMNS} FROM import_parameters WHERE valid_to <= ? ORDER BY valid_to, wrapping_key_id LIMIT ?`,
    ),
    paramsForKey: db.prepare<[string], ParametersRow>(
      `SELECT ${PARAMETERS_COLUMNS} FROM import_parameters WHERE key_id = ? ORDER BY wrapping_key_id`,
    ),
    key: db.prepare<[string], KeyFacts>('SELECT key_state, current_material_id, origin FROM keys WHERE key_id = ?'),
    countMaterials: db.prepare<[string], number>('SELECT COUNT(*) FROM key_materials WHERE key_id = ?').pluck(),
    materialExists: db.prepare<[string, string], number>('SELECT 1 FROM key_materials WHERE key_id = ? AND material_id = ?').pluck(),
    pendingRotation: db
      .prepare<[string], number>('SELECT COUNT(*) FROM material_details WHERE key_id = ? AND pending_rotation = 1')
      .pluck(),
    pendingImport: db
      .prepare<[string], number>("SELECT COUNT(*) FROM key_materials WHERE key_id = ? AND state = 'PENDING_IMPORT'")
      .pluck(),
    getDetails: db.prepare<[string, string], DetailsRow>(
      `SELECT ${DETAILS_COLUMNS} FROM material_details WHERE key_id = ? AND material_id = ?`,
    ),
    insertMaterial: db.prepare<unknown[]>(`INSERT INTO key_materials (${MATERIAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`),
    insertDetails: db.prepare<unknown[]>(
      `INSERT INTO material_details (${DETAILS_COLUMNS}) VALUES (${DETAILS_COLUMNS.split(',').map(() => '?').join(', ')})`,
    ),
    restoreMaterial: db.prepare<[string, Buffer | null, string, string]>(
      'UPDATE key_materials SET state = ?, wrapped = ? WHERE key_id = ? AND material_id = ?',
    ),
    restoreDetails: db.prepare<[string, number | null, string | null, string, string]>(
      "UPDATE material_details SET import_state = 'IMPORTED', expiration_model = ?, valid_to = ?, " +
        'description = COALESCE(?, description) WHERE key_id = ? AND material_id = ?',
    ),
    setCurrent: db.prepare<[string, string]>('UPDATE keys SET current_material_id = ? WHERE key_id = ?'),
    enable: db.prepare<[string]>("UPDATE keys SET key_state = 'Enabled' WHERE key_id = ? AND key_state = 'PendingImport'"),
    removeMaterial: db.prepare<[string, string]>('DELETE FROM key_materials WHERE key_id = ? AND material_id = ?'),
    clearMaterial: db.prepare<[string, string]>(
      "UPDATE key_materials SET state = 'PENDING_IMPORT', wrapped = NULL WHERE key_id = ? AND material_id = ?",
    ),
    clearDetails: db.prepare<[string, string]>(
      "UPDATE material_details SET import_state = 'PENDING_IMPORT', valid_to = NULL WHERE key_id = ? AND material_id = ?",
    ),
    toPendingImport: db.prepare<[string]>(
      "UPDATE keys SET key_state = 'PendingImport' WHERE key_id = ? AND key_state NOT IN ('PendingDeletion', 'PendingReplicaDeletion')",
    ),
    expiring: db.prepare<[number, number], { key_id: string; material_id: string; valid_to: number }>(
      "SELECT key_id, material_id, valid_to FROM material_details WHERE import_state = 'IMPORTED' AND valid_to IS NOT NULL " +
        'AND valid_to <= ? ORDER BY valid_to, key_id, material_id LIMIT ?',
    ),
  };
}

export class SqliteImportRepository implements ImportRepository {
  private readonly s: ReturnType<typeof statements>;
  private readonly commitTx: Database.Transaction<(c: ImportCommit) => ImportCommitResult>;
  private readonly deleteTx: Database.Transaction<(keyId: string, materialId: string, ifValidTo?: number) => DeleteMaterialResult>;

  constructor(db: Db) {
    const s = (this.s = statements(db));
    this.commitTx = db.transaction((c: ImportCommit) => this.commitInTx(c));
    this.deleteTx = db.transaction((keyId: string, materialId: string, ifValidTo?: number): DeleteMaterialResult => {
      const d = s.getDetails.get(keyId, materialId);
      if (!d || d.imported !== 1) return { result: 'missing' };
      if (ifValidTo !== undefined && (d.valid_to !== ifValidTo || d.import_state !== 'IMPORTED')) return { result: 'stale' };
      const wasImported = d.import_state === 'IMPORTED';
      if (d.pending_rotation === 1) {
        // Never current, so nothing was ever encrypted under it: forget it (details cascade).
        s.removeMaterial.run(keyId, materialId);
        return { result: 'deleted', wasImported };
      }
      s.clearMaterial.run(keyId, materialId);
      s.clearDetails.run(keyId, materialId);
      s.toPendingImport.run(keyId);
      return { result: 'deleted', wasImported };
    });
  }

  async putParameters(p: ImportParametersRecord): Promise<void> {
    this.s.putParams.run(...parametersParams(p));
  }

  async getParameters(wrappingKeyId: string): Promise<ImportParametersRecord | undefined> {
    const row = this.s.getParams.get(wrappingKeyId);
    return row && parametersFromRow(row);
  }

  async deleteParameters(wrappingKeyId: string): Promise<boolean> {
    return this.s.deleteParams.run(wrappingKeyId).changes === 1;
  }

  async listExpiredParameters(now: number, limit: number): Promise<ImportParametersRecord[]> {
    return this.s.expiredParams.all(now, checkLimit(limit)).map(parametersFromRow);
  }

  async listParametersForKey(keyId: string): Promise<ImportParametersRecord[]> {
    return this.s.paramsForKey.all(keyId).map(parametersFromRow);
  }

  async commitImport(c: ImportCommit): Promise<ImportCommitResult> {
    return this.commitTx.immediate(c);
  }

  private commitInTx(c: ImportCommit): ImportCommitResult {
    const s = this.s;
    const key = s.key.get(c.keyId);
    if (!key || key.origin !== 'EXTERNAL') return 'conflict';
    const exists = s.materialExists.get(c.keyId, c.materialId) === 1;
    const details: MaterialDetails = {
      keyId: c.keyId, materialId: c.materialId, imported: true, importState: 'IMPORTED', pendingRotation: c.kind === 'pending-rotation',
      expirationModel: c.expirationModel, validTo: c.validTo, description: c.description,
    };
    if (c.kind === 'first' || c.kind === 'pending-rotation') {
      if (exists) return 'conflict';
      if (c.kind === 'first' && s.countMaterials.get(c.keyId) !== 0) return 'conflict';
      if (c.kind === 'pending-rotation' && s.pendingRotation.get(c.keyId) !== 0) return 'conflict';
      const state = c.kind === 'first' ? 'CURRENT' : 'NON_CURRENT';
      s.insertMaterial.run(c.keyId, c.materialId, c.importedAt, c.storage, c.wrapped ?? null, state);
      s.insertDetails.run(...detailsParams(details, bool));
      if (c.kind === 'first') s.setCurrent.run(c.materialId, c.keyId);
    } else {
      const d = s.getDetails.get(c.keyId, c.materialId);
      if (!exists || !d || d.imported !== 1) return 'conflict';
      const state = key.current_material_id === c.materialId ? 'CURRENT' : 'NON_CURRENT';
      s.restoreMaterial.run(state, c.wrapped ?? null, c.keyId, c.materialId);
      s.restoreDetails.run(c.expirationModel, c.validTo ?? null, c.description ?? null, c.keyId, c.materialId);
    }
    // AWS KMS API Reference: ImportKeyMaterial — the key becomes Enabled once every material
    // associated with it is imported again.
    if (s.pendingImport.get(c.keyId) === 0) s.enable.run(c.keyId);
    return 'ok';
  }

  async deleteMaterial(keyId: string, materialId: string, ifValidTo?: number): Promise<DeleteMaterialResult> {
    return this.deleteTx.immediate(keyId, materialId, ifValidTo);
  }

  async listExpiring(now: number, limit: number): Promise<ExpiringMaterial[]> {
    return this.s.expiring
      .all(now, checkLimit(limit))
      .map((r) => ({ keyId: r.key_id, materialId: r.material_id, validTo: r.valid_to }));
  }
}
