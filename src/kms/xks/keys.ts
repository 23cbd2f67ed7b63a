/**
 * Managing external keys (the `strongroom xks key …` CLI and the seed file): create with material
 * generated in the token, enable/disable, restrict the usages, set secondary-authorization rules,
 * rotate to a new material version. The XKS proxy API itself has no management operations.
 */
import { randomUUID } from 'node:crypto';
import type { Hsm } from '../ports/hsm.js';
import type { Store, Page, PageRequest } from '../ports/store.js';
import type { XksKeyPatch } from '../ports/store-xks.js';
import { newMaterialId } from '../../lib/ids.js';
import {
  DEFAULT_XKS_KEY_USAGES,
  EXTERNAL_KEY_ID_RE,
  MAX_XKS_MATERIAL_VERSION,
  TENANT_NAME_RE,
  isXksKeyUsage,
  xksMaterialKeyId,
  type XksKeyRecord,
  type XksKeyStatus,
  type XksKeyUsage,
  type XksMaterialRecord,
} from './model.js';
import { parseXksRuleSet, XksRuleSyntaxError, type XksRuleSet } from './rules.js';

/** A management request that cannot be carried out; the message is for the operator. */
export class XksKeyAdminError extends Error {}
export class XksKeyExistsError extends XksKeyAdminError {}
export class XksKeyMissingError extends XksKeyAdminError {}

export interface XksAdminDeps {
  store: Store;
  hsm: Hsm;
  now(): number;
}

export interface CreateXksKeyInput {
  tenant: string;
  /** Default: a random UUID. */
  externalKeyId?: string;
  usages?: readonly string[];
  status?: XksKeyStatus;
  rules?: unknown;
  description?: string;
}

export function checkTenant(tenant: string): void {
  if (!TENANT_NAME_RE.test(tenant)) throw new XksKeyAdminError(`tenant '${tenant}' must be 1-64 characters [A-Za-z0-9_-]`);
}

export function checkExternalKeyId(id: string): void {
  if (!EXTERNAL_KEY_ID_RE.test(id)) {
    throw new XksKeyAdminError(`external key id '${id}' must be 1-128 characters [A-Za-z0-9._-] (XKS proxy API spec)`);
  }
}

/** Validates a usage list: known values, no repeats, at most 10 (spec: GetKeyMetadata). May be empty. */
export function checkUsages(usages: readonly string[]): XksKeyUsage[] {
  const out: XksKeyUsage[] = [];
  for (const u of usages) {
    if (!isXksKeyUsage(u)) throw new XksKeyAdminError(`unknown key usage '${u}' (allowed: ENCRYPT, DECRYPT, WRAP, UNWRAP, DERIVE, SIGN, VERIFY)`);
    if (!out.includes(u)) out.push(u);
  }
  return out;
}

export function checkStatus(status: string): XksKeyStatus {
  if (status !== 'ENABLED' && status !== 'DISABLED') throw new XksKeyAdminError(`status must be ENABLED or DISABLED, got '${status}'`);
  return status;
}

export function checkRules(rules: unknown): XksRuleSet {
  try {
    return parseXksRuleSet(rules);
  } catch (e) {
    if (e instanceof XksRuleSyntaxError) throw new XksKeyAdminError(`invalid rules: ${e.message}`);
    throw e;
  }
}

async function newMaterial(deps: XksAdminDeps, tenant: string, externalKeyId: string, version: number): Promise<XksMaterialRecord> {
  const materialId = newMaterialId();
  const generated = await deps.hsm.generateSymmetricMaterial(xksMaterialKeyId(tenant, externalKeyId), materialId);
  const m: XksMaterialRecord = { tenant, externalKeyId, version, materialId, storage: deps.hsm.mode, createdAt: deps.now() };
  if (generated.wrapped) m.wrapped = generated.wrapped;
  return m;
}

async function dropMaterial(deps: XksAdminDeps, m: XksMaterialRecord): Promise<void> {
  // Token mode: the object exists but its row does not; remove it so nothing is orphaned.
  await deps.hsm
    .destroyMaterial({ keyId: xksMaterialKeyId(m.tenant, m.externalKeyId), materialId: m.materialId, wrapped: m.wrapped })
    .catch(() => {});
}

export async function createXksKey(deps: XksAdminDeps, input: CreateXksKeyInput): Promise<XksKeyRecord> {
  checkTenant(input.tenant);
  const externalKeyId = input.externalKeyId ?? randomUUID();
  checkExternalKeyId(externalKeyId);
  const usages = checkUsages(input.usages ?? DEFAULT_XKS_KEY_USAGES);
  const rules = input.rules === undefined ? undefined : checkRules(input.rules);
  const now = deps.now();
  const key: XksKeyRecord = {
    tenant: input.tenant,
    externalKeyId,
    status: input.status ?? 'ENABLED',
    usages,
    description: input.description ?? '',
    currentVersion: 1,
    createdAt: now,
    updatedAt: now,
  };
  if (rules) key.rules = rules;
  if (await deps.store.xksKeys.get(key.tenant, externalKeyId)) {
    throw new XksKeyExistsError(`external key ${externalKeyId} already exists in tenant ${key.tenant}`);
  }
  const material = await newMaterial(deps, key.tenant, externalKeyId, 1);
  let result;
  try {
    result = await deps.store.xksKeys.create(key, material);
  } catch (e) {
    await dropMaterial(deps, material);
    throw e;
  }
  if (result === 'exists') {
    await dropMaterial(deps, material);
    throw new XksKeyExistsError(`external key ${externalKeyId} already exists in tenant ${key.tenant}`);
  }
  return key;
}

export async function updateXksKey(deps: XksAdminDeps, tenant: string, externalKeyId: string, patch: XksKeyPatch): Promise<XksKeyRecord> {
  if (!(await deps.store.xksKeys.update(tenant, externalKeyId, patch, deps.now()))) {
    throw new XksKeyMissingError(`external key ${externalKeyId} does not exist in tenant ${tenant}`);
  }
  return (await deps.store.xksKeys.get(tenant, externalKeyId))!;
}

/** New ciphertexts use the new version; older ones still decrypt (their metadata names their version). */
export async function rotateXksKey(deps: XksAdminDeps, tenant: string, externalKeyId: string): Promise<XksKeyRecord> {
  const key = await deps.store.xksKeys.get(tenant, externalKeyId);
  if (!key) throw new XksKeyMissingError(`external key ${externalKeyId} does not exist in tenant ${tenant}`);
  if (key.currentVersion >= MAX_XKS_MATERIAL_VERSION) throw new XksKeyAdminError(`external key ${externalKeyId} has no material versions left`);
  const material = await newMaterial(deps, tenant, externalKeyId, key.currentVersion + 1);
  let result;
  try {
    result = await deps.store.xksKeys.addMaterial(material, deps.now());
  } catch (e) {
    await dropMaterial(deps, material);
    throw e;
  }
  if (result !== 'ok') {
    await dropMaterial(deps, material);
    throw new XksKeyAdminError(
      result === 'missing' ? `external key ${externalKeyId} was removed meanwhile` : `external key ${externalKeyId} was rotated concurrently; retry`,
    );
  }
  return (await deps.store.xksKeys.get(tenant, externalKeyId))!;
}

export function listXksKeys(store: Store, tenant: string | undefined, page: PageRequest): Promise<Page<XksKeyRecord>> {
  return store.xksKeys.list(tenant, page);
}
