import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from './evaluate.js';
import { parsePolicy } from './parse.js';
import type { ConditionValue } from './types.js';

const NOW = Date.parse('2024-06-15T12:00:00Z');

/** True when an identity-policy Allow with this Condition applies to a request with these keys. */
function holds(condition: object, keys: Record<string, ConditionValue> = {}, version = '2012-10-17'): boolean {
  const policy = parsePolicy(
    JSON.stringify({ Version: version, Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: condition } }),
    'identity',
  );
  const req = {
    action: 'kms:Encrypt',
    resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    principal: { arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    now: NOW,
    conditionKeys: new Map(Object.entries(keys)),
  };
  return evaluatePolicy(policy, req) === 'allow';
}

type Row = [operator: string, policyValue: unknown, requestValue: ConditionValue | undefined, expected: boolean];

function table(rows: Row[], key = 'test:key'): void {
  it.each(rows)('%s %j vs %j → %s', (op, pv, rv, expected) => {
    expect(holds({ [op]: { [key]: pv } }, rv === undefined ? {} : { [key]: rv })).toBe(expected);
  });
}

describe('Null', () => {
  table([
    ['Null', 'true', undefined, true],
    ['Null', 'true', 'x', false],
    ['Null', 'false', 'x', true],
    ['Null', 'false', undefined, false],
    ['Null', true, undefined, true],
    ['Null', 'false', [], false],
    ['Null', 'true', [], true],
    ['Null', 'false', ['a'], true],
  ]);
});

describe('…IfExists', () => {
  table([
    ['StringEqualsIfExists', 'Finance', undefined, true],
    ['StringEqualsIfExists', 'Finance', 'Finance', true],
    ['StringEqualsIfExists', 'Finance', 'HR', false],
    ['StringNotEqualsIfExists', 'Finance', undefined, true],
    ['StringNotEqualsIfExists', 'Finance', 'Finance', false],
    ['StringLikeIfExists', 'f*', undefined, true],
    ['NumericLessThanIfExists', '30', undefined, true],
    ['NumericLessThanIfExists', '30', 31, false],
    ['DateLessThanIfExists', '2024-01-01', undefined, true],
    ['BoolIfExists', 'false', undefined, true],
    ['BoolIfExists', 'false', true, false],
    ['BinaryEqualsIfExists', 'AA==', undefined, true],
    ['IpAddressIfExists', '10.0.0.0/8', undefined, true],
    ['IpAddressIfExists', '10.0.0.0/8', '11.0.0.1', false],
    ['NotIpAddressIfExists', '10.0.0.0/8', '10.0.0.1', false],
    ['ArnLikeIfExists', 'arn:aws:iam::*:role/*', undefined, true],
    ['ArnLikeIfExists', 'arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:user/u', false],
  ]);

  it('accepts the suffix case-insensitively', () => {
    expect(holds({ StringEqualsifexists: { 'test:key': 'x' } })).toBe(true);
  });
});

describe('set operators on multi-valued keys', () => {
  const key = 'kms:EncryptionContextKeys';
  table(
    [
      // ForAllValues: every request value must match; an absent or empty key is vacuously true.
      ['ForAllValues:StringEquals', ['Department', 'Project'], ['Department'], true],
      ['ForAllValues:StringEquals', ['Department', 'Project'], ['Department', 'Project'], true],
      ['ForAllValues:StringEquals', ['Department', 'Project'], ['Department', 'Owner'], false],
      ['ForAllValues:StringEquals', ['Department', 'Project'], undefined, true],
      ['ForAllValues:StringEquals', ['Department', 'Project'], [], true],
      ['ForAllValues:StringLike', 'Dep*', ['Department', 'Deputy'], true],
      ['ForAllValues:StringNotEquals', ['Secret'], ['Department', 'Project'], true],
      ['ForAllValues:StringNotEquals', ['Secret'], ['Department', 'Secret'], false],
      // ForAnyValue: at least one request value must match; absent or empty is false.
      ['ForAnyValue:StringEquals', 'Department', ['Department', 'Owner'], true],
      ['ForAnyValue:StringEquals', 'Department', ['Owner'], false],
      ['ForAnyValue:StringEquals', 'Department', undefined, false],
      ['ForAnyValue:StringEquals', 'Department', [], false],
      ['ForAnyValue:StringNotEquals', 'Department', ['Department', 'Owner'], true],
      ['ForAnyValue:StringNotEquals', 'Department', ['Department'], false],
      ['ForAnyValue:StringNotEquals', 'Department', undefined, false],
      ['ForAnyValue:StringEqualsIgnoreCase', 'department', ['DEPARTMENT'], true],
      ['foranyvalue:StringEquals', 'Department', ['Department'], true],
      // IfExists takes precedence on an absent key.
      ['ForAnyValue:StringEqualsIfExists', 'Department', undefined, true],
      ['ForAllValues:StringEqualsIfExists', 'Department', ['Other'], false],
      // No qualifier on a multi-valued key: positive = any value matches, negated = none does.
      ['StringEquals', 'Department', ['Owner', 'Department'], true],
      ['StringNotEquals', 'Department', ['Owner', 'Department'], false],
      ['StringNotEquals', 'Department', ['Owner', 'Project'], true],
    ],
    key,
  );
});

describe('combining keys, values and operators', () => {
  it('ANDs keys within one operator and ORs values of one key', () => {
    const c = { StringEquals: { 'test:a': ['1', '2'], 'test:b': '3' } };
    expect(holds(c, { 'test:a': '2', 'test:b': '3' })).toBe(true);
    expect(holds(c, { 'test:a': '2', 'test:b': '4' })).toBe(false);
    expect(holds(c, { 'test:a': '5', 'test:b': '3' })).toBe(false);
  });

  it('ANDs operator blocks', () => {
    const c = { StringEquals: { 'test:a': '1' }, NumericLessThan: { 'test:n': 5 } };
    expect(holds(c, { 'test:a': '1', 'test:n': 4 })).toBe(true);
    expect(holds(c, { 'test:a': '1', 'test:n': 6 })).toBe(false);
  });

  it('matches condition key names case-insensitively, in the policy and in the request', () => {
    expect(holds({ StringEquals: { 'KMS:CallerAccount': '111122223333' } })).toBe(true);
    expect(holds({ StringEquals: { 'test:Key': 'v' } }, { 'TEST:KEY': 'v' })).toBe(true);
  });

  it('accepts encryption-context keys containing spaces and colons', () => {
    expect(holds({ StringEquals: { 'kms:EncryptionContext:my key:v2': 'x' } }, { 'kms:EncryptionContext:My Key:V2': 'x' })).toBe(true);
  });

  it('matches the context-key part of kms:EncryptionContext:<key> case-insensitively but the value exactly', () => {
    expect(holds({ StringEquals: { 'kms:EncryptionContext:Department': 'IT' } }, { 'kms:EncryptionContext:department': 'IT' })).toBe(true);
    expect(holds({ StringEquals: { 'kms:EncryptionContext:Department': 'IT' } }, { 'kms:EncryptionContext:Department': 'it' })).toBe(false);
    expect(
      holds({ StringEqualsIgnoreCase: { 'kms:EncryptionContext:Department': 'IT' } }, { 'kms:EncryptionContext:Department': 'it' }),
    ).toBe(true);
  });
});

describe('policy variables (2012-10-17 only)', () => {
  it('substitutes a request key into a string condition value', () => {
    const c = { StringEquals: { 'aws:PrincipalTag/team': '${aws:username}' } };
    expect(holds(c, { 'aws:username': 'alice', 'aws:PrincipalTag/team': 'alice' })).toBe(true);
    expect(holds(c, { 'aws:username': 'alice', 'aws:PrincipalTag/team': 'bob' })).toBe(false);
  });

  it('treats substituted text as literal in StringLike, with ${*} for a literal star', () => {
    expect(holds({ StringLike: { 'test:k': '${test:v}-*' } }, { 'test:v': 'a*', 'test:k': 'a*-x' })).toBe(true);
    expect(holds({ StringLike: { 'test:k': '${test:v}-*' } }, { 'test:v': 'a*', 'test:k': 'ab-x' })).toBe(false);
    expect(holds({ StringEquals: { 'test:k': 'x${*}' } }, { 'test:k': 'x*' })).toBe(true);
  });

  it('uses the default value when the key is absent, and matches nothing without one', () => {
    expect(holds({ StringEquals: { 'test:k': "${test:missing, 'dflt'}" } }, { 'test:k': 'dflt' })).toBe(true);
    expect(holds({ StringEquals: { 'test:k': '${test:missing}' } }, { 'test:k': '${test:missing}' })).toBe(false);
    expect(holds({ StringNotEquals: { 'test:k': '${test:missing}' } }, { 'test:k': 'anything' })).toBe(true);
  });

  it('leaves ${…} literal in a 2008-10-17 policy', () => {
    expect(holds({ StringEquals: { 'test:k': '${aws:username}' } }, { 'aws:username': 'a', 'test:k': '${aws:username}' }, '2008-10-17')).toBe(true);
  });
});
