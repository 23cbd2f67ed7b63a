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

describe('string operators (IAM "Condition operators": String)', () => {
  table([
    ['StringEquals', 'Finance', 'Finance', true],
    ['StringEquals', 'Finance', 'finance', false],
    ['StringEquals', ['HR', 'Finance'], 'Finance', true],
    ['StringEquals', 'Finance', undefined, false],
    ['StringEquals', 'a*', 'abc', false],
    ['StringEquals', 111122223333, '111122223333', true],
    ['StringEquals', true, 'true', true],
    ['StringNotEquals', 'Finance', 'HR', true],
    ['StringNotEquals', 'Finance', 'Finance', false],
    ['StringNotEquals', ['HR', 'Finance'], 'Finance', false],
    ['StringNotEquals', ['HR', 'Finance'], 'Legal', true],
    ['StringNotEquals', 'Finance', undefined, true],
    ['StringEqualsIgnoreCase', 'Finance', 'fINANCE', true],
    ['StringEqualsIgnoreCase', 'Finance', 'HR', false],
    ['StringEqualsIgnoreCase', 'Finance', undefined, false],
    ['StringNotEqualsIgnoreCase', 'Finance', 'FINANCE', false],
    ['StringNotEqualsIgnoreCase', 'Finance', 'HR', true],
    ['StringNotEqualsIgnoreCase', 'Finance', undefined, true],
    ['StringLike', 'fin*', 'finance', true],
    ['StringLike', 'fin*', 'Finance', false],
    ['StringLike', 'f?n', 'fan', true],
    ['StringLike', 'f?n', 'fn', false],
    ['StringLike', '*', '', true],
    ['StringLike', 'a*b*c', 'aXbYc', true],
    ['StringLike', 'a*b*c', 'aXbY', false],
    ['StringLike', 'fin*', undefined, false],
    ['StringNotLike', 'fin*', 'finance', false],
    ['StringNotLike', 'fin*', 'hr', true],
    ['StringNotLike', ['fin*', 'hr*'], 'hr-team', false],
    ['StringNotLike', 'fin*', undefined, true],
  ]);
});

describe('numeric operators', () => {
  table([
    ['NumericEquals', '10', 10, true],
    ['NumericEquals', 10, '10', true],
    ['NumericEquals', '10', '10.0', true],
    ['NumericEquals', '10', 11, false],
    ['NumericEquals', '10', 'ten', false],
    ['NumericEquals', '10', undefined, false],
    ['NumericNotEquals', '10', 11, true],
    ['NumericNotEquals', '10', 10, false],
    ['NumericNotEquals', '10', undefined, true],
    ['NumericLessThan', '30', 29, true],
    ['NumericLessThan', '30', 30, false],
    ['NumericLessThanEquals', '30', 30, true],
    ['NumericLessThanEquals', '30', 31, false],
    ['NumericGreaterThan', '7', 8, true],
    ['NumericGreaterThan', '7', 7, false],
    ['NumericGreaterThanEquals', '7', 7, true],
    ['NumericGreaterThanEquals', '7', 6, false],
    ['NumericGreaterThanEquals', '7', undefined, false],
    ['NumericLessThan', '-1.5', -2, true],
  ]);
});

describe('date operators (ISO 8601 or epoch seconds)', () => {
  table([
    ['DateEquals', '2024-06-15T12:00:00Z', '2024-06-15T12:00:00Z', true],
    ['DateEquals', '2024-06-15T12:00:00Z', '2024-06-15T14:00:00+02:00', true],
    ['DateEquals', '2024-06-15T12:00:00Z', 1718452800, true],
    ['DateEquals', '1718452800', '2024-06-15T12:00:00Z', true],
    ['DateEquals', '2024-06-15', '2024-06-15T00:00:00Z', true],
    ['DateEquals', '2024-06-15T12:00:00', '2024-06-15T12:00:00Z', true],
    ['DateEquals', '2024-06-15T12:00:00Z', '2024-06-15T12:00:01Z', false],
    ['DateEquals', '2024-06-15T12:00:00Z', 'not a date', false],
    ['DateEquals', '2024-06-15T12:00:00Z', undefined, false],
    ['DateNotEquals', '2024-06-15T12:00:00Z', '2024-06-15T12:00:01Z', true],
    ['DateNotEquals', '2024-06-15T12:00:00Z', '2024-06-15T12:00:00Z', false],
    ['DateNotEquals', '2024-06-15T12:00:00Z', undefined, true],
    ['DateLessThan', '2024-06-15T12:00:00Z', '2024-06-15T11:59:59Z', true],
    ['DateLessThan', '2024-06-15T12:00:00Z', '2024-06-15T12:00:00Z', false],
    ['DateLessThanEquals', '2024-06-15T12:00:00Z', '2024-06-15T12:00:00Z', true],
    ['DateLessThanEquals', '2024-06-15T12:00:00Z', '2024-06-15T12:00:00.001Z', false],
    ['DateGreaterThan', '2024-06-15T12:00:00Z', '2024-06-15T12:00:00.001Z', true],
    ['DateGreaterThan', '2024-06-15T12:00:00Z', '2024-06-15T12:00:00Z', false],
    ['DateGreaterThanEquals', '2024-06-15T12:00:00Z', '2024-06-15T12:00:00Z', true],
    ['DateGreaterThanEquals', '2024-06-15T12:00:00Z', '2024-06-14T12:00:00Z', false],
  ]);

  it('uses the passed-in time for aws:CurrentTime and aws:EpochTime', () => {
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2024-06-16T00:00:00Z' } })).toBe(true);
    expect(holds({ DateGreaterThan: { 'aws:CurrentTime': '2024-06-16T00:00:00Z' } })).toBe(false);
    expect(holds({ DateGreaterThanEquals: { 'aws:EpochTime': 1718452800 } })).toBe(true);
    expect(holds({ NumericEquals: { 'aws:EpochTime': 1718452800 } })).toBe(true);
  });

  it('lets kms:ValidTo be compared as a date in epoch seconds', () => {
    expect(holds({ NumericLessThanEquals: { 'kms:ValidTo': 1735689600 } }, { 'kms:ValidTo': 1718452800 })).toBe(true);
    expect(holds({ DateLessThanEquals: { 'kms:ValidTo': '2025-01-01T00:00:00Z' } }, { 'kms:ValidTo': 1718452800 })).toBe(true);
  });
});

describe('Bool and BinaryEquals', () => {
  table([
    ['Bool', 'true', true, true],
    ['Bool', 'true', 'true', true],
    ['Bool', 'TRUE', 'True', true],
    ['Bool', true, true, true],
    ['Bool', 'true', false, false],
    ['Bool', 'false', false, true],
    ['Bool', 'false', 'yes', false],
    ['Bool', 'true', undefined, false],
    ['Bool', 'false', undefined, false],
    ['BinaryEquals', 'QmluYXJ5VmFsdWU=', 'QmluYXJ5VmFsdWU=', true],
    ['BinaryEquals', 'QmluYXJ5VmFsdWU=', 'T3RoZXI=', false],
    ['BinaryEquals', 'QmluYXJ5VmFsdWU=', 'not base64!', false],
    ['BinaryEquals', 'QmluYXJ5VmFsdWU=', undefined, false],
  ]);
});

describe('IP address operators (aws:SourceIp, CIDR, IPv4 and IPv6)', () => {
  table(
    [
      ['IpAddress', '203.0.113.0/24', '203.0.113.7', true],
      ['IpAddress', '203.0.113.0/24', '203.0.114.7', false],
      ['IpAddress', '203.0.113.9', '203.0.113.9', true],
      ['IpAddress', '203.0.113.9/32', '203.0.113.10', false],
      ['IpAddress', '10.1.2.3/8', '10.200.0.1', true],
      ['IpAddress', '0.0.0.0/0', '192.0.2.1', true],
      ['IpAddress', ['192.0.2.0/24', '203.0.113.0/24'], '203.0.113.1', true],
      ['IpAddress', '203.0.113.0/24', '::ffff:203.0.113.7', true],
      ['IpAddress', '2001:db8::/32', '2001:db8:1234::1', true],
      ['IpAddress', '2001:db8::/32', '2001:db9::1', false],
      ['IpAddress', '2001:DB8:0:0:0:0:0:0/32', '2001:db8::abcd', true],
      ['IpAddress', '::/0', '192.0.2.1', false],
      ['IpAddress', '0.0.0.0/0', '2001:db8::1', false],
      ['IpAddress', '2001:db8::1', '2001:0db8:0000::0001', true],
      ['IpAddress', '203.0.113.0/24', 'not-an-ip', false],
      ['IpAddress', '203.0.113.0/24', undefined, false],
      ['NotIpAddress', '203.0.113.0/24', '198.51.100.1', true],
      ['NotIpAddress', '203.0.113.0/24', '203.0.113.1', false],
      ['NotIpAddress', ['192.0.2.0/24', '203.0.113.0/24'], '192.0.2.5', false],
      ['NotIpAddress', '203.0.113.0/24', undefined, true],
    ],
    'aws:SourceIp',
  );
});

describe('ARN operators (component-wise, wildcards per component)', () => {
  const role = 'arn:aws:iam::111122223333:role/Admin';
  table(
    [
      ['ArnEquals', role, role, true],
      ['ArnEquals', role, 'arn:aws:iam::111122223333:role/admin', false],
      ['ArnLike', 'arn:aws:iam::111122223333:role/*', role, true],
      ['ArnLike', 'arn:aws:iam::*:role/Admin', role, true],
      ['ArnLike', 'arn:aws:iam::*:role/Admin', 'arn:aws:iam::444455556666:role/Admin', true],
      ['ArnLike', 'arn:aws:iam::1111222233?3:role/Admin', role, true],
      ['ArnLike', 'arn:aws:*::111122223333:role/Admin', 'arn:aws:sts::111122223333:role/Admin', true],
      // `*` in the account component cannot swallow the colon into the resource component.
      ['ArnLike', 'arn:aws:iam::*', role, false],
      ['ArnLike', 'arn:aws:iam::111122223333:role/*', 'arn:aws:iam::111122223333:user/Admin', false],
      ['ArnLike', 'arn:aws:iam::111122223333:role/*', 'not-an-arn', false],
      ['ArnLike', 'arn:aws:kms:*:111122223333:key/*', 'arn:aws:kms:eu-west-1:111122223333:key/a:b', true],
      ['ArnLike', '*', role, true],
      ['ArnLike', role, undefined, false],
      ['ArnNotEquals', role, 'arn:aws:iam::111122223333:role/Other', true],
      ['ArnNotEquals', role, role, false],
      ['ArnNotEquals', role, undefined, true],
      ['ArnNotLike', 'arn:aws:iam::*:role/Admin*', 'arn:aws:iam::111122223333:role/AdminTeam', false],
      ['ArnNotLike', 'arn:aws:iam::*:role/Admin*', 'arn:aws:iam::111122223333:role/Dev', true],
      ['ArnNotLike', 'arn:aws:iam::*:role/Admin*', undefined, true],
    ],
    'aws:PrincipalArn',
  );
});

