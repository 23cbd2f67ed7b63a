import { describe, expect, it } from 'vitest';
import { type AuthorizationInput, accessDeniedMessage, authorizeKmsRequest, wouldLockOut } from './authorize.js';
import { parsePolicy } from './parse.js';
import type { Policy, RequestPrincipal } from './types.js';

const A = '111122223333';
const B = '444455556666';
const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ALICE: RequestPrincipal = { arn: `arn:aws:iam::${A}:user/alice`, accountId: A };
const ROOT_A: RequestPrincipal = { arn: `arn:aws:iam::${A}:root`, accountId: A };
const BOB_B: RequestPrincipal = { arn: `arn:aws:iam::${B}:user/bob`, accountId: B };
const ROOT_B: RequestPrincipal = { arn: `arn:aws:iam::${B}:root`, accountId: B };

/** The default key policy of reference §5.9, as CreateKey stores it. */
const DEFAULT_POLICY = `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${A}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;

const keyPolicy = (...statements: object[]): Policy =>
  parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'key');
const identityPolicy = (...statements: object[]): Policy =>
  parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'identity');

const ALLOW_KMS_ALL = identityPolicy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' });
const ALLOW_ENCRYPT = identityPolicy({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: KEY });
const DENY_ENCRYPT = identityPolicy({ Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' });

function input(over: Partial<AuthorizationInput> & { principal?: RequestPrincipal; action?: string }): AuthorizationInput {
  const { principal = ALICE, action = 'kms:Encrypt', ...rest } = over;
  return {
    req: { action, resource: KEY, principal, now: 0, conditionKeys: new Map() },
    keyAccountId: A,
    keyPolicy: parsePolicy(DEFAULT_POLICY, 'key'),
    identityPolicies: [],
    grantAllows: false,
    callerIsRoot: principal.arn.endsWith(':root'),
    ...rest,
  };
}

describe('the default key policy delegates to the account (reference §5.9)', () => {
  it('allows a same-account user only with an identity policy', () => {
    expect(authorizeKmsRequest(input({ identityPolicies: [ALLOW_ENCRYPT] }))).toEqual({ effect: 'allow', via: 'identity-policy' });
    expect(authorizeKmsRequest(input({}))).toEqual({ effect: 'deny', reason: 'no-identity-policy-allows' });
    expect(authorizeKmsRequest(input({ identityPolicies: [ALLOW_ENCRYPT], action: 'kms:Decrypt' }))).toEqual({
      effect: 'deny',
      reason: 'no-identity-policy-allows',
    });
  });

  it('allows the account root without identity policies', () => {
    expect(authorizeKmsRequest(input({ principal: ROOT_A }))).toEqual({ effect: 'allow', via: 'key-policy' });
  });

  it('does not let another account in', () => {
    expect(authorizeKmsRequest(input({ principal: BOB_B, identityPolicies: [ALLOW_KMS_ALL] }))).toEqual({
      effect: 'deny',
      reason: 'no-key-policy-allows',
    });
    expect(authorizeKmsRequest(input({ principal: ROOT_B }))).toEqual({ effect: 'deny', reason: 'no-key-policy-allows' });
  });

  it('honours an identity-policy Deny over an identity-policy Allow', () => {
    expect(authorizeKmsRequest(input({ identityPolicies: [ALLOW_KMS_ALL, DENY_ENCRYPT] }))).toEqual({
      effect: 'deny',
      reason: 'explicit-deny-identity-policy',
    });
  });
});

describe('key policies without delegation', () => {
  const direct = keyPolicy({ Effect: 'Allow', Principal: { AWS: ALICE.arn }, Action: 'kms:Encrypt', Resource: '*' });

  it('allows a principal named in the key policy without any identity policy', () => {
    expect(authorizeKmsRequest(input({ keyPolicy: direct }))).toEqual({ effect: 'allow', via: 'key-policy' });
  });

  it('makes identity policies ineffective for everyone else, including the root', () => {
    const bob = { arn: `arn:aws:iam::${A}:user/bob`, accountId: A };
    expect(authorizeKmsRequest(input({ keyPolicy: direct, principal: bob, identityPolicies: [ALLOW_KMS_ALL] }))).toEqual({
      effect: 'deny',
      reason: 'no-key-policy-allows',
    });
    expect(authorizeKmsRequest(input({ keyPolicy: direct, principal: ROOT_A }))).toEqual({ effect: 'deny', reason: 'no-key-policy-allows' });
  });

  it('lets an identity policy Deny override a direct key-policy Allow', () => {
    expect(authorizeKmsRequest(input({ keyPolicy: direct, identityPolicies: [DENY_ENCRYPT] }))).toEqual({
      effect: 'deny',
      reason: 'explicit-deny-identity-policy',
    });
  });

  it('reports a key-policy Deny even when the root is the caller', () => {
    const p = keyPolicy(
      { Effect: 'Allow', Principal: { AWS: A }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*' },
    );
    expect(authorizeKmsRequest(input({ keyPolicy: p, principal: ROOT_A, action: 'kms:ScheduleKeyDeletion' }))).toEqual({
      effect: 'deny',
      reason: 'explicit-deny-key-policy',
    });
  });
});

describe('cross-account access needs both the key policy and the caller’s identity policy (reference §5.10 step 4)', () => {
  const toAccountB = keyPolicy(
    { Effect: 'Allow', Principal: { AWS: A }, Action: 'kms:*', Resource: '*' },
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' },
  );
  const toBob = keyPolicy({ Effect: 'Allow', Principal: { AWS: BOB_B.arn }, Action: 'kms:Encrypt', Resource: '*' });

  it('allows a user of the other account when both allow', () => {
    expect(authorizeKmsRequest(input({ keyPolicy: toAccountB, principal: BOB_B, identityPolicies: [ALLOW_ENCRYPT] }))).toEqual({
      effect: 'allow',
      via: 'identity-policy',
    });
    expect(authorizeKmsRequest(input({ keyPolicy: toBob, principal: BOB_B, identityPolicies: [ALLOW_ENCRYPT] }))).toEqual({
      effect: 'allow',
      via: 'key-policy',
    });
  });

  it('denies when the caller’s own identity policy does not allow, even if the key policy names the caller', () => {
    expect(authorizeKmsRequest(input({ keyPolicy: toAccountB, principal: BOB_B }))).toEqual({ effect: 'deny', reason: 'no-identity-policy-allows' });
    expect(authorizeKmsRequest(input({ keyPolicy: toBob, principal: BOB_B }))).toEqual({ effect: 'deny', reason: 'no-identity-policy-allows' });
  });

  it('denies when the key policy does not allow the other account', () => {
    expect(
      authorizeKmsRequest(input({ keyPolicy: toAccountB, principal: BOB_B, identityPolicies: [ALLOW_KMS_ALL], action: 'kms:ScheduleKeyDeletion' })),
    ).toEqual({ effect: 'deny', reason: 'no-key-policy-allows' });
  });

  it('treats the other account’s root as having identity permissions', () => {
    expect(authorizeKmsRequest(input({ keyPolicy: toAccountB, principal: ROOT_B }))).toEqual({ effect: 'allow', via: 'key-policy' });
  });

  it('allows "*" with a kms:CallerAccount condition for every principal of that account', () => {
    const p = keyPolicy({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': B } },
    });
    const decrypt = { keyPolicy: p, action: 'kms:Decrypt' };
    expect(authorizeKmsRequest(input({ ...decrypt, principal: BOB_B, identityPolicies: [ALLOW_KMS_ALL] }))).toEqual({
      effect: 'allow',
      via: 'key-policy',
    });
    expect(authorizeKmsRequest(input({ ...decrypt, principal: BOB_B }))).toEqual({ effect: 'deny', reason: 'no-identity-policy-allows' });
    expect(authorizeKmsRequest(input({ ...decrypt, principal: ALICE }))).toEqual({ effect: 'deny', reason: 'no-key-policy-allows' });
  });
});

describe('grants (reference §5.11)', () => {
  it('allow without any policy, in the same account and across accounts', () => {
    const none = keyPolicy({ Effect: 'Allow', Principal: { AWS: ROOT_A.arn }, Action: 'kms:PutKeyPolicy', Resource: '*' });
    expect(authorizeKmsRequest(input({ keyPolicy: none, grantAllows: true }))).toEqual({ effect: 'allow', via: 'grant' });
    expect(authorizeKmsRequest(input({ keyPolicy: none, principal: BOB_B, grantAllows: true }))).toEqual({ effect: 'allow', via: 'grant' });
  });

  it('cannot override an explicit Deny in the key policy or an identity policy', () => {
    const denyAll = keyPolicy({ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' });
    expect(authorizeKmsRequest(input({ keyPolicy: denyAll, grantAllows: true }))).toEqual({ effect: 'deny', reason: 'explicit-deny-key-policy' });
    expect(authorizeKmsRequest(input({ identityPolicies: [DENY_ENCRYPT], grantAllows: true }))).toEqual({
      effect: 'deny',
      reason: 'explicit-deny-identity-policy',
    });
  });

  it('prefers a policy allow over a grant when both apply', () => {
    expect(authorizeKmsRequest(input({ identityPolicies: [ALLOW_KMS_ALL], grantAllows: true }))).toEqual({ effect: 'allow', via: 'identity-policy' });
  });
});

describe('accessDeniedMessage (reference §1.4)', () => {
  const msg = (reason: Parameters<typeof accessDeniedMessage>[3]['reason'], action = 'kms:Encrypt') =>
    accessDeniedMessage(ALICE.arn, action, KEY, { effect: 'deny', reason });

  it.each([
    ['no-identity-policy-allows', `User: ${ALICE.arn} is not authorized to perform: kms:Encrypt on resource: ${KEY} because no identity-based policy allows the kms:Encrypt action`],
    ['no-key-policy-allows', `User: ${ALICE.arn} is not authorized to perform: kms:Encrypt on resource: ${KEY} because no resource-based policy allows the kms:Encrypt action`],
    ['explicit-deny-key-policy', `User: ${ALICE.arn} is not authorized to perform: kms:Encrypt on resource: ${KEY} with an explicit deny in a resource-based policy`],
    ['explicit-deny-identity-policy', `User: ${ALICE.arn} is not authorized to perform: kms:Encrypt on resource: ${KEY} with an explicit deny in an identity-based policy`],
  ] as const)('%s', (reason, expected) => {
    expect(msg(reason)).toBe(expected);
  });

  it('adds the kms: prefix to a bare operation name', () => {
    expect(msg('no-key-policy-allows', 'Decrypt')).toContain('perform: kms:Decrypt on resource');
    expect(msg('no-key-policy-allows', 'Decrypt')).toMatch(/allows the kms:Decrypt action$/);
  });

  it('produces the message for a real decision', () => {
    const d = authorizeKmsRequest(input({}));
    if (d.effect !== 'deny') throw new Error('expected deny');
    expect(accessDeniedMessage(ALICE.arn, 'kms:Encrypt', KEY, d)).toMatch(/because no identity-based policy allows the kms:Encrypt action$/);
  });
});

describe('wouldLockOut (PutKeyPolicy / CreateKey lockout safety check)', () => {
  const base = (principal: RequestPrincipal, identityPolicies: Policy[] = []) => {
    const { keyPolicy: _k, grantAllows: _g, ...rest } = input({ principal, identityPolicies, action: 'kms:CreateKey' });
    return rest;
  };

  it('passes for the default policy when the caller is the root or has identity permission', () => {
    expect(wouldLockOut(parsePolicy(DEFAULT_POLICY, 'key'), base(ROOT_A))).toBe(false);
    expect(wouldLockOut(parsePolicy(DEFAULT_POLICY, 'key'), base(ALICE, [ALLOW_KMS_ALL]))).toBe(false);
  });

  it('fails when the caller’s identity policies do not allow kms:PutKeyPolicy under a delegating policy', () => {
    expect(wouldLockOut(parsePolicy(DEFAULT_POLICY, 'key'), base(ALICE, [ALLOW_ENCRYPT]))).toBe(true);
  });

  it('fails for a policy that does not mention the caller', () => {
    const p = keyPolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:user/bob` }, Action: 'kms:*', Resource: '*' });
    expect(wouldLockOut(p, base(ALICE, [ALLOW_KMS_ALL]))).toBe(true);
    expect(wouldLockOut(p, base(ROOT_A))).toBe(true);
  });

  it('fails when the new policy denies PutKeyPolicy', () => {
    const p = keyPolicy(
      { Effect: 'Allow', Principal: { AWS: A }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: 'kms:Put*', Resource: '*' },
    );
    expect(wouldLockOut(p, base(ROOT_A))).toBe(true);
  });

  it('passes when the caller is named directly with kms:PutKeyPolicy', () => {
    const p = keyPolicy({ Effect: 'Allow', Principal: { AWS: ALICE.arn }, Action: ['kms:PutKeyPolicy', 'kms:Encrypt'], Resource: '*' });
    expect(wouldLockOut(p, base(ALICE))).toBe(false);
  });

  it('evaluates the new policy’s conditions against the current request', () => {
    const p = keyPolicy({
      Effect: 'Allow',
      Principal: { AWS: ALICE.arn },
      Action: 'kms:*',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    });
    const inside = { ...base(ALICE), req: { ...base(ALICE).req, conditionKeys: new Map([['aws:SourceIp', '10.1.2.3']]) } };
    const outside = { ...base(ALICE), req: { ...base(ALICE).req, conditionKeys: new Map([['aws:SourceIp', '192.0.2.1']]) } };
    expect(wouldLockOut(p, inside)).toBe(false);
    expect(wouldLockOut(p, outside)).toBe(true);
  });
});
