/**
 * The `xksKeys:` section of the seed file (`strongroom init --seed FILE`): a list of external keys
 * that must exist. Idempotent: a missing key is created (material generated in the token); an
 * existing one is brought to the listed status, usages, rules and description (fields a seed entry
 * leaves out are left alone; `rules: null` removes a rule set). Every entry is validated before
 * anything is written, so a bad seed file changes nothing.
 *
 *   xksKeys:
 *     - tenant: example
 *       externalKeyId: foo
 *       usages: [ENCRYPT, DECRYPT]        # default ENCRYPT, DECRYPT, WRAP, UNWRAP
 *       status: ENABLED                   # default ENABLED
 *       rules: [{ sid: ebs, principals: ["arn:aws:iam::111122223333:*"], viaServices: [ebs] }]
 */
import type { Hsm } from '../ports/hsm.js';
import type { Store } from '../ports/store.js';
import type { XksKeyPatch } from '../ports/store-xks.js';
import type { XksKeyRecord } from './model.js';
import {
  XksKeyAdminError,
  checkExternalKeyId,
  checkRules,
  checkStatus,
  checkTenant,
  checkUsages,
  createXksKey,
  updateXksKey,
  type XksAdminDeps,
} from './keys.js';

export interface XksKeySeedResult {
  /** `tenant/externalKeyId` of each entry, by what happened to it. */
  created: string[];
  updated: string[];
  unchanged: string[];
}

interface Entry {
  tenant: string;
  externalKeyId: string;
  patch: XksKeyPatch;
}

const FIELDS = new Set(['tenant', 'externalKeyId', 'usages', 'status', 'rules', 'description']);

function parseEntry(raw: unknown, i: number): Entry {
  const where = `xksKeys[${i}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new XksKeyAdminError(`${where} must be an object`);
  const e = raw as Record<string, unknown>;
  const unknown = Object.keys(e).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) throw new XksKeyAdminError(`${where} has unknown field(s): ${unknown.join(', ')}`);
  if (typeof e.tenant !== 'string' || typeof e.externalKeyId !== 'string') {
    throw new XksKeyAdminError(`${where} needs tenant and externalKeyId strings`);
  }
  try {
    checkTenant(e.tenant);
    checkExternalKeyId(e.externalKeyId);
    const patch: XksKeyPatch = {};
    if (e.usages !== undefined) {
      if (!Array.isArray(e.usages) || e.usages.some((u) => typeof u !== 'string')) throw new XksKeyAdminError('usages must be a list of strings');
      patch.usages = checkUsages(e.usages as string[]);
    }
    if (e.status !== undefined) patch.status = checkStatus(String(e.status));
    if (e.rules !== undefined) patch.rules = e.rules === null ? null : checkRules(e.rules);
    if (e.description !== undefined) {
      if (typeof e.description !== 'string') throw new XksKeyAdminError('description must be a string');
      patch.description = e.description;
    }
    return { tenant: e.tenant, externalKeyId: e.externalKeyId, patch };
  } catch (err) {
    if (err instanceof XksKeyAdminError) throw new XksKeyAdminError(`${where}: ${err.message}`);
    throw err;
  }
}

function differs(key: XksKeyRecord, patch: XksKeyPatch): boolean {
  if (patch.status !== undefined && patch.status !== key.status) return true;
  if (patch.usages !== undefined && JSON.stringify(patch.usages) !== JSON.stringify(key.usages)) return true;
  if (patch.rules !== undefined && JSON.stringify(patch.rules ?? undefined) !== JSON.stringify(key.rules)) return true;
  return patch.description !== undefined && patch.description !== key.description;
}

export async function applyXksKeysSeed(store: Store, hsm: Hsm, entries: unknown, now: () => number = Date.now): Promise<XksKeySeedResult> {
  if (!Array.isArray(entries)) throw new XksKeyAdminError('xksKeys must be a list');
  const parsed = entries.map(parseEntry);
  const names = parsed.map((e) => `${e.tenant}/${e.externalKeyId}`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new XksKeyAdminError(`xksKeys lists ${dup} twice`);

  const deps: XksAdminDeps = { store, hsm, now };
  const result: XksKeySeedResult = { created: [], updated: [], unchanged: [] };
  for (const [i, e] of parsed.entries()) {
    const existing = await store.xksKeys.get(e.tenant, e.externalKeyId);
    if (!existing) {
      await createXksKey(deps, {
        tenant: e.tenant,
        externalKeyId: e.externalKeyId,
        ...(e.patch.usages ? { usages: e.patch.usages } : {}),
        ...(e.patch.status ? { status: e.patch.status } : {}),
        ...(e.patch.rules ? { rules: e.patch.rules } : {}),
        ...(e.patch.description !== undefined ? { description: e.patch.description } : {}),
      });
      result.created.push(names[i]!);
    } else if (differs(existing, e.patch)) {
      await updateXksKey(deps, e.tenant, e.externalKeyId, e.patch);
      result.updated.push(names[i]!);
    } else {
      result.unchanged.push(names[i]!);
    }
  }
  return result;
}
