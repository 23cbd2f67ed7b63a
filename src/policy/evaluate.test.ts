import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from './evaluate.js';
import { parsePolicy } from './parse.js';
import type { RequestContext, RequestPrincipal } from './types.js';

const ACCT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ALICE: RequestPrincipal = { arn: `arn:aws:iam::${ACCT}:user/alice`, accountId: ACCT };
const ROOT: RequestPrincipal = { arn: `arn:aws:iam::${ACCT}:root`, accountId: ACCT };
const SESSION: RequestPrincipal = {
  arn: `arn:aws:sts::${ACCT}:assumed-role/KeyUser/s1`,
  accountId: ACCT,
  alternateArns: [`arn:aws:iam::${ACCT}:role/KeyUser`],
};

function req(over: Partial<RequestContext> = {}): RequestContext {
  return { action: 'kms:Encrypt', resource: KEY, principal: ALICE, now: 0, conditionKeys: new Map(), ...over };
}

function key(...statements: object[]) {
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'key');
}

function identity(...statements: object[]) {
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'identity');
}

const allow = (over: object = {}) => ({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', ...over });

describe('Action and NotAction', () => {
  it.each([
    ['kms:*', 'kms:Encrypt', true],
    ['*', 'kms:Encrypt', true],
    ['kms:Encrypt', 'kms:Encrypt', true],
    ['kms:encrypt', 'kms:Encrypt', true],
    ['KMS:ENCRYPT', 'kms:encrypt', true],
    ['kms:Decrypt', 'kms:Encrypt', false],
    ['kms:GenerateDataKey*', 'kms:GenerateDataKeyWithoutPlaintext', true],
    ['kms:GenerateDataKey*', 'kms:GenerateDataKey', true],
    ['kms:GenerateDataKey*', 'kms:Generate', false],
    ['kms:ReEncrypt*', 'kms:ReEncryptFrom', true],
    ['kms:List*', 'kms:ListGrants', true],
    ['kms:Describe?ey', 'kms:DescribeKey', true],
    ['kms:Describe?ey', 'kms:DescribeKKey', false],
    ['s3:*', 'kms:Encrypt', false],
  ])('Action %s matches %s: %s', (pattern, action, expected) => {
    expect(evaluatePolicy(key(allow({ Action: pattern })), req({ action }))).toBe(expected ? 'allow' : 'none');
  });

  it('NotAction applies to every action except those listed', () => {
    const p = key(allow({ Action: undefined, NotAction: ['kms:ScheduleKeyDeletion', 'kms:Delete*'] }));
    expect(evaluatePolicy(p, req({ action: 'kms:Encrypt' }))).toBe('allow');
    expect(evaluatePolicy(p, req({ action: 'kms:ScheduleKeyDeletion' }))).toBe('none');
    expect(evaluatePolicy(p, req({ action: 'kms:DeleteAlias' }))).toBe('none');
  });

  it('a statement without Action or NotAction never applies (accepted in key policies, no effect)', () => {
    expect(evaluatePolicy(key({ Effect: 'Allow', Principal: '*', Resource: '*' }), req())).toBe('none');
    expect(evaluatePolicy(key({ Effect: 'Deny', Principal: '*', Resource: '*' }), req())).toBe('none');
  });
});

describe('Resource and NotResource', () => {
  it.each([
    ['*', true],
    [KEY, true],
    [`arn:aws:kms:us-east-1:${ACCT}:key/*`, true],
    [`arn:aws:kms:*:${ACCT}:key/*`, true],
    ['arn:aws:kms:*:*:*', true],
    [`arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-????-*`, true],
    [`arn:aws:kms:us-west-2:${ACCT}:key/*`, false],
    [`arn:aws:kms:us-east-1:444455556666:key/*`, false],
    [`arn:aws:kms:us-east-1:${ACCT}:alias/*`, false],
    [KEY.toUpperCase().replace('ARN:AWS:KMS', 'arn:aws:kms'), false],
  ])('Resource %s matches the key: %s', (resource, expected) => {
    expect(evaluatePolicy(identity({ Effect: 'Allow', Action: 'kms:*', Resource: resource }), req())).toBe(expected ? 'allow' : 'none');
  });

  it('NotResource applies to every resource except those listed', () => {
    const p = identity({ Effect: 'Allow', Action: 'kms:*', NotResource: `arn:aws:kms:*:${ACCT}:key/1234abcd-*` });
    expect(evaluatePolicy(p, req())).toBe('none');
    expect(evaluatePolicy(p, req({ resource: `arn:aws:kms:us-east-1:${ACCT}:key/ffff` }))).toBe('allow');
  });

  it('resolves policy variables in Resource', () => {
    const p = identity({ Effect: 'Allow', Action: 'kms:*', Resource: 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*' });
    expect(evaluatePolicy(p, req())).toBe('allow');
    expect(evaluatePolicy(p, req({ principal: { arn: 'arn:aws:iam::444455556666:user/x', accountId: '444455556666' } }))).toBe('none');
  });
});

describe('Principal matching in key policies', () => {
  it('matches "*" and {"AWS": "*"} for anyone', () => {
    expect(evaluatePolicy(key(allow()), req())).toBe('allow');
    expect(evaluatePolicy(key(allow({ Principal: { AWS: '*' } })), req({ principal: { arn: 'ec2.amazonaws.com', accountId: '' } }))).toBe('allow');
  });

  it('matches an exact user ARN only', () => {
    const p = key(allow({ Principal: { AWS: ALICE.arn } }));
    expect(evaluatePolicy(p, req())).toBe('allow');
    expect(evaluatePolicy(p, req({ principal: { arn: `arn:aws:iam::${ACCT}:user/bob`, accountId: ACCT } }))).toBe('none');
  });

  it('matches an assumed-role session through its role ARN', () => {
    expect(evaluatePolicy(key(allow({ Principal: { AWS: `arn:aws:iam::${ACCT}:role/KeyUser` } })), req({ principal: SESSION }))).toBe('allow');
    expect(evaluatePolicy(key(allow({ Principal: { AWS: SESSION.arn } })), req({ principal: SESSION }))).toBe('allow');
  });

  it('matches a service principal by name', () => {
    const p = key(allow({ Principal: { Service: 'cloudtrail.amazonaws.com' } }));
    expect(evaluatePolicy(p, req({ principal: { arn: 'cloudtrail.amazonaws.com', accountId: '' } }))).toBe('allow');
    expect(evaluatePolicy(p, req())).toBe('none');
  });

  it('an Allow to the account root allows only the root itself (delegation is authorizeKmsRequest’s job)', () => {
    const p = key(allow({ Principal: { AWS: ROOT.arn } }));
    expect(evaluatePolicy(p, req({ principal: ROOT }))).toBe('allow');
    expect(evaluatePolicy(p, req())).toBe('none');
  });

  it('a Deny to the account root applies to every principal of that account', () => {
    const p = key(allow(), { Effect: 'Deny', Principal: { AWS: ACCT }, Action: 'kms:*', Resource: '*' });
    expect(evaluatePolicy(p, req())).toBe('deny');
    expect(evaluatePolicy(p, req({ principal: SESSION }))).toBe('deny');
    expect(evaluatePolicy(p, req({ principal: { arn: 'arn:aws:iam::444455556666:user/x', accountId: '444455556666' } }))).toBe('allow');
  });

  it('ignores Principal for identity policies', () => {
    expect(evaluatePolicy(identity({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }), req())).toBe('allow');
  });
});

describe('NotPrincipal (Deny only)', () => {
  const deny = (notPrincipal: object) => key(allow(), { Effect: 'Deny', NotPrincipal: notPrincipal, Action: 'kms:*', Resource: '*' });

  it('denies everyone not listed', () => {
    const p = deny({ AWS: [ALICE.arn, ROOT.arn] });
    expect(evaluatePolicy(p, req())).toBe('allow');
    expect(evaluatePolicy(p, req({ principal: { arn: `arn:aws:iam::${ACCT}:user/bob`, accountId: ACCT } }))).toBe('deny');
  });

  it('still denies a listed user whose account ARN is not listed (IAM User Guide, NotPrincipal)', () => {
    expect(evaluatePolicy(deny({ AWS: ALICE.arn }), req())).toBe('deny');
  });

  it('exempts an assumed-role session when the role and the account are listed', () => {
    expect(evaluatePolicy(deny({ AWS: [`arn:aws:iam::${ACCT}:role/KeyUser`, ACCT] }), req({ principal: SESSION }))).toBe('allow');
    expect(evaluatePolicy(deny({ AWS: [`arn:aws:iam::${ACCT}:role/Other`, ACCT] }), req({ principal: SESSION }))).toBe('deny');
  });

  it('exempts the root when the root is listed, and everyone for "*"', () => {
    expect(evaluatePolicy(deny({ AWS: ACCT }), req({ principal: ROOT }))).toBe('allow');
    expect(evaluatePolicy(deny({ AWS: '*' }), req())).toBe('allow');
  });
});

describe('combining statements', () => {
  it('an explicit Deny wins over any Allow, whatever the order', () => {
    const d = { Effect: 'Deny', Principal: '*', Action: 'kms:Encrypt', Resource: '*' };
    expect(evaluatePolicy(key(allow(), d), req())).toBe('deny');
    expect(evaluatePolicy(key(d, allow()), req())).toBe('deny');
    expect(evaluatePolicy(key(d, allow()), req({ action: 'kms:Decrypt' }))).toBe('allow');
  });

  it('a Deny whose condition does not hold does not apply', () => {
    const d = { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(evaluatePolicy(key(allow(), d), req({ conditionKeys: new Map([['aws:SecureTransport', true]]) }))).toBe('allow');
    expect(evaluatePolicy(key(allow(), d), req({ conditionKeys: new Map([['aws:SecureTransport', false]]) }))).toBe('deny');
  });

  it('returns none when nothing matches', () => {
    expect(evaluatePolicy(key(allow({ Action: 'kms:Decrypt' })), req())).toBe('none');
    expect(evaluatePolicy(parsePolicy('{"Statement": []}', 'key'), req())).toBe('none');
  });
});
