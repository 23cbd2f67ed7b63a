/**
 * Operations authorized by identity policies alone (reference §5.10 "Actions"): CreateKey,
 * ListKeys, ListAliases, GenerateRandom, ListRetirableGrants (resource `*`), and the alias half
 * of CreateAlias / UpdateAlias / DeleteAlias (resource: the alias ARN). An account root holds
 * these implicitly in its own account; any other caller needs an identity policy that allows and
 * none that denies. AWS's text: "User: <arn> is not authorized to perform: kms:CreateKey on
 * resource: * because no identity-based policy allows the kms:CreateKey action".
 */
import type { OpContext } from '../context.js';
import type { AuthorizeExtra } from '../authorize.js';
import { accessDeniedMessage, evaluatePolicy, type DenyDecision } from '../../policy/index.js';
import { AccessDeniedException } from '../errors.js';
import { callerPolicies, policyCacheOf } from './caller.js';
import { buildRequestContext } from './request-context.js';

export async function identityDecision(ctx: OpContext, action: string, resource: string, extra: AuthorizeExtra = {}): Promise<DenyDecision | undefined> {
  const who = await callerPolicies(ctx);
  if (who.callerIsRoot) return undefined;
  const req = await buildRequestContext(ctx, who, policyCacheOf(ctx), { action, resource, extra, policies: who.identityPolicies });
  const results = who.identityPolicies.map((p) => evaluatePolicy(p, req));
  if (results.includes('deny')) return { effect: 'deny', reason: 'explicit-deny-identity-policy' };
  if (results.includes('allow')) return undefined;
  return { effect: 'deny', reason: 'no-identity-policy-allows' };
}

export async function authorizeAccountAction(ctx: OpContext, action: string, extra: AuthorizeExtra = {}, resource = '*'): Promise<void> {
  const denied = await identityDecision(ctx, action, resource, extra);
  if (denied) throw new AccessDeniedException(accessDeniedMessage(ctx.caller.principalArn, action, resource, denied));
}
