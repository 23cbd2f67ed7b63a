/**
 * Key-lifecycle records kept beside the key and its materials: automatic/on-demand rotation
 * settings, per-material facts (how a material became current, imported-material state and
 * expiry), outstanding import parameters, and the scheduler's job rows.
 */

export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';
export type ImportState = 'IMPORTED' | 'PENDING_IMPORT';
export type ExpirationModel = 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';

/** AWS KMS API Reference: EnableKeyRotation (RotationPeriodInDays 90–2560, default 365). */
export const DEFAULT_ROTATION_PERIOD_DAYS = 365;
/** AWS KMS API Reference: RotateKeyOnDemand ("25 per key, not adjustable"). */
export const MAX_ON_DEMAND_ROTATIONS = 25;

export interface RotationSettings {
  keyId: string;
  enabled: boolean;
  periodDays: number;
  /** Epoch ms at which the running period started: enable date or last automatic rotation. */
  periodAnchorAt?: number;
  /** Epoch ms of the next automatic rotation; set only while enabled. */
  nextRotationAt?: number;
  /** Completed on-demand rotations (counted against the limit). */
  onDemandCount: number;
  /** Epoch ms; set while an on-demand rotation has been accepted but not yet committed. */
  onDemandStartedAt?: number;
}

/**
 * Facts about one material that `key_materials` does not hold. Materials written by CreateKey have
 * no details row: they are generated, initial (never rotated in) material.
 */
export interface MaterialDetails {
  keyId: string;
  materialId: string;
  imported: boolean;
  /** How the material became current, when it did so by a rotation. */
  rotationType?: RotationType;
  rotatedAt?: number;
  /** Imported materials only. */
  importState?: ImportState;
  /** Imported with ImportType NEW_KEY_MATERIAL and waiting for RotateKeyOnDemand. */
  pendingRotation: boolean;
  expirationModel?: ExpirationModel;
  /** Epoch ms at which imported material expires (KEY_MATERIAL_EXPIRES only). */
  validTo?: number;
  description?: string;
}

/** Import parameters handed out by GetParametersForImport; the private key lives in the token. */
export interface ImportParametersRecord {
  wrappingKeyId: string;
  keyId: string;
  wrappingAlgorithm: string;
  wrappingKeySpec: string;
  createdAt: number;
  /** Epoch ms; the import token is refused afterwards and the wrapping key is destroyed. */
  validTo: number;
}

export type JobKind = 'rotate-key' | 'on-demand-rotation' | 'delete-key' | 'expire-material' | 'remove-import-parameters';

export interface NewJob {
  /** Deterministic per unit of work (e.g. `rotate-key:<keyId>:<due>`), so discovery is idempotent. */
  jobId: string;
  kind: JobKind;
  keyId?: string;
  /** Epoch ms from which the job may run. */
  dueAt: number;
  /** Kind-specific data (JSON text). */
  payload?: string;
}

export interface JobRecord extends NewJob {
  createdAt: number;
  attempts: number;
  /** Claim token of the current holder; a job is free when `leaseUntil` has passed. */
  leaseOwner?: string;
  leaseUntil?: number;
  /** Written by a job before it creates something outside the database (e.g. a token object). */
  intent?: string;
  lastError?: string;
}

/** A job this process now holds until `leaseUntil`; `token` fences every later write. */
export interface ClaimedJob extends JobRecord {
  token: string;
}
