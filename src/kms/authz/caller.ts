/**
 * Who the caller is for policy evaluation, and its identity policies. An assumed-role session
 * is matched as itself and as its role (a key policy naming the role applies to its sessions),
 * and the role's identity policies are the session's. The account root has no identity
 * policies: it holds every permission of its own account implicitly.
 */
import type { OpContext } from '../context.js';
import type { RequestPrincipal } from '../../policy/index.js';
import { parsePolicy, PolicySyntaxError, type Policy } from '../../policy/index.js';
import { roleArnOfSession } from '../identity/sessions.js';
import { PolicyCache } from './policy-cache.js';

export interface CallerPolicies {
  principal: RequestPrincipal;
  callerIsRoot: boolean;
  /** The role ARN for an assumed-role session (aws:PrincipalArn), else the caller's ARN. */
  principalArnKey: string;
  identityPolicies: readonly Policy[];
}

/** The caches of this deployment, or a throwaway one (correct, only slower). */
export function policyCacheOf(ctx: OpContext): PolicyCache {
  return ctx.deps.policyCache ?? new PolicyCache(16);
}

/**
 * A stored identity policy that no longer parses (it was validated when attached) is read as
 * "deny everything": failing closed must not be able to drop one of its Deny statements.
 */
function denyAll(partition: string): Policy {
  return parsePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}', 'identity', { partition });
}

async function load(ctx: OpContext, cache: PolicyCache): Promise<CallerPolicies> {
  const { caller, deps } = ctx;
  const partition = deps.settings.partition;
  const roleArn = caller.principalType === 'assumed-role' ? roleArnOfSession(caller.principalArn) : undefined;
  const principal: RequestPrincipal = roleArn
    ? { arn: caller.principalArn, accountId: caller.accountId, alternateArns: [roleArn] }
    : { arn: caller.principalArn, accountId: caller.accountId };
  const callerIsRoot = caller.principalType === 'root';
  const owner = roleArn ?? caller.principalArn;
  const records = callerIsRoot ? [] : await deps.store.iam.listIdentityPolicies(owner);
  const identityPolicies = records.map((r) => {
    try {
      return cache.parse(r.document, 'identity', partition);
    } catch (e) {
      if (e instanceof PolicySyntaxError) return denyAll(partition);
      throw e;
    }
  });
  return { principal, callerIsRoot, principalArnKey: owner, identityPolicies };
}

export function callerPolicies(ctx: OpContext): Promise<CallerPolicies> {
  const cache = policyCacheOf(ctx);
  return cache.memo(ctx.caller, 'caller-policies', () => load(ctx, cache));
}
