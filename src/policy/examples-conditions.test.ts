/**
 * Condition-key examples from the AWS KMS Developer Guide ("AWS KMS condition keys",
 * "Encryption context") and reference §5.10, evaluated end to end through
 * parsePolicy + authorizeKmsRequest.
 */
import { describe, expect, it } from 'vitest';
import { authorizeKmsRequest } from './authorize.js';
import { encryptionContextConditionKeys } from './context-keys.js';
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

describe('kms:EncryptionContext:context-key and kms:EncryptionContextKeys', () => {
  const ec = (o: Record<string, string>) => encryptionContextConditionKeys(new Map(Object.entries(o)));

  it('allows Decrypt only with a given encryption context pair', () => {
    const policy = key([
      {
        Effect: 'Allow',
        Principal: { AWS: USER.arn },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:EncryptionContext:AppName': 'ExampleApp' } },
      },
    ]);
    expect(check(policy, 'kms:Decrypt', { keys: ec({ AppName: 'ExampleApp', FilePath: '/var/opt/secrets/' }) })).toBe('allow:key-policy');
    expect(check(policy, 'kms:Decrypt', { keys: ec({ appname: 'ExampleApp' }) })).toBe('allow:key-policy');
    expect(check(policy, 'kms:Decrypt', { keys: ec({ AppName: 'exampleapp' }) })).toBe('deny:no-key-policy-allows');
    expect(check(policy, 'kms:Decrypt')).toBe('deny:no-key-policy-allows');
  });

  it('requires an exact encryption context (keys, values and nothing else)', () => {
    const policy = key([
      {
        Effect: 'Allow',
        Principal: { AWS: USER.arn },
        Action: ['kms:Encrypt', 'kms:Decrypt'],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:EncryptionContext:Department': 'IT', 'kms:EncryptionContext:Project': 'Alpha' },
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Department', 'Project'] },
          Null: { 'kms:EncryptionContextKeys': 'false' },
        },
      },
    ]);
    expect(check(policy, 'kms:Encrypt', { keys: ec({ Department: 'IT', Project: 'Alpha' }) })).toBe('allow:key-policy');
    expect(check(policy, 'kms:Encrypt', { keys: ec({ Department: 'IT', Project: 'Alpha', Extra: 'x' }) })).toBe('deny:no-key-policy-allows');
    expect(check(policy, 'kms:Encrypt', { keys: ec({ Department: 'IT' }) })).toBe('deny:no-key-policy-allows');
  });

  it('shows why ForAllValues alone over-permits: a request without any context passes it', () => {
    const policy = key([
      {
        Effect: 'Allow',
        Principal: { AWS: USER.arn },
        Action: 'kms:Encrypt',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Department', 'Project'] } },
      },
    ]);
    expect(check(policy, 'kms:Encrypt')).toBe('allow:key-policy');
    expect(check(policy, 'kms:Encrypt', { keys: ec({ Other: 'x' }) })).toBe('deny:no-key-policy-allows');
  });

  it('ForAnyValue requires at least one of the listed keys', () => {
    const policy = key([
      {
        Effect: 'Allow',
        Principal: { AWS: USER.arn },
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'Department' } },
      },
    ]);
    expect(check(policy, 'kms:GenerateDataKey', { keys: ec({ Department: 'IT', Project: 'A' }) })).toBe('allow:key-policy');
    expect(check(policy, 'kms:GenerateDataKey')).toBe('deny:no-key-policy-allows');
  });
});

describe('aws:SourceIp: deny requests from outside the corporate ranges', () => {
  const policy = key([
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'Deny outside the corporate network',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: {
        NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24', '2001:db8:1234::/48'] },
        Bool: { 'aws:ViaAWSService': 'false' },
      },
    },
  ]);
  const iam = [ALLOW_ALL_IAM];

  it.each([
    ['192.0.2.10', false, 'allow:identity-policy'],
    ['::ffff:203.0.113.99', false, 'allow:identity-policy'],
    ['2001:db8:1234:5::1', false, 'allow:identity-policy'],
    ['198.51.100.1', false, 'deny:explicit-deny-key-policy'],
    ['2001:db8:9999::1', false, 'deny:explicit-deny-key-policy'],
    ['198.51.100.1', true, 'allow:identity-policy'],
  ])('from %s (via AWS service: %s) → %s', (ip, via, expected) => {
    expect(check(policy, 'kms:Decrypt', { iam, keys: { 'aws:SourceIp': ip, 'aws:ViaAWSService': via } })).toBe(expected);
  });
});

describe('other documented KMS condition keys', () => {
  it('kms:ScheduleKeyDeletionPendingWindowInDays: at least 21 days', () => {
    const policy = key([
      {
        Effect: 'Allow',
        Principal: { AWS: ADMIN.alternateArns![0] },
        Action: 'kms:ScheduleKeyDeletion',
        Resource: '*',
        Condition: { NumericGreaterThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 21 } },
      },
    ]);
    const w = (days: number) => check(policy, 'kms:ScheduleKeyDeletion', { principal: ADMIN, keys: { 'kms:ScheduleKeyDeletionPendingWindowInDays': days } });
    expect(w(30)).toBe('allow:key-policy');
    expect(w(21)).toBe('allow:key-policy');
    expect(w(7)).toBe('deny:no-key-policy-allows');
  });

  it('kms:GrantOperations: CreateGrant only for Encrypt/Decrypt grants', () => {
    const policy = key([
      {
        Effect: 'Allow',
        Principal: { AWS: USER.arn },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Encrypt', 'Decrypt'] } },
      },
    ]);
    expect(check(policy, 'kms:CreateGrant', { keys: { 'kms:GrantOperations': ['Decrypt'] } })).toBe('allow:key-policy');
    expect(check(policy, 'kms:CreateGrant', { keys: { 'kms:GrantOperations': ['Decrypt', 'CreateGrant'] } })).toBe('deny:no-key-policy-allows');
  });

  it('kms:RequestAlias and kms:ResourceAliases (ABAC with aliases)', () => {
    const policy = key([
      {
        Effect: 'Allow',
        Principal: { AWS: USER.arn },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringLike: { 'kms:RequestAlias': 'alias/finance*' } },
      },
      {
        Effect: 'Allow',
        Principal: { AWS: USER.arn },
        Action: 'kms:DescribeKey',
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/finance-key' } },
      },
    ]);
    expect(check(policy, 'kms:Decrypt', { keys: { 'kms:RequestAlias': 'alias/finance-prod' } })).toBe('allow:key-policy');
    expect(check(policy, 'kms:Decrypt', { keys: { 'kms:RequestAlias': 'alias/hr' } })).toBe('deny:no-key-policy-allows');
    expect(check(policy, 'kms:Decrypt')).toBe('deny:no-key-policy-allows');
    expect(check(policy, 'kms:DescribeKey', { keys: { 'kms:ResourceAliases': ['alias/a', 'alias/finance-key'] } })).toBe('allow:key-policy');
  });

  it('kms:BypassPolicyLockoutSafetyCheck: forbid bypassing the lockout check', () => {
    const policy = key([
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:PutKeyPolicy',
        Resource: '*',
        Condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': true } },
      },
    ]);
    expect(check(policy, 'kms:PutKeyPolicy', { iam: [ALLOW_ALL_IAM], keys: { 'kms:BypassPolicyLockoutSafetyCheck': false } })).toBe(
      'allow:identity-policy',
    );
    expect(check(policy, 'kms:PutKeyPolicy', { iam: [ALLOW_ALL_IAM], keys: { 'kms:BypassPolicyLockoutSafetyCheck': true } })).toBe(
      'deny:explicit-deny-key-policy',
    );
  });

  it('kms:ViaService with StringNotEquals in a Deny: use only through S3 (and not directly)', () => {
    const policy = key([
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' } },
      },
    ]);
    expect(check(policy, 'kms:Decrypt', { iam: [ALLOW_ALL_IAM], keys: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' } })).toBe(
      'allow:identity-policy',
    );
    // The key is absent on a direct call, so the negated operator is true and the Deny applies.
    expect(check(policy, 'kms:Decrypt', { iam: [ALLOW_ALL_IAM] })).toBe('deny:explicit-deny-key-policy');
  });

  it('aws:PrincipalArn with ArnLike in a Deny protecting key deletion', () => {
    const policy = key([
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:ScheduleKeyDeletion',
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/KMSAdmin*` } },
      },
    ]);
    const roleKeys = { 'aws:PrincipalArn': ADMIN.alternateArns![0]! };
    expect(check(policy, 'kms:ScheduleKeyDeletion', { principal: ADMIN, iam: [ALLOW_ALL_IAM], keys: roleKeys })).toBe('allow:identity-policy');
    expect(check(policy, 'kms:ScheduleKeyDeletion', { iam: [ALLOW_ALL_IAM], keys: { 'aws:PrincipalArn': USER.arn } })).toBe(
      'deny:explicit-deny-key-policy',
    );
  });
});
