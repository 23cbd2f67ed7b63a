/**
 * The store repository for external keys (`store.xksKeys`). Like every repository, each method
 * is one transaction on its own.
 */
import type { XksKeyRecord, XksKeyStatus, XksKeyUsage, XksMaterialRecord } from '../xks/model.js';
import type { XksRuleSet } from '../xks/rules.js';
import type { Page, PageRequest } from './store.js';

export interface XksKeyPatch {
  status?: XksKeyStatus;
  usages?: XksKeyUsage[];
  /** `null` removes the rule set. */
  rules?: XksRuleSet | null;
  description?: string;
}

export type CreateXksKeyResult = 'ok' | 'exists';
export type AddXksMaterialResult = 'ok' | 'missing' | 'conflict';

export interface XksKeyRepository {
  /** Writes the key and its first material (version 1, the key's currentVersion). */
  create(key: XksKeyRecord, material: XksMaterialRecord): Promise<CreateXksKeyResult>;
  get(tenant: string, externalKeyId: string): Promise<XksKeyRecord | undefined>;
  /** One tenant's keys ordered by externalKeyId (byte order), or every tenant's by (tenant, id). */
  list(tenant: string | undefined, page: PageRequest): Promise<Page<XksKeyRecord>>;
  /** Applies the patch and sets updatedAt; false when the key does not exist. */
  update(tenant: string, externalKeyId: string, patch: XksKeyPatch, now: number): Promise<boolean>;
  getMaterial(tenant: string, externalKeyId: string, version: number): Promise<XksMaterialRecord | undefined>;
  listMaterials(tenant: string, externalKeyId: string): Promise<XksMaterialRecord[]>;
  /**
   * Adds `material` as the key's new current version, only if the key's currentVersion is still
   * `material.version - 1` ('conflict' otherwise: a concurrent rotation won).
   */
  addMaterial(material: XksMaterialRecord, now: number): Promise<AddXksMaterialResult>;
}
