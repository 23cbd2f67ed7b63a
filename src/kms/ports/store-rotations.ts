/**
 * Rotation settings and the rotation commit. Like every store method, each call is one
 * transaction. A rotation is written by `commit` only: the new material row, the demotion of the
 * old CURRENT one, the key's current material, the material's details and the advanced schedule
 * go in together, conditional on the schedule still being the one the job was started for, so a
 * crashed or duplicated job can never leave half a rotation behind nor rotate twice.
 */
import type { KeyMaterialRecord } from '../model/key.js';
import type { MaterialDetails, NewJob, RotationSettings, RotationType } from '../model/lifecycle.js';
import type { Page, PageRequest } from './store.js';

export interface RotationConfig {
  enabled: boolean;
  periodDays: number;
  periodAnchorAt?: number;
  nextRotationAt?: number;
}

export type StartOnDemandResult = 'ok' | 'in-progress' | 'limit' | 'missing';

/** What the job expected to find; anything else means another run already did the work. */
export type RotationPrecondition =
  | { kind: 'automatic'; nextRotationAt: number; newNextRotationAt: number }
  | { kind: 'on-demand'; startedAt: number };

export interface RotationCommit {
  keyId: string;
  rotationType: RotationType;
  rotatedAt: number;
  expect: RotationPrecondition;
  /** Generated material to insert as CURRENT, or the id of an imported PENDING_ROTATION one to promote. */
  material: { insert: KeyMaterialRecord } | { promote: string };
  /**
   * The scheduler claim the work runs under: checked in the same transaction, so a holder whose
   * lease ran out (and whose job another node took over) can no longer commit.
   */
  fence?: { jobId: string; token: string };
}

export interface MaterialView {
  material: KeyMaterialRecord;
  details?: MaterialDetails;
}

export interface DueRotation {
  keyId: string;
  nextRotationAt: number;
}

export interface RotationRepository {
  get(keyId: string): Promise<RotationSettings | undefined>;
  /** Writes the schedule, keeping the on-demand fields; false when the key does not exist. */
  configure(keyId: string, config: RotationConfig): Promise<boolean>;
  /**
   * Accepts an on-demand rotation: refuses while another is in progress or when `completed +
   * in progress` would exceed `max`; otherwise marks it started and enqueues `job`, atomically.
   */
  startOnDemand(keyId: string, startedAt: number, max: number, job: NewJob): Promise<StartOnDemandResult>;
  /** Ends an accepted on-demand rotation without rotating (its imported material is gone). */
  abandonOnDemand(keyId: string, startedAt: number): Promise<boolean>;
  /** Returns false (nothing written) when the precondition or the fence no longer holds. */
  commit(c: RotationCommit): Promise<boolean>;
  /** Enabled schedules whose date has come, for keys in state Enabled only (disabled keys wait). */
  listDue(now: number, limit: number): Promise<DueRotation[]>;
  getDetails(keyId: string, materialId: string): Promise<MaterialDetails | undefined>;
  /**
   * The key's materials with their details, oldest first. `rotationsOnly` keeps those that became
   * current by a rotation (ListKeyRotations ROTATIONS_ONLY).
   */
  listMaterials(keyId: string, rotationsOnly: boolean, page: PageRequest): Promise<Page<MaterialView>>;
}
