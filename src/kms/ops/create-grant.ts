/**
 * CreateGrant (AWS KMS API Reference: CreateGrant; reference §5.11). Cross-account with a key
 * ARN. Condition keys: kms:GrantOperations, kms:GranteePrincipal, kms:RetiringPrincipal,
 * kms:GrantConstraintType, kms:GrantIsForAWSResource (always false here: no AWS service calls on
 * a caller's behalf) and kms:EncryptionContext:* from the constraints. A caller whose
 * CreateGrant permission comes from a grant may only pass on operations of that grant, with
 * constraints at least as strict. With Name, an identical request returns the same grant id
 * (and a new token).
 */
import type { OpContext } from '../context.js';
import type { CreateGrantRequest, CreateGrantResponse } from '../model/api-shapes.js';
import type { GrantRecord } from '../model/grant.js';
import { resolveKey } from '../resolve-key.js';
import { accessDenied, evaluateKeyAccess } from '../authz/key-access.js';
import { newGrantId, newGrantToken } from '../authz/grant-tokens.js';
import { stateError } from '../key-state.js';
import {
  checkGrantPrincipal,
  checkGrantRequest,
  constraintContext,
  constraintsFromInput,
  constraintType,
  grantFingerprint,
  MAX_GRANTS_PER_KEY,
} from '../grants.js';
import { constraintsAtLeastAsStrict } from '../../policy/index.js';
import { DryRunOperationException, LimitExceededException } from '../errors.js';

export async function createGrant(ctx: OpContext, input: CreateGrantRequest): Promise<CreateGrantResponse> {
  const { key } = await resolveKey(ctx, input.KeyId, 'key-only');
  const operations = [...new Set<string>(input.Operations)];
  const constraints = constraintsFromInput(input.Constraints);
  const conditions: Record<string, string | boolean | readonly string[]> = {
    'kms:GrantOperations': operations,
    'kms:GranteePrincipal': input.GranteePrincipal,
    'kms:GrantIsForAWSResource': false,
  };
  if (input.RetiringPrincipal !== undefined) conditions['kms:RetiringPrincipal'] = input.RetiringPrincipal;
  if (constraints) conditions['kms:GrantConstraintType'] = constraintType(constraints);
  const access = await evaluateKeyAccess(ctx, 'CreateGrant', key, {
    grantTokens: input.GrantTokens,
    encryptionContext: constraintContext(constraints),
    conditions,
  });
  const { decision, policyDecision } = access;
  if (decision.effect === 'deny') throw accessDenied(ctx, 'CreateGrant', key.arn, decision);
  if (decision.via === 'grant' && policyDecision.effect === 'deny') {
    const parentAllows = access.grants.some(
      (g) => operations.every((o) => g.operations.includes(o)) && constraintsAtLeastAsStrict(g.constraints, constraints),
    );
    if (!parentAllows) throw accessDenied(ctx, 'CreateGrant', key.arn, policyDecision);
  }
  if (key.keyState !== 'Enabled' && key.keyState !== 'Unavailable' && key.keyState !== 'Updating') throw stateError(key);
  checkGrantRequest(key, operations, constraints);
  await checkGrantPrincipal(ctx, input.GranteePrincipal, 'GranteePrincipal');
  if (input.RetiringPrincipal !== undefined) await checkGrantPrincipal(ctx, input.RetiringPrincipal, 'RetiringPrincipal');
  if (input.DryRun) throw new DryRunOperationException();

  const grant: GrantRecord = {
    grantId: newGrantId(),
    keyId: key.keyId,
    issuingAccount: ctx.caller.accountId,
    granteePrincipal: input.GranteePrincipal,
    operations,
    fingerprint: grantFingerprint(input.GranteePrincipal, input.RetiringPrincipal, operations, constraints),
    creationDate: ctx.deps.clock.now(),
  };
  if (input.Name !== undefined) grant.name = input.Name;
  if (input.RetiringPrincipal !== undefined) grant.retiringPrincipal = input.RetiringPrincipal;
  if (constraints) grant.constraints = constraints;
  const result = await ctx.deps.store.grants.create(grant, MAX_GRANTS_PER_KEY);
  if (result.outcome === 'limit') {
    throw new LimitExceededException(`The key ${key.arn} already has the maximum of ${MAX_GRANTS_PER_KEY} grants.`);
  }
  return { GrantToken: newGrantToken(result.grant.grantId), GrantId: result.grant.grantId };
}
