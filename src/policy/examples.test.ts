/**
 * Policies from the AWS KMS Developer Guide ("Default key policy", "AWS managed keys",
 * "AWS KMS condition keys") and reference §5.9/§5.10, evaluated end to end through
 * parsePolicy + authorizeKmsRequest.
 */
import { describe, expect, it } from 'vitest';
import { authorizeKmsRequest } from './authorize.js';
import { parsePolicy } from './parse.js';
import type { ConditionValue, Policy, RequestPrincipal } from './types.js';

const ACCT = '111122223333';
const KEY = `arn:aws:kms:us-west-2:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const USER: RequestPrincipal = { arn: `arn:aws:iam::${ACCT}:user/ExampleUser`, accountId: ACCT };
const ADMIN: RequestPrincipal = {
  arn: `arn:aws:sts::${ACCT}:assumed-role/KMSAdminRole/admin-session`,
  accountId: ACCT,
  alternateArns: [`arn:aws:iam::${ACCT}:role/KMSAdminRole`],
};
const ALLOW_ALL_IAM = parsePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}', 'identity');

function check(
  policy: Policy,
  action: string,
  opts: { principal?: RequestPrincipal; keys?: Record<string, ConditionValue> | Map<string, ConditionValue>; iam?: Policy[] } = {},
): string {
  const d = authorizeKmsRequest({
    req: {
      action,
      resource: KEY,
      principal: opts.principal ?? USER,
      now: Date.parse('2024-06-15T12:00:00Z'),
      conditionKeys: opts.keys instanceof Map ? opts.keys : new Map(Object.entries(opts.keys ?? {})),
    },
    keyAccountId: ACCT,
    keyPolicy: policy,
    identityPolicies: opts.iam ?? [],
    grantAllows: false,
    callerIsRoot: false,
  });
  return d.effect === 'allow' ? `allow:${d.via}` : `deny:${d.reason}`;
}

const key = (statements: object[]) => parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'key');

describe('AWS managed key policy (aws/ebs): kms:ViaService + kms:CallerAccount', () => {
  const policy = key([
    {
      Sid: 'Allow access through EBS for all principals in the account that are authorized to use EBS',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': ACCT, 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } },
    },
    {
      Sid: 'Allow direct access to key metadata to the account',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
      Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
      Resource: '*',
    },
  ]);

  it('allows any principal of the account through EC2 in the Region, without an IAM policy', () => {
    expect(check(policy, 'kms:GenerateDataKeyWithoutPlaintext', { keys: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } })).toBe(
      'allow:key-policy',
    );
  });

  it('denies direct calls and calls through another service', () => {
    expect(check(policy, 'kms:Decrypt', { iam: [ALLOW_ALL_IAM] })).toBe('deny:no-key-policy-allows');
    expect(check(policy, 'kms:Decrypt', { keys: { 'kms:ViaService': 'rds.us-west-2.amazonaws.com' }, iam: [ALLOW_ALL_IAM] })).toBe(
      'deny:no-key-policy-allows',
    );
  });

  it('denies another account even through EC2', () => {
    const other = { arn: 'arn:aws:iam::444455556666:user/x', accountId: '444455556666' };
    expect(check(policy, 'kms:Decrypt', { principal: other, keys: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' }, iam: [ALLOW_ALL_IAM] })).toBe(
      'deny:no-key-policy-allows',
    );
  });

  it('delegates metadata access to IAM', () => {
    expect(check(policy, 'kms:DescribeKey', { iam: [ALLOW_ALL_IAM] })).toBe('allow:identity-policy');
    expect(check(policy, 'kms:GetKeyPolicy')).toBe('deny:no-identity-policy-allows');
  });
});

describe('console default key policy: administrators, users, and persistent-resource grants', () => {
  const policy = key([
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'Allow access for Key Administrators',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCT}:role/KMSAdminRole` },
      Action: [
        'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*',
        'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource',
        'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
      ],
      Resource: '*',
    },
    {
      Sid: 'Allow use of the key',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCT}:user/ExampleUser` },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
    },
    {
      Sid: 'Allow attachment of persistent resources',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCT}:user/ExampleUser` },
      Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
  ]);

  it('lets the administrator role (via its session) administer but not use the key', () => {
    expect(check(policy, 'kms:PutKeyPolicy', { principal: ADMIN })).toBe('allow:key-policy');
    expect(check(policy, 'kms:ScheduleKeyDeletion', { principal: ADMIN })).toBe('allow:key-policy');
    expect(check(policy, 'kms:Decrypt', { principal: ADMIN })).toBe('deny:no-identity-policy-allows');
  });

  it('lets the key user use but not administer the key', () => {
    expect(check(policy, 'kms:ReEncryptFrom')).toBe('allow:key-policy');
    expect(check(policy, 'kms:GenerateDataKeyPair')).toBe('allow:key-policy');
    expect(check(policy, 'kms:DisableKey')).toBe('deny:no-identity-policy-allows');
  });

  it('allows CreateGrant only for an AWS resource (kms:GrantIsForAWSResource)', () => {
    expect(check(policy, 'kms:CreateGrant', { keys: { 'kms:GrantIsForAWSResource': true } })).toBe('allow:key-policy');
    expect(check(policy, 'kms:CreateGrant', { keys: { 'kms:GrantIsForAWSResource': false } })).toBe('deny:no-identity-policy-allows');
    expect(check(policy, 'kms:CreateGrant')).toBe('deny:no-identity-policy-allows');
  });
});

