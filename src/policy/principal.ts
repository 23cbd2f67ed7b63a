/**
 * The Principal / NotPrincipal elements (reference §5.10 "Principal forms"; IAM User Guide,
 * "AWS JSON policy elements: Principal"): `"*"`, `{"AWS": "*" | ARN | 12-digit account | [...]}`,
 * `{"Service": ...}`, `{"Federated": ...}`. A bare account id becomes the account root ARN.
 * Wildcards inside a principal ARN are not allowed ("You cannot use a wildcard to match part of
 * a principal name or ARN"), so matching is exact string equality.
 */
import { INVALID_PRINCIPALS, PolicySyntaxError } from './errors.js';
import type { JsonValue } from './json.js';
import type { PrincipalSet, RequestPrincipal } from './types.js';

const PARTITION = 'aws(?:-[a-z]+)*';
const NAME = "[\\w+=,.@-]{1,128}";
const PATH = '(?:[\\x21-\\x29\\x2b-\\x2e\\x30-\\x3e\\x40-\\x7e]+/)*';
const PRINCIPAL_ARN = new RegExp(
  `^arn:${PARTITION}:(?:iam::\\d{12}:(?:root|user/${PATH}${NAME}|role/${PATH}${NAME})` +
    `|sts::\\d{12}:(?:assumed-role/${NAME}/${NAME}|federated-user/${NAME}))$`,
);
const SERVICE = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;
const FEDERATED = /^[^\s*?]+$/;
const ACCOUNT_ID = /^\d{12}$/;

export function rootArnFor(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

function invalid(): never {
  throw new PolicySyntaxError(INVALID_PRINCIPALS);
}

function strings(v: JsonValue | undefined): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) invalid();
  return list.map((s) => (typeof s === 'string' && s.length > 0 ? s : invalid()));
}

export function parsePrincipal(v: JsonValue, partition: string): PrincipalSet {
  if (v === '*') return { any: true, aws: [], service: [], federated: [] };
  if (!(v instanceof Map) || v.size === 0) invalid();
  let any = false;
  const aws: string[] = [];
  const service: string[] = [];
  const federated: string[] = [];
  for (const [type, value] of v) {
    if (type === 'AWS') {
      for (const s of strings(value)) {
        if (s === '*') any = true;
        else if (ACCOUNT_ID.test(s)) aws.push(rootArnFor(partition, s));
        else if (PRINCIPAL_ARN.test(s)) aws.push(s);
        else invalid();
      }
    } else if (type === 'Service') {
      for (const s of strings(value)) (SERVICE.test(s) ? service : invalid()).push(s);
    } else if (type === 'Federated') {
      for (const s of strings(value)) (FEDERATED.test(s) ? federated : invalid()).push(s);
    } else {
      invalid();
    }
  }
  return { any, aws, service, federated };
}

/** Who the caller is, for Principal matching. */
export interface CallerIdentity {
  /** The caller's ARN plus alternates (role ARN of an assumed-role session). */
  readonly direct: readonly string[];
  /** `arn:<partition>:iam::<account>:root` of the caller's account, when it has one. */
  readonly accountRoot?: string;
}

export function callerIdentity(p: RequestPrincipal): CallerIdentity {
  const direct = [p.arn, ...(p.alternateArns ?? [])];
  if (!ACCOUNT_ID.test(p.accountId)) return { direct };
  const partition = p.arn.startsWith('arn:') ? (p.arn.split(':')[1] ?? 'aws') : 'aws';
  return { direct, accountRoot: rootArnFor(partition, p.accountId) };
}

function listsAny(set: PrincipalSet, ids: readonly string[]): boolean {
  return ids.some((id) => set.aws.includes(id) || set.service.includes(id) || set.federated.includes(id));
}

/**
 * `direct`: the statement names the caller itself (or `*`). `account`: it names the caller's
 * account root — in a resource policy that stands for every principal of the account, which for
 * an Allow means "delegated to the account's IAM policies" and for a Deny means "denied to
 * everyone in the account".
 */
export function matchPrincipal(set: PrincipalSet, caller: CallerIdentity): { direct: boolean; account: boolean } {
  return {
    direct: set.any || listsAny(set, caller.direct),
    account: caller.accountRoot !== undefined && set.aws.includes(caller.accountRoot),
  };
}

/**
 * Whether a `NotPrincipal` Deny applies to the caller. AWS checks the account, then the role,
 * then the session, and exempts the caller only if every level is listed ("you must also specify
 * the account ARN of the not-denied principal. Otherwise, the policy might deny access to the
 * entire account": IAM User Guide, "NotPrincipal"). So: exempt iff the account root is listed
 * (when the caller has an account) and the caller's own ARN or an alternate ARN is listed.
 */
export function notPrincipalApplies(set: PrincipalSet, caller: CallerIdentity): boolean {
  if (set.any) return false;
  const accountListed = caller.accountRoot === undefined || set.aws.includes(caller.accountRoot);
  return !(accountListed && listsAny(set, caller.direct));
}
