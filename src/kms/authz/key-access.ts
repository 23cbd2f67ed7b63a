/**
 * Authorization of one operation on one key (reference §5.10 "Evaluation", §5.11): the key
 * policy, the caller's identity policies and the grants on the key, through policy/'s pure
 * authorizeKmsRequest. Grants are read only when the policies alone do not allow (and never
 * against an explicit Deny, which grants cannot override), so the common case costs at most one
 * store read: the caller's identity policies (none for an account root).
 */
import type { OpContext } from '../context.js';
import type { KeyRecord } from '../model/key.js';
import type { GrantRecord } from '../model/grant.js';
import type { AuthorizeExtra } from '../authorize.js';
import {
  accessDeniedMessage,
  authorizeKmsRequest,
  grantAllows,
  PolicySyntaxError,
  type Decision,
  type DenyDecision,
  type Policy,
} from '../../policy/index.js';
import { AccessDeniedException, NotFoundException } from '../errors.js';
import { callerPolicies, policyCacheOf, type CallerPolicies } from './caller.js';
import { buildRequestContext } from './request-context.js';
import { assertGrantTokens } from './grant-tokens.js';

/**
 * Operations AWS allows on a key of another account ("Cross-account use: Yes" in the API
 * reference). Any other operation names keys only in the caller's own account: a foreign key
 * ARN is answered as a key that does not exist there.
 */
export const CROSS_ACCOUNT_ACTIONS: ReadonlySet<string> = new Set([
  'Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateMac', 'VerifyMac', 'Sign', 'Verify',
  'GetPublicKey', 'DeriveSharedSecret', 'Encapsulate', 'Decapsulate', 'DescribeKey', 'CreateGrant', 'ListGrants',
  'RetireGrant', 'RevokeGrant', 'GetKeyRotationStatus',
]);

export interface KeyAccess {
  decision: Decision;
  /** The decision of the policies alone (before grants): the reason for messages about grants. */
  policyDecision: Decision;
  /** When allowed via grants: the grants of the caller that allow this operation. */
  grants: GrantRecord[];
  who: CallerPolicies;
}

const EMPTY_KEY_POLICY: Policy = { kind: 'key', version: '2012-10-17', statements: [] };

/**
 * A stored key policy that does not parse (only possible for rows written before policies were
 * validated) allows nothing: grants still apply, and nothing else does.
 */
function keyPolicyOf(ctx: OpContext, key: KeyRecord): Policy {
  try {
    return policyCacheOf(ctx).parse(key.policy, 'key', ctx.deps.settings.partition);
  } catch (e) {
    if (e instanceof PolicySyntaxError) return EMPTY_KEY_POLICY;
    throw e;
  }
}

function grantees(who: CallerPolicies): string[] {
  return [who.principal.arn, ...(who.principal.alternateArns ?? [])];
}

export interface EvaluateOptions {
  /** false: policies only (RetireGrant's policy route must not count the caller's own grants). */
  useGrants?: boolean;
}

export async function evaluateKeyAccess(ctx: OpContext, action: string, key: KeyRecord, extra: AuthorizeExtra = {}, opts: EvaluateOptions = {}): Promise<KeyAccess> {
  if (key.accountId !== ctx.caller.accountId && !CROSS_ACCOUNT_ACTIONS.has(action)) {
    throw new NotFoundException(`Key '${key.arn}' does not exist`);
  }
  assertGrantTokens(extra.grantTokens);
  const cache = policyCacheOf(ctx);
  const who = await callerPolicies(ctx);
  const policy = keyPolicyOf(ctx, key);
  const req = await buildRequestContext(ctx, who, cache, {
    action,
    resource: key.arn,
    key,
    extra,
    policies: [policy, ...who.identityPolicies],
  });
  const base = { req, keyAccountId: key.accountId, keyPolicy: policy, identityPolicies: who.identityPolicies, callerIsRoot: who.callerIsRoot };
  const decision = authorizeKmsRequest({ ...base, grantAllows: false });
  const policyOnly: KeyAccess = { decision, policyDecision: decision, grants: [], who };
  if (decision.effect === 'allow' || decision.reason.startsWith('explicit-deny') || opts.useGrants === false) return policyOnly;

  const candidates = await ctx.deps.store.grants.listForGrantees(key.keyId, grantees(who));
  const request = { operation: action, granteeArn: who.principal.arn, alternateArns: who.principal.alternateArns ?? [], encryptionContext: extra.encryptionContext };
  const allowing = candidates.filter((g) => grantAllows([g], request));
  if (allowing.length === 0) return policyOnly;
  return { decision: authorizeKmsRequest({ ...base, grantAllows: true }), policyDecision: decision, grants: allowing, who };
}

export function accessDenied(ctx: OpContext, action: string, resource: string, decision: DenyDecision): AccessDeniedException {
  return new AccessDeniedException(accessDeniedMessage(ctx.caller.principalArn, action, resource, decision));
}

/** Throws AccessDeniedException in AWS's wording unless allowed; returns how it was allowed. */
export async function requireKeyAccess(ctx: OpContext, action: string, key: KeyRecord, extra: AuthorizeExtra = {}): Promise<KeyAccess> {
  const access = await evaluateKeyAccess(ctx, action, key, extra);
  if (access.decision.effect === 'deny') throw accessDenied(ctx, action, key.arn, access.decision);
  return access;
}
