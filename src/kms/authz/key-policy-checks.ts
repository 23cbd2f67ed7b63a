/**
 * The checks a new key policy must pass (CreateKey with Policy, PutKeyPolicy; reference §5.10,
 * §4.3): the 32 KB quota and the grammar (key-policy.ts), principals that exist ("Principals
 * must exist at policy-set time"), and — unless BypassPolicyLockoutSafetyCheck — the lockout
 * safety check: the calling principal must still be allowed kms:PutKeyPolicy under the new
 * policy, with its identity policies and this request's condition keys.
 */
import type { OpContext } from '../context.js';
import type { KeyRecord } from '../model/key.js';
import { INVALID_PRINCIPALS, LOCKOUT_MESSAGE, wouldLockOut, type Policy } from '../../policy/index.js';
import { checkPolicyDocument } from '../key-policy.js';
import { MalformedPolicyDocumentException } from '../errors.js';
import { callerPolicies, policyCacheOf } from './caller.js';
import { buildRequestContext } from './request-context.js';

const PRINCIPAL = /^arn:([^:]+):(iam|sts)::(\d{12}):(.+)$/;

/** Whether a principal ARN names an account, user, role or session that exists here. */
async function principalExists(ctx: OpContext, arn: string, seen: Map<string, Promise<boolean>>): Promise<boolean> {
  let p = seen.get(arn);
  if (p) return p;
  p = (async () => {
    const m = PRINCIPAL.exec(arn);
    if (!m || m[1] !== ctx.deps.settings.partition) return false;
    const [, partition, service, account, resource] = m as unknown as [string, string, string, string, string];
    const ids = ctx.deps.store.identities;
    if (service === 'iam' && resource === 'root') return (await ids.getAccount(account)) !== undefined;
    if (service === 'iam') return (await ids.getPrincipal(arn)) !== undefined;
    const session = /^assumed-role\/([^/]+)\/[^/]+$/.exec(resource);
    if (session) return (await ids.getPrincipal(`arn:${partition}:iam::${account}:role/${session[1]}`))?.type === 'role';
    // federated-user/<name>: the account must exist.
    return (await ids.getAccount(account)) !== undefined;
  })();
  seen.set(arn, p);
  return p;
}

async function checkPrincipals(ctx: OpContext, policy: Policy): Promise<void> {
  const seen = new Map<string, Promise<boolean>>();
  const arns = policy.statements.flatMap((s) => [...(s.principal?.aws ?? []), ...(s.notPrincipal?.aws ?? [])]);
  const results = await Promise.all(arns.map((a) => principalExists(ctx, a, seen)));
  if (results.includes(false)) throw new MalformedPolicyDocumentException(INVALID_PRINCIPALS);
}

/**
 * Validates `text` as the new policy of `key` (for CreateKey: the key about to be created).
 * @returns the parsed policy.
 */
export async function checkNewKeyPolicy(ctx: OpContext, text: string, key: KeyRecord, bypassLockoutCheck: boolean): Promise<Policy> {
  const policy = checkPolicyDocument(text, ctx.deps.settings.partition);
  await checkPrincipals(ctx, policy);
  if (bypassLockoutCheck) return policy;
  const who = await callerPolicies(ctx);
  const req = await buildRequestContext(ctx, who, policyCacheOf(ctx), {
    action: 'PutKeyPolicy',
    resource: key.arn,
    key,
    extra: { conditions: { 'kms:BypassPolicyLockoutSafetyCheck': false } },
    policies: [policy, ...who.identityPolicies],
  });
  const lockedOut = wouldLockOut(policy, { req, keyAccountId: key.accountId, identityPolicies: who.identityPolicies, callerIsRoot: who.callerIsRoot });
  if (lockedOut) throw new MalformedPolicyDocumentException(LOCKOUT_MESSAGE);
  return policy;
}
