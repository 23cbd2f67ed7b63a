/**
 * KMS authorization for one request on one key (reference §5.10 "Evaluation", §5.9 default key
 * policy, §5.11 grants), as one pure function:
 *
 * 1. An explicit Deny in the key policy, or in one of the caller's identity policies, denies —
 *    even when a grant would allow (grants only ever allow).
 * 2. Same account: allowed if the key policy allows the caller directly; or the key policy
 *    allows the account (a statement naming `arn:…:iam::<account>:root`) and an identity policy
 *    allows; or a grant allows. The account root has implicit identity permissions in its own
 *    account, and matches the root statement directly.
 * 3. Cross account: the key policy must allow the caller or the caller's account, and the
 *    caller's own identity policies must allow too (a root caller counts as allowed); or a grant
 *    allows.
 */
import { prepareRequest, tallyPolicy, type Tally } from './evaluate.js';
import type { Policy, RequestContext } from './types.js';

export interface AuthorizationInput {
  readonly req: RequestContext;
  readonly keyAccountId: string;
  readonly keyPolicy: Policy;
  /** Identity policies attached to the caller (user/role). Empty for the account root. */
  readonly identityPolicies: readonly Policy[];
  /** True when a grant (checked by the caller, see grants.ts) allows this operation for this caller. */
  readonly grantAllows: boolean;
  /** The caller is the root principal of its own account. */
  readonly callerIsRoot: boolean;
}

export type DenyReason =
  | 'explicit-deny-key-policy'
  | 'explicit-deny-identity-policy'
  | 'no-key-policy-allows'
  | 'no-identity-policy-allows';

export type Decision =
  | { readonly effect: 'allow'; readonly via: 'key-policy' | 'identity-policy' | 'grant' }
  | { readonly effect: 'deny'; readonly reason: DenyReason };

export type DenyDecision = Extract<Decision, { effect: 'deny' }>;

export function authorizeKmsRequest(input: AuthorizationInput): Decision {
  const prepared = prepareRequest(input.req);
  const key = tallyPolicy(input.keyPolicy, prepared);
  if (key.deny) return { effect: 'deny', reason: 'explicit-deny-key-policy' };
  const identity = input.identityPolicies.map((p) => tallyPolicy(p, prepared));
  if (identity.some((t: Tally) => t.deny)) return { effect: 'deny', reason: 'explicit-deny-identity-policy' };
  const identityAllows = input.callerIsRoot || identity.some((t) => t.allowDirect);
  const sameAccount = input.req.principal.accountId === input.keyAccountId;

  if (sameAccount) {
    if (key.allowDirect) return { effect: 'allow', via: 'key-policy' };
    if (key.allowAccount && identityAllows) return { effect: 'allow', via: 'identity-policy' };
  } else if ((key.allowDirect || key.allowAccount) && identityAllows) {
    return { effect: 'allow', via: key.allowDirect ? 'key-policy' : 'identity-policy' };
  }
  if (input.grantAllows) return { effect: 'allow', via: 'grant' };
  // The key policy let the caller's account in, so what is missing is the identity-policy half.
  const keyLetsIn = key.allowAccount || (!sameAccount && key.allowDirect);
  return { effect: 'deny', reason: keyLetsIn ? 'no-identity-policy-allows' : 'no-key-policy-allows' };
}

/**
 * AWS's AccessDeniedException text (reference §1.4, §4.3). `action` may be given with or
 * without the `kms:` prefix.
 */
export function accessDeniedMessage(principalArn: string, action: string, resourceArn: string, decision: DenyDecision): string {
  const a = action.includes(':') ? action : `kms:${action}`;
  const head = `User: ${principalArn} is not authorized to perform: ${a} on resource: ${resourceArn}`;
  switch (decision.reason) {
    case 'no-identity-policy-allows':
      return `${head} because no identity-based policy allows the ${a} action`;
    case 'no-key-policy-allows':
      return `${head} because no resource-based policy allows the ${a} action`;
    case 'explicit-deny-key-policy':
      return `${head} with an explicit deny in a resource-based policy`;
    case 'explicit-deny-identity-policy':
      return `${head} with an explicit deny in an identity-based policy`;
  }
}

export type LockoutInput = Omit<AuthorizationInput, 'keyPolicy' | 'grantAllows'>;

/**
 * The lockout safety check of CreateKey (with Policy), PutKeyPolicy and ReplicateKey
 * (reference §5.10): true when, under `newPolicy`, the calling principal — with its identity
 * policies and the current request's condition keys — could not call kms:PutKeyPolicy on the
 * key. Grants never allow PutKeyPolicy, so they are not considered. The caller then rejects with
 * MalformedPolicyDocumentException(LOCKOUT_MESSAGE) unless BypassPolicyLockoutSafetyCheck is set.
 */
export function wouldLockOut(newPolicy: Policy, input: LockoutInput): boolean {
  const req: RequestContext = { ...input.req, action: 'kms:PutKeyPolicy' };
  return authorizeKmsRequest({ ...input, req, keyPolicy: newPolicy, grantAllows: false }).effect !== 'allow';
}
