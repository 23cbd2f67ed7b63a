/**
 * Authorization hook called by every operation that touches a key. Until key policies, identity
 * policies and grants exist (their own issue), the rule is AWS's default key policy: the owning
 * account has `kms:*`, every other account is denied.
 */
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import { AccessDeniedException } from './errors.js';

export async function authorize(ctx: OpContext, action: string, key: KeyRecord): Promise<void> {
  if (key.accountId === ctx.caller.accountId) return;
  throw new AccessDeniedException(
    `User: ${ctx.caller.principalArn} is not authorized to perform: kms:${action} on resource: ${key.arn} because no resource-based policy allows the kms:${action} action`,
  );
}
