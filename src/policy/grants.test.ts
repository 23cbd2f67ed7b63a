import { describe, expect, it } from 'vitest';
import { constraintsAtLeastAsStrict, constraintsSatisfied, type GrantLike, grantAllows } from './grants.js';

const BOB = 'arn:aws:iam::444455556666:user/bob';
const ROLE = 'arn:aws:iam::444455556666:role/Worker';
const SESSION = 'arn:aws:sts::444455556666:assumed-role/Worker/s1';
const ec = (o: Record<string, string>) => new Map(Object.entries(o));

describe('grantAllows', () => {
  const plain: GrantLike = { granteePrincipal: BOB, operations: ['Encrypt', 'Decrypt', 'DescribeKey'] };

  it('allows a listed operation for the grantee, with or without the kms: prefix', () => {
    expect(grantAllows([plain], { operation: 'Decrypt', granteeArn: BOB })).toBe(true);
    expect(grantAllows([plain], { operation: 'kms:Decrypt', granteeArn: BOB })).toBe(true);
  });

  it('does not allow other operations or other principals', () => {
    expect(grantAllows([plain], { operation: 'GenerateDataKey', granteeArn: BOB })).toBe(false);
    expect(grantAllows([plain], { operation: 'Decrypt', granteeArn: 'arn:aws:iam::444455556666:user/eve' })).toBe(false);
    expect(grantAllows([], { operation: 'Decrypt', granteeArn: BOB })).toBe(false);
  });

  it('matches a grant to a role for an assumed-role session of it', () => {
    const g: GrantLike = { granteePrincipal: ROLE, operations: ['Decrypt'] };
    expect(grantAllows([g], { operation: 'Decrypt', granteeArn: SESSION, alternateArns: [ROLE] })).toBe(true);
    expect(grantAllows([g], { operation: 'Decrypt', granteeArn: SESSION })).toBe(false);
  });

  it('allows when any one of several grants allows', () => {
    const other: GrantLike = { granteePrincipal: BOB, operations: ['GenerateDataKey'] };
    expect(grantAllows([plain, other], { operation: 'GenerateDataKey', granteeArn: BOB })).toBe(true);
  });

  describe('EncryptionContextEquals', () => {
    const g: GrantLike = {
      granteePrincipal: BOB,
      operations: ['Decrypt', 'DescribeKey', 'RetireGrant'],
      constraints: { EncryptionContextEquals: { Department: 'IT', Project: 'Alpha' } },
    };
    it.each([
      ['the exact context', { Department: 'IT', Project: 'Alpha' }, true],
      ['keys in another case (keys compare case-insensitively)', { department: 'IT', PROJECT: 'Alpha' }, true],
      ['a value in another case (values are case-sensitive)', { Department: 'it', Project: 'Alpha' }, false],
      ['an extra pair', { Department: 'IT', Project: 'Alpha', Owner: 'x' }, false],
      ['a missing pair', { Department: 'IT' }, false],
      ['no context', undefined, false],
      ['the same key twice in different case', { Department: 'IT', department: 'IT', Project: 'Alpha' }, false],
    ])('%s → %s', (_name, context, expected) => {
      expect(
        grantAllows([g], { operation: 'Decrypt', granteeArn: BOB, ...(context ? { encryptionContext: ec(context) } : {}) }),
      ).toBe(expected);
    });

    it('an empty Equals map requires an empty context', () => {
      const empty: GrantLike = { granteePrincipal: BOB, operations: ['Encrypt'], constraints: { EncryptionContextEquals: {} } };
      expect(grantAllows([empty], { operation: 'Encrypt', granteeArn: BOB })).toBe(true);
      expect(grantAllows([empty], { operation: 'Encrypt', granteeArn: BOB, encryptionContext: ec({ a: 'b' }) })).toBe(false);
    });

    it('is not applied to operations without an encryption context (DescribeKey, RetireGrant)', () => {
      expect(grantAllows([g], { operation: 'DescribeKey', granteeArn: BOB })).toBe(true);
      expect(grantAllows([g], { operation: 'RetireGrant', granteeArn: BOB })).toBe(true);
    });
  });

  describe('EncryptionContextSubset', () => {
    const g: GrantLike = {
      granteePrincipal: BOB,
      operations: ['Encrypt', 'GenerateDataKey', 'ReEncryptTo'],
      constraints: { EncryptionContextSubset: { Department: 'IT' } },
    };
    it.each([
      ['exactly the pair', { Department: 'IT' }, true],
      ['the pair plus others', { Department: 'IT', Project: 'Alpha' }, true],
      ['the key in another case', { DEPARTMENT: 'IT' }, true],
      ['another value', { Department: 'HR' }, false],
      ['the value in another case', { Department: 'It' }, false],
      ['other pairs only', { Project: 'Alpha' }, false],
      ['no context', undefined, false],
    ])('%s → %s', (_name, context, expected) => {
      expect(
        grantAllows([g], { operation: 'GenerateDataKey', granteeArn: BOB, ...(context ? { encryptionContext: ec(context) } : {}) }),
      ).toBe(expected);
    });
  });

  it('requires both constraints when a grant has both', () => {
    const c = { EncryptionContextEquals: { a: '1', b: '2' }, EncryptionContextSubset: { a: '1' } };
    expect(constraintsSatisfied(c, ec({ a: '1', b: '2' }))).toBe(true);
    expect(constraintsSatisfied({ ...c, EncryptionContextSubset: { c: '3' } }, ec({ a: '1', b: '2' }))).toBe(false);
  });

  it('keeps a __proto__ key as data', () => {
    const constraints = JSON.parse('{"EncryptionContextEquals": {"__proto__": "x"}}') as GrantLike['constraints'];
    const g: GrantLike = { granteePrincipal: BOB, operations: ['Decrypt'], ...(constraints ? { constraints } : {}) };
    expect(grantAllows([g], { operation: 'Decrypt', granteeArn: BOB, encryptionContext: ec({}) })).toBe(false);
    expect(grantAllows([g], { operation: 'Decrypt', granteeArn: BOB, encryptionContext: new Map([['__proto__', 'x']]) })).toBe(true);
  });
});

describe('constraintsAtLeastAsStrict (child grants created under a constrained grant)', () => {
  const subset = { EncryptionContextSubset: { Department: 'IT' } };
  const equals = { EncryptionContextEquals: { Department: 'IT', Project: 'A' } };
  it.each([
    ['unconstrained parent, any child', undefined, undefined, true],
    ['subset parent, unconstrained child', subset, undefined, false],
    ['subset parent, same subset child', subset, subset, true],
    ['subset parent, stricter subset child', subset, { EncryptionContextSubset: { department: 'IT', Project: 'A' } }, true],
    ['subset parent, different subset child', subset, { EncryptionContextSubset: { Project: 'A' } }, false],
    ['subset parent, equals child containing the pair', subset, equals, true],
    ['subset parent, equals child without the pair', subset, { EncryptionContextEquals: { Project: 'A' } }, false],
    ['equals parent, same equals child', equals, equals, true],
    ['equals parent, other equals child', equals, { EncryptionContextEquals: { Department: 'IT' } }, false],
    ['equals parent, subset child', equals, { EncryptionContextSubset: { Department: 'IT', Project: 'A' } }, false],
  ])('%s → %s', (_name, parent, child, expected) => {
    expect(constraintsAtLeastAsStrict(parent, child)).toBe(expected);
  });
});
