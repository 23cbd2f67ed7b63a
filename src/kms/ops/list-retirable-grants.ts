/**
 * ListRetirableGrants (AWS KMS API Reference: ListRetirableGrants): grants on any key, in any
 * account, whose retiring principal is the given one. Authorized by identity policy
 * (kms:ListRetirableGrants); "You must specify a principal in your AWS account."
 */
import type { OpContext } from '../context.js';
import type { ListRetirableGrantsRequest, ListRetirableGrantsResponse } from '../model/api-shapes.js';
import type { GrantListEntry } from '../model/api-shapes.js';
import { authorizeAccountAction } from '../authz/account-access.js';
import { grantListEntry } from '../grants.js';
import { pageRequest, pageWire } from '../pagination.js';
import { accessDeniedMessage } from '../../policy/index.js';
import { AccessDeniedException, InvalidArnException } from '../errors.js';

const PRINCIPAL_ACCOUNT = /^arn:[^:]+:(?:iam|sts)::(\d{12}):./;

export async function listRetirableGrants(ctx: OpContext, input: ListRetirableGrantsRequest): Promise<ListRetirableGrantsResponse> {
  const page = pageRequest(input.Limit, input.Marker, { default: 50, max: 100 });
  await authorizeAccountAction(ctx, 'ListRetirableGrants');
  const account = PRINCIPAL_ACCOUNT.exec(input.RetiringPrincipal)?.[1];
  if (account === undefined) throw new InvalidArnException(`RetiringPrincipal ${input.RetiringPrincipal} is not a valid principal.`);
  if (account !== ctx.caller.accountId) {
    throw new AccessDeniedException(
      accessDeniedMessage(ctx.caller.principalArn, 'ListRetirableGrants', input.RetiringPrincipal, { effect: 'deny', reason: 'no-identity-policy-allows' }),
    );
  }
  const result = await ctx.deps.store.grants.listRetirable(input.RetiringPrincipal, page);
  const entries: GrantListEntry[] = [];
  for (const g of result.items) {
    const key = await ctx.deps.store.keys.get(g.keyId);
    if (key) entries.push(grantListEntry(ctx, g, key.arn));
  }
  return { Grants: entries, ...pageWire(result) };
}
