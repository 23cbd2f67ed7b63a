/**
 * The seed file's moving parts: a section handler per top-level key, the context they share,
 * and small validators that name the offending path (`seed: keys[2].ref: …`).
 */
import type { Store } from '../../kms/ports/store.js';
import type { Hsm } from '../../kms/ports/hsm.js';
import type { OpContext } from '../../kms/context.js';

export class SeedError extends Error {}

export interface GeneratedKey {
  principal: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SeedReport {
  created: string[];
  updated: string[];
  unchanged: number;
  /** Access keys this run generated: their secrets are shown once, then exist only sealed. */
  generated: GeneratedKey[];
}

export interface SeedContext {
  store: Store;
  hsm: Hsm;
  partition: string;
  now(): number;
  defaults: { account: string; region?: string };
  report: SeedReport;
  /** `<account>/<region>/<ref>` → key id, filled by the keys section for later sections. */
  keyRefs: Map<string, string>;
  /** An operation context acting as the account root of `accountId` in `region`. */
  asRoot(accountId: string, region: string): OpContext;
}

/** One top-level section of the seed file. Sections run in the registry's order, not the file's. */
export interface SeedSection {
  readonly name: string;
  apply(ctx: SeedContext, value: unknown, path: string): Promise<void>;
}

export type Obj = Record<string, unknown>;

export function fail(path: string, message: string): never {
  throw new SeedError(`seed: ${path}: ${message}`);
}

export function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be a list');
  return value;
}

export function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be a mapping');
  return value as Obj;
}

export function only(o: Obj, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${path}.${k}`, `unknown field (allowed: ${allowed.join(', ')})`);
}

export function optString(o: Obj, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  // YAML reads 111122223333 as a number; account ids are accepted either way.
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v !== 'string') fail(`${path}.${key}`, 'must be a string');
  return v;
}

export function reqString(o: Obj, key: string, path: string): string {
  return optString(o, key, path) ?? fail(`${path}.${key}`, 'is required');
}

export function accountOf(ctx: SeedContext, o: Obj, path: string): string {
  const a = optString(o, 'account', path) ?? ctx.defaults.account;
  if (!/^\d{12}$/.test(a)) fail(`${path}.account`, `must be a 12-digit account id, got '${a}'`);
  return a;
}

export function regionOf(ctx: SeedContext, o: Obj, path: string): string {
  const r = optString(o, 'region', path) ?? ctx.defaults.region;
  if (!r) fail(`${path}.region`, 'is required (or set defaults.region)');
  if (!/^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/.test(r)) fail(`${path}.region`, `is not a region name: '${r}'`);
  return r;
}

/** A policy given as a mapping (stored as pretty JSON, so re-runs store the same text) or as JSON text. */
export function policyText(o: Obj, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return fail(`${path}.${key}`, 'must be a policy document (a mapping, or JSON text)');
}
