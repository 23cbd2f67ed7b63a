/**
 * Administration of IAM-style identities, shared by the CLI and the seed loader: users and
 * roles (no IAM paths), their identity policies (validated with the IAM identity-policy
 * grammar), access keys for them, and rotation. Errors a person can fix are AdminError, whose
 * message is shown as is.
 */
import type { Store } from '../ports/store.js';
import type { Hsm } from '../ports/hsm.js';
import type { PrincipalRecord, PrincipalType } from '../model/identity.js';
import type { IdentityPolicyRecord } from '../model/iam.js';
import { parsePolicy, PolicySyntaxError } from '../../policy/index.js';
import { createAccessKey, ensureAccountRoot, newAccessKeyId, newSecretAccessKey, type NewAccessKey } from './access-keys.js';

export class AdminError extends Error {}

/** IAM user and role names: 1–64 of `[\w+=,.@-]` (IAM API Reference: CreateUser, CreateRole). */
export const IAM_NAME_RE = /^[\w+=,.@-]{1,64}$/;
/** IAM policy names: 1–128 of `[\w+=,.@-]` (IAM API Reference: PutUserPolicy). */
export const POLICY_NAME_RE = /^[\w+=,.@-]{1,128}$/;
/** Our cap on one identity policy document (IAM's inline quotas are smaller: 2 KB users, 10 KB roles). */
export const MAX_IDENTITY_POLICY_BYTES = 32_768;

export type NamedPrincipalType = Extract<PrincipalType, 'user' | 'role'>;

export function principalArn(partition: string, accountId: string, type: NamedPrincipalType, name: string): string {
  return `arn:${partition}:iam::${accountId}:${type}/${name}`;
}

export function checkAccountId(accountId: string): void {
  if (!/^\d{12}$/.test(accountId)) throw new AdminError(`account id must be 12 digits, got '${accountId}'`);
}

function checkName(type: NamedPrincipalType, name: string): void {
  if (!IAM_NAME_RE.test(name)) throw new AdminError(`${type} name must be 1-64 characters of letters, digits and +=,.@_-, got '${name}'`);
}

/** Creates the user or role (and its account) unless it exists; `created` tells which. */
export async function ensureNamedPrincipal(
  store: Store, partition: string, accountId: string, type: NamedPrincipalType, name: string, now: number,
): Promise<{ principal: PrincipalRecord; created: boolean }> {
  checkAccountId(accountId);
  checkName(type, name);
  await ensureAccountRoot(store, partition, accountId, now);
  const arn = principalArn(partition, accountId, type, name);
  const existing = await store.identities.getPrincipal(arn);
  if (existing) return { principal: existing, created: false };
  const principal: PrincipalRecord = { arn, accountId, type, name, createdAt: now };
  await store.identities.ensurePrincipal(principal);
  return { principal: (await store.identities.getPrincipal(arn)) ?? principal, created: true };
}

export async function getNamedPrincipal(store: Store, partition: string, accountId: string, type: NamedPrincipalType, name: string): Promise<PrincipalRecord> {
  checkAccountId(accountId);
  checkName(type, name);
  const p = await store.identities.getPrincipal(principalArn(partition, accountId, type, name));
  if (!p || p.type !== type) throw new AdminError(`${type} ${name} does not exist in account ${accountId}`);
  return p;
}

/** Validates an identity policy document; returns it unchanged. */
export function checkIdentityPolicy(policyName: string, document: string, partition: string): string {
  if (!POLICY_NAME_RE.test(policyName)) throw new AdminError(`policy name must be 1-128 characters of letters, digits and +=,.@_-, got '${policyName}'`);
  if (Buffer.byteLength(document, 'utf8') > MAX_IDENTITY_POLICY_BYTES) {
    throw new AdminError(`policy ${policyName} exceeds ${MAX_IDENTITY_POLICY_BYTES} bytes`);
  }
  try {
    parsePolicy(document, 'identity', { partition });
  } catch (e) {
    if (e instanceof PolicySyntaxError) throw new AdminError(`policy ${policyName} is malformed: ${e.message}`);
    throw e;
  }
  return document;
}

export type PutOutcome = 'created' | 'updated' | 'unchanged';

/** Attaches (or replaces) an identity policy; takes effect on the principal's next request. */
export async function putIdentityPolicy(
  store: Store, partition: string, principal: PrincipalRecord, policyName: string, document: string, now: number,
): Promise<PutOutcome> {
  if (principal.type === 'root') throw new AdminError('an account root has every permission of its account; it takes no identity policies');
  checkIdentityPolicy(policyName, document, partition);
  const existing = await store.iam.getIdentityPolicy(principal.arn, policyName);
  if (existing?.document === document) return 'unchanged';
  const record: IdentityPolicyRecord = { principalArn: principal.arn, policyName, document, createdAt: existing?.createdAt ?? now, updatedAt: now };
  await store.iam.putIdentityPolicy(record);
  return existing ? 'updated' : 'created';
}

/** A new access key for a principal: the given id and secret, or generated ones. */
export async function issueAccessKey(store: Store, hsm: Hsm, principal: PrincipalRecord, now: number, given?: NewAccessKey): Promise<NewAccessKey> {
  const key = given ?? { accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() };
  if (await store.identities.getAccessKey(key.accessKeyId)) throw new AdminError(`access key ${key.accessKeyId} already exists`);
  await createAccessKey(store, hsm, principal, key, now);
  return key;
}

/**
 * Rotation in one step: a new key for the same principal, and the old one set Inactive (not
 * deleted, so it can be re-enabled while clients move over; `access-key delete` removes it).
 */
export async function rotateAccessKey(store: Store, hsm: Hsm, accessKeyId: string, now: number): Promise<{ key: NewAccessKey; principal: PrincipalRecord }> {
  const old = await store.identities.getAccessKey(accessKeyId);
  if (!old) throw new AdminError(`access key ${accessKeyId} does not exist`);
  const principal = await store.identities.getPrincipal(old.principalArn);
  if (!principal) throw new AdminError(`the principal of access key ${accessKeyId} no longer exists`);
  const key = await issueAccessKey(store, hsm, principal, now);
  await store.identities.setAccessKeyStatus(accessKeyId, 'Inactive');
  return { key, principal };
}
