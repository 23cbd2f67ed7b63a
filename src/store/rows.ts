/**
 * Row shapes (identical column names in both backends) and their mapping to model records.
 * Optional model fields are omitted rather than set to undefined or null, so a record read back
 * has exactly the shape that was written.
 */
import type { AliasRecord, KeyMaterialRecord, KeyRecord, KeyState, KeyUsage, MaterialState, Origin, Tag } from '../kms/model/key.js';
import type { AccessKeyRecord, AccessKeyStatus, AccountRecord, PrincipalRecord, PrincipalType } from '../kms/model/identity.js';

export const KEY_COLUMNS =
  'key_id, account_id, region, arn, description, key_usage, key_spec, origin, key_state, creation_date, ' +
  'deletion_date, pending_window_in_days, policy, current_material_id, multi_region';
export const MATERIAL_COLUMNS = 'key_id, material_id, created_at, storage, wrapped, state';
/** The key repository's material columns: MATERIAL_COLUMNS plus the asymmetric public key (migration 005). */
export const KEY_MATERIAL_COLUMNS = `${MATERIAL_COLUMNS}, public_key`;
export const ALIAS_COLUMNS = 'account_id, region, alias_name, target_key_id, creation_date, last_updated_date';
export const PRINCIPAL_COLUMNS = 'arn, account_id, type, name, created_at';
export const ACCESS_KEY_COLUMNS = 'access_key_id, account_id, principal_arn, secret_sealed, status, created_at';

export interface KeyRow {
  key_id: string;
  account_id: string;
  region: string;
  arn: string;
  description: string;
  key_usage: KeyUsage;
  key_spec: string;
  origin: Origin;
  key_state: KeyState;
  creation_date: number;
  deletion_date: number | null;
  pending_window_in_days: number | null;
  policy: string;
  current_material_id: string | null;
  /** INTEGER 0/1 in SQLite, BOOLEAN in PostgreSQL. */
  multi_region: number | boolean;
}

export function keyFromRow(r: KeyRow): KeyRecord {
  const key: KeyRecord = {
    keyId: r.key_id,
    accountId: r.account_id,
    region: r.region,
    arn: r.arn,
    description: r.description,
    keyUsage: r.key_usage,
    keySpec: r.key_spec,
    origin: r.origin,
    keyState: r.key_state,
    creationDate: r.creation_date,
    policy: r.policy,
    multiRegion: Boolean(r.multi_region),
  };
  if (r.deletion_date !== null) key.deletionDate = r.deletion_date;
  if (r.pending_window_in_days !== null) key.pendingWindowInDays = r.pending_window_in_days;
  if (r.current_material_id !== null) key.currentMaterialId = r.current_material_id;
  return key;
}

export interface MaterialRow {
  key_id: string;
  material_id: string;
  created_at: number;
  storage: KeyMaterialRecord['storage'];
  wrapped: Buffer | null;
  state: MaterialState;
  /** Only in rows selected with KEY_MATERIAL_COLUMNS. */
  public_key?: Buffer | null;
}

export function materialFromRow(r: MaterialRow): KeyMaterialRecord {
  const m: KeyMaterialRecord = {
    keyId: r.key_id,
    materialId: r.material_id,
    createdAt: r.created_at,
    storage: r.storage,
    state: r.state,
  };
  if (r.wrapped !== null) m.wrapped = r.wrapped;
  if (r.public_key !== undefined && r.public_key !== null) m.publicKey = r.public_key;
  return m;
}

export interface AliasRow {
  account_id: string;
  region: string;
  alias_name: string;
  target_key_id: string;
  creation_date: number;
  last_updated_date: number;
}

export function aliasFromRow(r: AliasRow): AliasRecord {
  return {
    accountId: r.account_id,
    region: r.region,
    aliasName: r.alias_name,
    targetKeyId: r.target_key_id,
    creationDate: r.creation_date,
    lastUpdatedDate: r.last_updated_date,
  };
}

export interface TagRow {
  tag_key: string;
  tag_value: string;
}

export function tagFromRow(r: TagRow): Tag {
  return { TagKey: r.tag_key, TagValue: r.tag_value };
}

export interface AccountRow {
  account_id: string;
  created_at: number;
}

export function accountFromRow(r: AccountRow): AccountRecord {
  return { accountId: r.account_id, createdAt: r.created_at };
}

export interface PrincipalRow {
  arn: string;
  account_id: string;
  type: PrincipalType;
  name: string;
  created_at: number;
}

export function principalFromRow(r: PrincipalRow): PrincipalRecord {
  return { arn: r.arn, accountId: r.account_id, type: r.type, name: r.name, createdAt: r.created_at };
}

export interface AccessKeyRow {
  access_key_id: string;
  account_id: string;
  principal_arn: string;
  secret_sealed: Buffer;
  status: AccessKeyStatus;
  created_at: number;
}

export function accessKeyFromRow(r: AccessKeyRow): AccessKeyRecord {
  return {
    accessKeyId: r.access_key_id,
    accountId: r.account_id,
    principalArn: r.principal_arn,
    secretSealed: r.secret_sealed,
    status: r.status,
    createdAt: r.created_at,
  };
}
