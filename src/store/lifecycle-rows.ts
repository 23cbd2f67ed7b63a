/**
 * Row shapes of the lifecycle tables (migration 004), identical in both backends, and their
 * mapping to records. As in rows.ts, optional fields are omitted rather than set to undefined.
 */
import type { KeyMaterialRecord } from '../kms/model/key.js';
import type {
  ExpirationModel,
  ImportParametersRecord,
  ImportState,
  JobKind,
  JobRecord,
  MaterialDetails,
  RotationSettings,
  RotationType,
} from '../kms/model/lifecycle.js';
import type { MaterialView } from '../kms/ports/store-rotations.js';
import { materialFromRow, type MaterialRow } from './rows.js';

export const ROTATION_COLUMNS =
  'key_id, enabled, period_days, period_anchor_at, next_rotation_at, on_demand_count, on_demand_started_at';
export const DETAILS_COLUMNS =
  'key_id, material_id, imported, rotation_type, rotated_at, import_state, pending_rotation, expiration_model, valid_to, description';
export const PARAMETERS_COLUMNS = 'wrapping_key_id, key_id, wrapping_algorithm, wrapping_key_spec, created_at, valid_to';
export const JOB_COLUMNS =
  'job_id, kind, key_id, due_at, payload, created_at, attempts, lease_owner, lease_until, intent, last_error';
/** key_materials joined with material_details (`d_` prefix), for ListKeyRotations. */
export const MATERIAL_VIEW_COLUMNS =
  'm.key_id, m.material_id, m.created_at, m.storage, m.wrapped, m.state, d.imported AS d_imported, ' +
  'd.rotation_type AS d_rotation_type, d.rotated_at AS d_rotated_at, d.import_state AS d_import_state, ' +
  'd.pending_rotation AS d_pending_rotation, d.expiration_model AS d_expiration_model, d.valid_to AS d_valid_to, ' +
  'd.description AS d_description';

type Bool = number | boolean;

export interface RotationRow {
  key_id: string;
  enabled: Bool;
  period_days: number;
  period_anchor_at: number | null;
  next_rotation_at: number | null;
  on_demand_count: number;
  on_demand_started_at: number | null;
}

export function rotationFromRow(r: RotationRow): RotationSettings {
  const s: RotationSettings = { keyId: r.key_id, enabled: Boolean(r.enabled), periodDays: r.period_days, onDemandCount: r.on_demand_count };
  if (r.period_anchor_at !== null) s.periodAnchorAt = r.period_anchor_at;
  if (r.next_rotation_at !== null) s.nextRotationAt = r.next_rotation_at;
  if (r.on_demand_started_at !== null) s.onDemandStartedAt = r.on_demand_started_at;
  return s;
}

export interface DetailsRow {
  key_id: string;
  material_id: string;
  imported: Bool;
  rotation_type: RotationType | null;
  rotated_at: number | null;
  import_state: ImportState | null;
  pending_rotation: Bool;
  expiration_model: ExpirationModel | null;
  valid_to: number | null;
  description: string | null;
}

export function detailsFromRow(r: DetailsRow): MaterialDetails {
  const d: MaterialDetails = { keyId: r.key_id, materialId: r.material_id, imported: Boolean(r.imported), pendingRotation: Boolean(r.pending_rotation) };
  if (r.rotation_type !== null) d.rotationType = r.rotation_type;
  if (r.rotated_at !== null) d.rotatedAt = r.rotated_at;
  if (r.import_state !== null) d.importState = r.import_state;
  if (r.expiration_model !== null) d.expirationModel = r.expiration_model;
  if (r.valid_to !== null) d.validTo = r.valid_to;
  if (r.description !== null) d.description = r.description;
  return d;
}

/** Positional parameters in DETAILS_COLUMNS order; booleans as the backend wants them. */
export function detailsParams(d: MaterialDetails, bool: (b: boolean) => Bool): unknown[] {
  return [
    d.keyId, d.materialId, bool(d.imported), d.rotationType ?? null, d.rotatedAt ?? null, d.importState ?? null,
    bool(d.pendingRotation), d.expirationModel ?? null, d.validTo ?? null, d.description ?? null,
  ];
}

export type MaterialViewRow = MaterialRow & {
  d_imported: Bool | null;
  d_rotation_type: RotationType | null;
  d_rotated_at: number | null;
  d_import_state: ImportState | null;
  d_pending_rotation: Bool | null;
  d_expiration_model: ExpirationModel | null;
  d_valid_to: number | null;
  d_description: string | null;
};

export function materialViewFromRow(r: MaterialViewRow): MaterialView {
  const material: KeyMaterialRecord = materialFromRow(r);
  if (r.d_imported === null) return { material };
  const details = detailsFromRow({
    key_id: r.key_id, material_id: r.material_id, imported: r.d_imported, rotation_type: r.d_rotation_type,
    rotated_at: r.d_rotated_at, import_state: r.d_import_state, pending_rotation: r.d_pending_rotation ?? false,
    expiration_model: r.d_expiration_model, valid_to: r.d_valid_to, description: r.d_description,
  });
  return { material, details };
}

/** Keyset cursor of the material listing: created_at (fixed width, so text order = time order) and id. */
export function materialCursor(m: KeyMaterialRecord): string {
  return `${String(m.createdAt).padStart(16, '0')}:${m.materialId}`;
}

export function parseMaterialCursor(after: string): { createdAt: number; materialId: string } {
  const [t, id] = after.split(':');
  const createdAt = Number(t);
  if (!Number.isSafeInteger(createdAt) || id === undefined) throw new RangeError('malformed material cursor');
  return { createdAt, materialId: id };
}

export interface ParametersRow {
  wrapping_key_id: string;
  key_id: string;
  wrapping_algorithm: string;
  wrapping_key_spec: string;
  created_at: number;
  valid_to: number;
}

export function parametersFromRow(r: ParametersRow): ImportParametersRecord {
  return {
    wrappingKeyId: r.wrapping_key_id,
    keyId: r.key_id,
    wrappingAlgorithm: r.wrapping_algorithm,
    wrappingKeySpec: r.wrapping_key_spec,
    createdAt: r.created_at,
    validTo: r.valid_to,
  };
}

export function parametersParams(p: ImportParametersRecord): unknown[] {
  return [p.wrappingKeyId, p.keyId, p.wrappingAlgorithm, p.wrappingKeySpec, p.createdAt, p.validTo];
}

export interface JobRow {
  job_id: string;
  kind: JobKind;
  key_id: string | null;
  due_at: number;
  payload: string | null;
  created_at: number;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  intent: string | null;
  last_error: string | null;
}

export function jobFromRow(r: JobRow): JobRecord {
  const j: JobRecord = { jobId: r.job_id, kind: r.kind, dueAt: r.due_at, createdAt: r.created_at, attempts: r.attempts };
  if (r.key_id !== null) j.keyId = r.key_id;
  if (r.payload !== null) j.payload = r.payload;
  if (r.lease_owner !== null) j.leaseOwner = r.lease_owner;
  if (r.lease_until !== null) j.leaseUntil = r.lease_until;
  if (r.intent !== null) j.intent = r.intent;
  if (r.last_error !== null) j.lastError = r.last_error;
  return j;
}
