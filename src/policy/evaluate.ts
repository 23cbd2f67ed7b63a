/**
 * Evaluation of one policy against one request (reference §5.10 "Evaluation"; IAM User Guide,
 * "Policy evaluation logic"): an explicit Deny in any matching statement wins, else any matching
 * Allow, else nothing.
 *
 * Principal matching in key policies: a statement applies *directly* when its Principal is `*`
 * or names the caller's ARN (or an alternate ARN such as the role of an assumed-role session).
 * A statement naming the caller's *account root* is different: for an Allow it means "the
 * account delegates to its IAM policies" and does not by itself allow a user of the account
 * (authorize.ts combines it with identity policies); for a Deny it covers every principal of the
 * account. The account root caller itself matches its root ARN directly.
 */
import { conditionsHold, type KeyValues, singleValue } from './condition.js';
import type { Scalar } from './operators.js';
import { type CallerIdentity, callerIdentity, matchPrincipal, notPrincipalApplies } from './principal.js';
import type { Policy, RequestContext, ResourcePattern, Statement } from './types.js';
import { substitute } from './variables.js';
import { globMatch, patternFrom } from './wildcard.js';

export interface PreparedRequest {
  readonly req: RequestContext;
  readonly keys: KeyValues;
  readonly caller: CallerIdentity;
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Lower-cases condition key names and adds the keys we can derive when the caller did not
 * supply them: aws:CurrentTime, aws:EpochTime (from `now`), kms:CallerAccount and
 * aws:PrincipalAccount (from the principal's account). Two supplied names that differ only in
 * case (e.g. encryption-context keys `Dept` and `dept`) are merged into one multi-valued key.
 */
export function prepareRequest(req: RequestContext): PreparedRequest {
  const keys = new Map<string, Scalar[]>();
  for (const [name, value] of req.conditionKeys) {
    const k = name.toLowerCase();
    const list: Scalar[] = Array.isArray(value) ? [...(value as readonly string[])] : [value as Scalar];
    const existing = keys.get(k);
    if (existing) existing.push(...list);
    else keys.set(k, list);
  }
  const derive = (k: string, v: Scalar): void => {
    if (!keys.has(k)) keys.set(k, [v]);
  };
  derive('aws:currenttime', new Date(req.now).toISOString());
  derive('aws:epochtime', Math.floor(req.now / 1000));
  if (ACCOUNT_ID.test(req.principal.accountId)) {
    derive('kms:calleraccount', req.principal.accountId);
    derive('aws:principalaccount', req.principal.accountId);
  }
  return { req, keys, caller: callerIdentity(req.principal) };
}

function resourceMatches(patterns: readonly ResourcePattern[], p: PreparedRequest): boolean {
  return patterns.some((r) => {
    if (r.raw === '*') return true;
    if (r.compiled) return globMatch(r.compiled, p.req.resource);
    const parts = substitute(r.raw, (k) => singleValue(p.keys, k));
    return parts !== undefined && globMatch(patternFrom(parts, false), p.req.resource);
  });
}

function targets(s: Statement, p: PreparedRequest): boolean {
  const action = s.action
    ? s.action.some((a) => globMatch(a, p.req.action))
    : s.notAction !== undefined && !s.notAction.some((a) => globMatch(a, p.req.action));
  if (!action) return false;
  return s.resource
    ? resourceMatches(s.resource, p)
    : s.notResource !== undefined && !resourceMatches(s.notResource, p);
}

export interface Tally {
  /** A matching Deny statement. */
  readonly deny: boolean;
  /** A matching Allow whose principal is the caller itself (or `*`, or any statement of an identity policy). */
  readonly allowDirect: boolean;
  /** A matching Allow whose principal is the caller's account root (delegation to IAM). */
  readonly allowAccount: boolean;
}

export function tallyPolicy(policy: Policy, p: PreparedRequest): Tally {
  let allowDirect = false;
  let allowAccount = false;
  for (const s of policy.statements) {
    let direct = policy.kind === 'identity';
    let account = false;
    if (s.principal) ({ direct, account } = matchPrincipal(s.principal, p.caller));
    else if (s.notPrincipal) direct = notPrincipalApplies(s.notPrincipal, p.caller);
    if (!direct && !account) continue;
    if (s.effect === 'Allow' && (!direct || allowDirect) && (!account || allowAccount)) continue; // nothing new
    if (!targets(s, p) || !conditionsHold(s.conditions, p.keys)) continue;
    if (s.effect === 'Deny') return { deny: true, allowDirect: false, allowAccount: false };
    if (direct) allowDirect = true;
    if (account) allowAccount = true;
  }
  return { deny: false, allowDirect, allowAccount };
}

/**
 * 'deny' = an explicit Deny applies; 'allow' = an Allow names the caller (or `*`) and applies;
 * 'none' = neither. An Allow to the caller's account root alone yields 'none' for a non-root
 * caller — see `authorizeKmsRequest` for delegation.
 */
export function evaluatePolicy(policy: Policy, req: RequestContext): 'allow' | 'deny' | 'none' {
  const t = tallyPolicy(policy, prepareRequest(req));
  return t.deny ? 'deny' : t.allowDirect ? 'allow' : 'none';
}
