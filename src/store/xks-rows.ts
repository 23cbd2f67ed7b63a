/**
 * Row shapes of the XKS tables (identical column names in both backends) and their mapping to
 * records. Usages and rules are JSON text; the kms layer validates them before they are written.
 */
import type { XksKeyRecord, XksKeyUsage, XksMaterialRecord } from '../kms/xks/model.js';
import type { XksRuleSet } from '../kms/xks/rules.js';

export const XKS_KEY_COLUMNS = 'tenant, external_key_id, status, usages, rules, description, current_version, created_at, updated_at';
export const XKS_MATERIAL_COLUMNS = 'tenant, external_key_id, version, material_id, storage, wrapped, created_at';

export interface XksKeyRow {
  tenant: string;
  external_key_id: string;
  status: XksKeyRecord['status'];
  usages: string;
  rules: string | null;
  description: string;
  current_version: number;
  created_at: number;
  updated_at: number;
}

export function xksKeyFromRow(r: XksKeyRow): XksKeyRecord {
  const key: XksKeyRecord = {
    tenant: r.tenant,
    externalKeyId: r.external_key_id,
    status: r.status,
    usages: JSON.parse(r.usages) as XksKeyUsage[],
    description: r.description,
    currentVersion: r.current_version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.rules !== null) key.rules = JSON.parse(r.rules) as XksRuleSet;
  return key;
}

export function xksKeyParams(k: XksKeyRecord): unknown[] {
  return [
    k.tenant, k.externalKeyId, k.status, JSON.stringify(k.usages), k.rules ? JSON.stringify(k.rules) : null,
    k.description, k.currentVersion, k.createdAt, k.updatedAt,
  ];
}

export interface XksMaterialRow {
  tenant: string;
  external_key_id: string;
  version: number;
  material_id: string;
  storage: XksMaterialRecord['storage'];
  wrapped: Buffer | null;
  created_at: number;
}

export function xksMaterialFromRow(r: XksMaterialRow): XksMaterialRecord {
  const m: XksMaterialRecord = {
    tenant: r.tenant,
    externalKeyId: r.external_key_id,
    version: r.version,
    materialId: r.material_id,
    storage: r.storage,
    createdAt: r.created_at,
  };
  if (r.wrapped !== null) m.wrapped = r.wrapped;
  return m;
}

export function xksMaterialParams(m: XksMaterialRecord): unknown[] {
  return [m.tenant, m.externalKeyId, m.version, m.materialId, m.storage, m.wrapped ?? null, m.createdAt];
}

/** List cursor over (tenant, externalKeyId): tenant names never contain '/'. */
export function xksCursor(k: Pick<XksKeyRecord, 'tenant' | 'externalKeyId'>): string {
  return `${k.tenant}/${k.externalKeyId}`;
}

export function parseXksCursor(after: string): { tenant: string; externalKeyId: string } {
  const i = after.indexOf('/');
  return i < 0 ? { tenant: after, externalKeyId: '' } : { tenant: after.slice(0, i), externalKeyId: after.slice(i + 1) };
}
