import { describe, expect, it } from 'vitest';
import { INVALID_PRINCIPALS, PolicySyntaxError } from './errors.js';
import { checkPolicyCharacters, parsePolicy } from './parse.js';

const ROOT = 'arn:aws:iam::111122223333:root';

function keyPolicy(statement: unknown, extra: object = {}): string {
  return JSON.stringify({ Version: '2012-10-17', ...extra, Statement: statement });
}

const allowAll = { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };

function errorOf(text: string, kind: 'key' | 'identity' = 'key'): PolicySyntaxError {
  try {
    parsePolicy(text, kind);
  } catch (e) {
    if (e instanceof PolicySyntaxError) return e;
    throw e;
  }
  throw new Error('expected a PolicySyntaxError');
}

describe('parsePolicy accepts', () => {
  it('the default key policy, pretty-printed as GetKeyPolicy returns it (reference §5.9)', () => {
    const text = `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::111122223333:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
    const p = parsePolicy(text, 'key');
    expect(p.id).toBe('key-default-1');
    expect(p.statements).toHaveLength(1);
    expect(p.statements[0]!.sid).toBe('Enable IAM User Permissions');
    expect(p.statements[0]!.principal?.aws).toEqual([ROOT]);
  });

  it('a single statement object instead of an array', () => {
    expect(parsePolicy(keyPolicy(allowAll), 'key').statements).toHaveLength(1);
  });

  it('an absent Version (legacy 2008-10-17 grammar) and the 2008-10-17 Version', () => {
    expect(parsePolicy(JSON.stringify({ Statement: allowAll }), 'key').version).toBe('2008-10-17');
    expect(parsePolicy(JSON.stringify({ Version: '2008-10-17', Statement: allowAll }), 'key').version).toBe('2008-10-17');
  });

  it('normalises a bare 12-digit account id to the account root ARN', () => {
    const p = parsePolicy(keyPolicy({ ...allowAll, Principal: { AWS: ['111122223333', 'arn:aws:iam::444455556666:user/bob'] } }), 'key');
    expect(p.statements[0]!.principal?.aws).toEqual([ROOT, 'arn:aws:iam::444455556666:user/bob']);
    const cn = parsePolicy(keyPolicy({ ...allowAll, Principal: { AWS: '111122223333' } }), 'key', { partition: 'aws-cn' });
    expect(cn.statements[0]!.principal?.aws).toEqual(['arn:aws-cn:iam::111122223333:root']);
  });

  it.each([
    ['"*"', '*'],
    ['AWS *', { AWS: '*' }],
    ['user with path', { AWS: 'arn:aws:iam::111122223333:user/division/team/alice' }],
    ['role', { AWS: 'arn:aws:iam::111122223333:role/KeyAdmin' }],
    ['assumed-role session', { AWS: 'arn:aws:sts::111122223333:assumed-role/KeyAdmin/session-1' }],
    ['federated user', { AWS: 'arn:aws:sts::111122223333:federated-user/carol' }],
    ['GovCloud partition', { AWS: 'arn:aws-us-gov:iam::111122223333:root' }],
    ['service', { Service: 'ec2.amazonaws.com' }],
    ['service list', { Service: ['logs.us-east-1.amazonaws.com', 'cloudtrail.amazonaws.com'] }],
    ['federated', { Federated: 'cognito-identity.amazonaws.com' }],
    ['mixed', { AWS: ROOT, Service: 'ec2.amazonaws.com' }],
  ])('the principal form: %s', (_name, principal) => {
    expect(() => parsePolicy(keyPolicy({ ...allowAll, Principal: principal }), 'key')).not.toThrow();
  });

  it('a key-policy statement without Action or Resource (accepted, has no effect: reference §5.10)', () => {
    expect(() => parsePolicy(keyPolicy({ Effect: 'Allow', Principal: '*' }), 'key')).not.toThrow();
  });

  it('an identity policy without Principal', () => {
    expect(() => parsePolicy(keyPolicy({ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' }), 'identity')).not.toThrow();
  });

  it('Sids with spaces, Ids, NotAction/NotResource/NotPrincipal', () => {
    const text = keyPolicy(
      [
        { Sid: 'Allow use of the key', Effect: 'Allow', Principal: '*', NotAction: 'kms:Delete*', NotResource: 'arn:aws:kms:*:*:alias/*' },
        { Sid: 'Deny others', Effect: 'Deny', NotPrincipal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
      ],
      { Id: 'my-policy' },
    );
    expect(parsePolicy(text, 'key').statements).toHaveLength(2);
  });

  it('condition values that are strings, numbers, booleans and lists of them', () => {
    const text = keyPolicy({
      ...allowAll,
      Condition: {
        StringEquals: { 'kms:CallerAccount': 111122223333, 'kms:ViaService': ['a.amazonaws.com', 'b.amazonaws.com'] },
        Bool: { 'aws:SecureTransport': true },
        NumericLessThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': '10' },
      },
    });
    const clauses = parsePolicy(text, 'key').statements[0]!.conditions;
    expect(clauses.map((c) => [c.operator, c.key, c.values])).toEqual([
      ['StringEquals', 'kms:CallerAccount', ['111122223333']],
      ['StringEquals', 'kms:ViaService', ['a.amazonaws.com', 'b.amazonaws.com']],
      ['Bool', 'aws:SecureTransport', ['true']],
      ['NumericLessThanEquals', 'kms:ScheduleKeyDeletionPendingWindowInDays', ['10']],
    ]);
  });

  it('keeps a JSON number condition value as written (no float rounding, no lost leading zeros)', () => {
    const text = `{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"test:n":12345678901234567890}}}}`;
    expect(parsePolicy(text, 'key').statements[0]!.conditions[0]!.values).toEqual(['12345678901234567890']);
  });

  it('ForAnyValue with kms:EncryptionContext:<key> (only ForAllValues is rejected)', () => {
    const c = { 'ForAnyValue:StringEquals': { 'kms:EncryptionContext:dept': 'IT' } };
    expect(() => parsePolicy(keyPolicy({ ...allowAll, Condition: c }), 'key')).not.toThrow();
  });

  it('Latin-1 characters (U+0020–U+00FF) in Sid and values', () => {
    expect(() => parsePolicy(keyPolicy({ ...allowAll, Sid: 'Schlüssel für Café' }), 'key')).not.toThrow();
  });
});

describe('parsePolicy rejects with PolicySyntaxError', () => {
  const p = (statement: unknown, extra: object = {}) => keyPolicy(statement, extra);
  const cases: Array<[string, string, string, ('key' | 'identity')?]> = [
    ['invalid JSON', '{"Version": "2012-10-17", ', 'Syntax errors in policy'],
    ['trailing garbage', `${p(allowAll)} x`, 'Syntax errors in policy'],
    ['a JSON array document', '[]', 'must be a JSON object'],
    ['a JSON string document', '"policy"', 'must be a JSON object'],
    ['duplicate JSON keys', `{"Statement": ${JSON.stringify(allowAll)}, "Statement": []}`, 'duplicate key "Statement"'],
    ['an unsupported Version', JSON.stringify({ Version: '2020-01-01', Statement: allowAll }), 'Version'],
    ['a non-string Version', JSON.stringify({ Version: 2012, Statement: allowAll }), 'Version'],
    ['an unknown top-level element', JSON.stringify({ Statement: allowAll, Foo: 1 }), 'unsupported element: Foo'],
    ['a non-string Id', JSON.stringify({ Id: 1, Statement: allowAll }), 'Id'],
    ['a missing Statement', JSON.stringify({ Version: '2012-10-17' }), "'Statement'"],
    ['a string Statement', p('Allow'), 'Statement element must be'],
    ['a statement that is not an object', p([allowAll, 'x']), 'statement must be a JSON object'],
    ['an unknown statement element', p({ ...allowAll, Effects: 'Allow' }), 'unsupported element: Effects'],
    ['Effect in the wrong case', p({ ...allowAll, Effect: 'allow' }), 'Effect'],
    ['a missing Effect', p({ Principal: '*', Action: 'kms:*', Resource: '*' }), 'Effect'],
    ['a non-string Sid', p({ ...allowAll, Sid: 7 }), 'Sid'],
    ['duplicate Sids', p([{ ...allowAll, Sid: 'A' }, { ...allowAll, Sid: 'A' }]), 'unique'],
    ['Action and NotAction', p({ ...allowAll, NotAction: 'kms:Decrypt' }), 'both Action and NotAction'],
    ['Resource and NotResource', p({ ...allowAll, NotResource: '*' }), 'both Resource and NotResource'],
    ['Principal and NotPrincipal', p({ ...allowAll, Effect: 'Deny', NotPrincipal: { AWS: ROOT } }), 'both Principal and NotPrincipal'],
    ['a key-policy statement without Principal', p({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }), 'Principal'],
    ['NotPrincipal with Allow', p({ Effect: 'Allow', NotPrincipal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }), 'NotPrincipal'],
    ['Principal in an identity policy', p(allowAll), 'should not specify a principal', 'identity'],
    ['an identity statement without Action', p({ Effect: 'Allow', Resource: '*' }), 'Action', 'identity'],
    ['an identity statement without Resource', p({ Effect: 'Allow', Action: 'kms:*' }), 'Resource', 'identity'],
    ['an action without a vendor prefix', p({ ...allowAll, Action: 'Encrypt' }), 'invalid action'],
    ['an empty Action list', p({ ...allowAll, Action: [] }), 'Action element must not be empty'],
    ['a non-string action', p({ ...allowAll, Action: [1] }), 'Action'],
    ['a Resource that is not an ARN', p({ ...allowAll, Resource: 'key/1234' }), 'ARN format'],
    ['a non-object Condition', p({ ...allowAll, Condition: 'x' }), 'Condition'],
    ['an unknown condition operator', p({ ...allowAll, Condition: { StringMatches: { 'aws:x': 'y' } } }), 'unknown condition operator'],
    ['an unknown set qualifier', p({ ...allowAll, Condition: { 'ForSomeValues:StringEquals': { 'aws:x': 'y' } } }), 'unknown condition operator'],
    ['a bare IfExists', p({ ...allowAll, Condition: { IfExists: { 'aws:x': 'y' } } }), 'unknown condition operator'],
    ['NullIfExists', p({ ...allowAll, Condition: { NullIfExists: { 'aws:x': 'true' } } }), 'Null'],
    ['a set qualifier on Null', p({ ...allowAll, Condition: { 'ForAnyValue:Null': { 'aws:x': 'true' } } }), 'Null'],
    ['an operator block that is not an object', p({ ...allowAll, Condition: { StringEquals: 'x' } }), 'StringEquals'],
    ['a condition key without a vendor prefix', p({ ...allowAll, Condition: { StringEquals: { CallerAccount: 'x' } } }), 'condition key'],
    ['an object condition value', p({ ...allowAll, Condition: { StringEquals: { 'aws:x': { a: 1 } } } }), 'strings, numbers or booleans'],
    ['a null condition value', p({ ...allowAll, Condition: { StringEquals: { 'aws:x': null } } }), 'strings, numbers or booleans'],
    ['a nested list condition value', p({ ...allowAll, Condition: { StringEquals: { 'aws:x': [['a']] } } }), 'strings, numbers or booleans'],
    ['an empty condition value list', p({ ...allowAll, Condition: { StringEquals: { 'aws:x': [] } } }), 'empty list'],
    ['a non-numeric NumericEquals value', p({ ...allowAll, Condition: { NumericEquals: { 'aws:x': 'ten' } } }), 'Invalid value "ten"'],
    ['a bad date', p({ ...allowAll, Condition: { DateLessThan: { 'aws:CurrentTime': '2024-13-01' } } }), 'Invalid value'],
    ['a bad Bool value', p({ ...allowAll, Condition: { Bool: { 'aws:SecureTransport': 'yes' } } }), 'Invalid value "yes"'],
    ['a bad Null value', p({ ...allowAll, Condition: { Null: { 'aws:x': 'maybe' } } }), 'Invalid value'],
    ['a bad CIDR', p({ ...allowAll, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }), 'Invalid value'],
    ['a bad IP', p({ ...allowAll, Condition: { NotIpAddress: { 'aws:SourceIp': '300.1.1.1' } } }), 'Invalid value'],
    ['bad base64 in BinaryEquals', p({ ...allowAll, Condition: { BinaryEquals: { 'aws:x': 'not base64' } } }), 'Invalid value'],
    [
      'ForAllValues with kms:EncryptionContext:<key>',
      p({ ...allowAll, Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:Dept': 'IT' } } }),
      'OverlyPermissiveCondition',
    ],
    [
      'ForAllValues with aws:RequestTag/<key>',
      p({ ...allowAll, Condition: { 'ForAllValues:StringLike': { 'aws:RequestTag/Owner': '*' } } }),
      'OverlyPermissiveCondition',
    ],
    ['a character outside Latin-1', p({ ...allowAll, Sid: 'key \u2014 dash' }), 'U+2014'],
    ['a control character', `{"Statement":${JSON.stringify(allowAll)}}\u0000`, 'U+0000'],
  ];
  it.each(cases)('%s', (_name, text, message, kind) => {
    expect(errorOf(text, kind ?? 'key').message).toContain(message);
  });

  const badPrincipals: Array<[string, unknown]> = [
    ['a bare ARN string', ROOT],
    ['an empty object', {}],
    ['an unknown principal type', { CanonicalUser: 'abc' }],
    ['an empty AWS list', { AWS: [] }],
    ['a non-string AWS value', { AWS: 111122223333 }],
    ['an 11-digit account id', { AWS: '11112222333' }],
    ['a wildcard inside an ARN', { AWS: 'arn:aws:iam::111122223333:user/*' }],
    ['a wildcard account', { AWS: 'arn:aws:iam::*:root' }],
    ['an IAM group', { AWS: 'arn:aws:iam::111122223333:group/Admins' }],
    ['a KMS ARN', { AWS: 'arn:aws:kms:us-east-1:111122223333:key/abc' }],
    ['a unique id', { AWS: 'AIDAJQABLZS4A3QDU576Q' }],
    ['an empty string', { AWS: '' }],
    ['a bad service name', { Service: 'EC2 service' }],
    ['a wildcard service', { Service: '*' }],
  ];
  it.each(badPrincipals)('an invalid principal: %s', (_name, principal) => {
    expect(errorOf(keyPolicy({ ...allowAll, Principal: principal })).message).toBe(INVALID_PRINCIPALS);
  });

  it('also checks NotPrincipal', () => {
    const text = keyPolicy({ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:user/a*' }, Action: 'kms:*', Resource: '*' });
    expect(errorOf(text).message).toBe(INVALID_PRINCIPALS);
  });
});

describe('checkPolicyCharacters', () => {
  it('allows TAB, LF, CR and U+0020–U+00FF', () => {
    expect(() => checkPolicyCharacters('\t\n\r ~\u00a0\u00ff')).not.toThrow();
  });

  it.each(['\u0001', '\u000b', '\u0100', '\u{1f600}', '\ufeff'])('rejects %j', (ch) => {
    expect(() => checkPolicyCharacters(`{}${ch}`)).toThrow(PolicySyntaxError);
  });
});
