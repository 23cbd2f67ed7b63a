/**
 * The store port. Methods are domain-level and atomic on their own (each one is a single
 * transaction inside the implementation) because better-sqlite3 transactions cannot span an
 * `await`; there is deliberately no generic "run this callback in a transaction".
 * Both `store/sqlite` and `store/postgres` implement it and pass one behaviour suite.
 */
import type { AliasRecord, KeyMaterialRecord, KeyRecord, Tag } from '../model/key.js';
import type { AccessKeyRecord, AccessKeyStatus, AccountRecord, PrincipalRecord } from '../model/identity.js';
import type { XksKeyRepository } from './store-xks.js';
import type { GrantRepository } from './store-grants.js';
import type { IamRepository } from './store-iam.js';
import type { AuditRepository } from './store-audit.js';
import type { RotationRepository } from './store-rotations.js';
import type { ImportRepository } from './store-imports.js';
import type { JobRepository } from './store-jobs.js';

/** Keyset pagination: `after` is the sort key of the last item of the previous page. */
export interface PageRequest {
  limit: number;
  after?: string;
}
export interface Page<T> {
  items: T[];
  /** Sort key of the last item, present only when more items follow. */
  next?: string;
}

export type CreateAliasResult = 'ok' | 'exists' | 'limit';
export type UpdateAliasResult = 'ok' | 'missing' | 'limit';
export type PutTagsResult = 'ok' | 'limit';

export interface KeyPatch {
  description?: string;
  keyState?: KeyRecord['keyState'];
  /** `null` clears the field. */
  deletionDate?: number | null;
  pendingWindowInDays?: number | null;
  policy?: string;
  currentMaterialId?: string | null;
}

export interface KeyRepository {
  /** Writes the key, its first material (if any) and its tags in one transaction. */
  create(key: KeyRecord, material: KeyMaterialRecord | undefined, tags: Tag[]): Promise<void>;
  get(keyId: string): Promise<KeyRecord | undefined>;
  /** Keys of one account and region ordered by key id. */
  list(accountId: string, region: string, page: PageRequest): Promise<Page<KeyRecord>>;
  /**
   * Applies the patch; when `ifStateIn` is given, only if the current state is one of them.
   * Returns false when the key does not exist or the condition failed (nothing written).
   */
  update(keyId: string, patch: KeyPatch, ifStateIn?: KeyRecord['keyState'][]): Promise<boolean>;
  /** Deletes the key with its materials, aliases and tags in one transaction. */
  delete(keyId: string): Promise<boolean>;
  /** Keys in PendingDeletion whose deletion date is at or before `now` (epoch ms). */
  listDueForDeletion(now: number, limit: number): Promise<KeyRecord[]>;
  /** Number of keys in an account and region (for the per-account quota). */
  count(accountId: string, region: string): Promise<number>;

  addMaterial(material: KeyMaterialRecord, makeCurrent: boolean): Promise<void>;
  getMaterial(keyId: string, materialId: string): Promise<KeyMaterialRecord | undefined>;
  listMaterials(keyId: string): Promise<KeyMaterialRecord[]>;
}

export interface AliasRepository {
  create(alias: AliasRecord, maxPerKey: number): Promise<CreateAliasResult>;
  /** Re-points an existing alias. */
  update(accountId: string, region: string, aliasName: string, targetKeyId: string, now: number, maxPerKey: number): Promise<UpdateAliasResult>;
  delete(accountId: string, region: string, aliasName: string): Promise<boolean>;
  get(accountId: string, region: string, aliasName: string): Promise<AliasRecord | undefined>;
  /** Ordered by alias name; optionally only those pointing at one key. */
  list(accountId: string, region: string, targetKeyId: string | undefined, page: PageRequest): Promise<Page<AliasRecord>>;
  /** All alias names of one key (for kms:ResourceAliases and the 50-per-key limit). */
  listForKey(keyId: string): Promise<AliasRecord[]>;
}

export interface TagRepository {
  /** Adds or overwrites tags; refuses (writing nothing) when the key would exceed `max` tags. */
  put(keyId: string, tags: Tag[], max: number): Promise<PutTagsResult>;
  remove(keyId: string, tagKeys: string[]): Promise<void>;
  /** Ordered by tag key. */
  list(keyId: string, page: PageRequest): Promise<Page<Tag>>;
}

export interface IdentityRepository {
  /** Inserts the account if it does not exist. */
  ensureAccount(account: AccountRecord): Promise<void>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  /** Every account, ordered by account id. */
  listAccounts(): Promise<AccountRecord[]>;
  /** Inserts the principal if no principal with that ARN exists. */
  ensurePrincipal(principal: PrincipalRecord): Promise<void>;
  getPrincipal(arn: string): Promise<PrincipalRecord | undefined>;
  listPrincipals(accountId: string): Promise<PrincipalRecord[]>;

  createAccessKey(key: AccessKeyRecord): Promise<void>;
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /** All access keys, or those of one account, ordered by access key id. */
  listAccessKeys(accountId?: string): Promise<AccessKeyRecord[]>;
  setAccessKeyStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean>;
  deleteAccessKey(accessKeyId: string): Promise<boolean>;
}

/** Small named values the service keeps about itself (e.g. when it was initialised). */
export interface MetaRepository {
  get(name: string): Promise<string | undefined>;
  /** Sets the value only if the name is unset; returns the value now stored. */
  setIfAbsent(name: string, value: string): Promise<string>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly keys: KeyRepository;
  readonly aliases: AliasRepository;
  readonly tags: TagRepository;
  readonly identities: IdentityRepository;
  readonly meta: MetaRepository;
  readonly audit: AuditRepository;
  readonly xksKeys: XksKeyRepository;
  readonly grants: GrantRepository;
  readonly iam: IamRepository;
  readonly rotations: RotationRepository;
  readonly imports: ImportRepository;
  readonly jobs: JobRepository;
  /** A cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
