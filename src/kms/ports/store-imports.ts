/**
 * Imported key material (Origin EXTERNAL): outstanding import parameters and the state changes of
 * ImportKeyMaterial, DeleteImportedKeyMaterial and expiry, each one transaction that also moves
 * the key between PendingImport and Enabled.
 */
import type { ExpirationModel, ImportParametersRecord } from '../model/lifecycle.js';

export type ImportKind =
  /** The key's first material: becomes CURRENT, the key Enabled. */
  | 'first'
  /** ImportType NEW_KEY_MATERIAL on a key with material: waits as PENDING_ROTATION. */
  | 'pending-rotation'
  /** The same material again (after deletion or expiry, or to change its expiry). */
  | 'reimport';

export interface ImportCommit {
  keyId: string;
  materialId: string;
  kind: ImportKind;
  storage: 'wrapped' | 'token';
  /** Domain-key-wrapped blob (wrapped storage). */
  wrapped?: Buffer;
  importedAt: number;
  expirationModel: ExpirationModel;
  validTo?: number;
  /** Undefined keeps the description of an earlier import of the same material. */
  description?: string;
}

/** `conflict`: the key's materials changed since the caller decided `kind` (nothing written). */
export type ImportCommitResult = 'ok' | 'conflict';

export type DeleteMaterialResult =
  | { result: 'deleted'; wasImported: boolean }
  /** Unknown material id, or not imported material. */
  | { result: 'missing' }
  /** `ifValidTo` no longer matches: re-imported with another expiry meanwhile. */
  | { result: 'stale' };

export interface ExpiringMaterial {
  keyId: string;
  materialId: string;
  validTo: number;
}

export interface ImportRepository {
  putParameters(p: ImportParametersRecord): Promise<void>;
  getParameters(wrappingKeyId: string): Promise<ImportParametersRecord | undefined>;
  deleteParameters(wrappingKeyId: string): Promise<boolean>;
  /** Parameters past their validity, earliest first. */
  listExpiredParameters(now: number, limit: number): Promise<ImportParametersRecord[]>;
  listParametersForKey(keyId: string): Promise<ImportParametersRecord[]>;

  commitImport(c: ImportCommit): Promise<ImportCommitResult>;
  /**
   * Removes imported material: the row stays (state PENDING_IMPORT, blob cleared) so the same
   * material can be re-imported; a never-used PENDING_ROTATION material is removed entirely.
   * The key goes to PendingImport unless it is pending deletion.
   */
  deleteMaterial(keyId: string, materialId: string, ifValidTo?: number): Promise<DeleteMaterialResult>;
  /** Imported materials whose ValidTo is at or before `now`, earliest first. */
  listExpiring(now: number, limit: number): Promise<ExpiringMaterial[]>;
}
