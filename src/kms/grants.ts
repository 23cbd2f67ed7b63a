/**
 * Grant rules beyond the model (AWS KMS API Reference: CreateGrant; reference §5.11, §4.1):
 * which operations a key type can grant, the constraint limits, who may be a grantee or retiring
 * principal, the parameters that make two named CreateGrant calls "identical", and the wire entry.
 */
import { createHash } from 'node:crypto';
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import type { GrantConstraintsRecord, GrantRecord } from './model/grant.js';
import type { GrantConstraintsInput, GrantListEntry, GrantOperation } from './model/api-shapes.js';
import { rootArn } from './model/arn.js';
import { InvalidArnException, ValidationException } from './errors.js';
import { toEpochSeconds } from '../lib/time.js';

/** AWS quota: grants per KMS key. */
export const MAX_GRANTS_PER_KEY = 50_000;
/** AWS quota: encryption-context pairs per grant constraint, and the length of each value. */
const MAX_CONSTRAINT_PAIRS = 8;
const MAX_CONSTRAINT_VALUE = 384;

const ALWAYS = ['DescribeKey', 'CreateGrant', 'RetireGrant'];
const SYMMETRIC = ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext'];

/** Grant operations valid for a key (reference §5.11 "Valid operations by key type"). */
export function grantOperationsFor(key: KeyRecord): ReadonlySet<string> {
  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  switch (key.keyUsage) {
    case 'ENCRYPT_DECRYPT':
      return new Set(symmetric ? [...ALWAYS, ...SYMMETRIC] : [...ALWAYS, 'Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GetPublicKey']);
    case 'SIGN_VERIFY':
      return new Set([...ALWAYS, 'Sign', 'Verify', 'GetPublicKey']);
    case 'GENERATE_VERIFY_MAC':
      return new Set([...ALWAYS, 'GenerateMac', 'VerifyMac']);
    case 'KEY_AGREEMENT':
      return new Set([...ALWAYS, 'DeriveSharedSecret', 'GetPublicKey']);
  }
}

export function checkGrantRequest(key: KeyRecord, operations: readonly string[], constraints: GrantConstraintsRecord | undefined): void {
  const valid = grantOperationsFor(key);
  const invalid = operations.filter((o) => !valid.has(o));
  if (invalid.length > 0) {
    throw new ValidationException(
      `Grant operations [${invalid.join(', ')}] are not valid for ${key.arn}, a key with KeySpec ${key.keySpec} and KeyUsage ${key.keyUsage}.`,
    );
  }
  // AWS's wording (observed): a grant that only allows creating further grants is refused.
  if (operations.every((o) => o === 'CreateGrant')) throw new ValidationException('Grants must not contain only the CreateGrant operation.');
  if (constraints && key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new ValidationException('Encryption context grant constraints are supported only for symmetric encryption KMS keys.');
  }
}

function record(map: Map<string, string>, member: string): Record<string, string> {
  if (map.size > MAX_CONSTRAINT_PAIRS) {
    throw new ValidationException(`The grant constraint ${member} can have at most ${MAX_CONSTRAINT_PAIRS} encryption context pairs.`);
  }
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of map) {
    if ([...v].length > MAX_CONSTRAINT_VALUE) {
      throw new ValidationException(`Encryption context values in the grant constraint ${member} can have at most ${MAX_CONSTRAINT_VALUE} characters.`);
    }
    // defineProperty, not assignment: a `__proto__` key must stay data.
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function constraintsFromInput(c: GrantConstraintsInput | undefined): GrantConstraintsRecord | undefined {
  if (!c || (c.EncryptionContextEquals === undefined && c.EncryptionContextSubset === undefined)) return undefined;
  const out: GrantConstraintsRecord = {};
  if (c.EncryptionContextEquals) out.EncryptionContextEquals = record(c.EncryptionContextEquals, 'EncryptionContextEquals');
  if (c.EncryptionContextSubset) out.EncryptionContextSubset = record(c.EncryptionContextSubset, 'EncryptionContextSubset');
  return out;
}

/** The constraints' pairs as one context, for the kms:EncryptionContext:* keys of CreateGrant. */
export function constraintContext(c: GrantConstraintsRecord | undefined): Map<string, string> | undefined {
  if (!c) return undefined;
  const m = new Map<string, string>();
  for (const r of [c.EncryptionContextSubset, c.EncryptionContextEquals]) if (r) for (const [k, v] of Object.entries(r)) m.set(k, v);
  return m;
}

export function constraintType(c: GrantConstraintsRecord | undefined): string[] {
  if (!c) return [];
  return [...(c.EncryptionContextEquals ? ['EncryptionContextEquals'] : []), ...(c.EncryptionContextSubset ? ['EncryptionContextSubset'] : [])];
}

const PRINCIPAL = /^arn:([^:]+):(?:iam::(\d{12}):(?:root|user\/[\w+=,.@-]{1,64}|role\/[\w+=,.@-]{1,64})|sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/[\w+=,.@-]{2,64})$/;

/**
 * Grantee and retiring principals are IAM principals (account root, user, role, assumed-role
 * session) that exist here; anything else is InvalidArnException, as AWS answers for a principal
 * it cannot resolve. Service principals cannot call this service, so they are refused too.
 */
export async function checkGrantPrincipal(ctx: OpContext, arn: string, member: string): Promise<void> {
  const m = PRINCIPAL.exec(arn);
  const invalid = () => new InvalidArnException(`${member} ${arn} is not a valid principal.`);
  if (!m || m[1] !== ctx.deps.settings.partition) throw invalid();
  const ids = ctx.deps.store.identities;
  const account = m[2] ?? m[3]!;
  const exists = arn.endsWith(':root')
    ? (await ids.getAccount(account)) !== undefined
    : m[4] !== undefined
      ? (await ids.getPrincipal(`arn:${m[1]}:iam::${account}:role/${m[4]}`))?.type === 'role'
      : (await ids.getPrincipal(arn)) !== undefined;
  if (!exists) throw invalid();
}

function sortedPairs(r: Readonly<Record<string, string>> | undefined): Array<[string, string]> | null {
  return r ? Object.entries(r).sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))) : null;
}

/** What makes two CreateGrant requests with the same Name "identical" (operations as a set). */
export function grantFingerprint(grantee: string, retiring: string | undefined, operations: readonly string[], c: GrantConstraintsRecord | undefined): string {
  const canonical = JSON.stringify([grantee, retiring ?? null, [...operations].sort(), sortedPairs(c?.EncryptionContextEquals), sortedPairs(c?.EncryptionContextSubset)]);
  return createHash('sha256').update(canonical).digest('hex');
}

export function grantListEntry(ctx: OpContext, g: GrantRecord, keyArn: string): GrantListEntry {
  const entry: GrantListEntry = {
    KeyId: keyArn,
    GrantId: g.grantId,
    CreationDate: toEpochSeconds(g.creationDate),
    GranteePrincipal: g.granteePrincipal,
    IssuingAccount: rootArn(ctx.deps.settings.partition, g.issuingAccount),
    Operations: g.operations as GrantOperation[],
  };
  if (g.name !== undefined) entry.Name = g.name;
  if (g.retiringPrincipal !== undefined) entry.RetiringPrincipal = g.retiringPrincipal;
  if (g.constraints) {
    entry.Constraints = {};
    if (g.constraints.EncryptionContextEquals) entry.Constraints.EncryptionContextEquals = g.constraints.EncryptionContextEquals;
    if (g.constraints.EncryptionContextSubset) entry.Constraints.EncryptionContextSubset = g.constraints.EncryptionContextSubset;
  }
  return entry;
}
