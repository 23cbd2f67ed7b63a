import { describe, expect, it } from 'vitest';
import { XksRuleSyntaxError, evaluateXksRules, parseXksRuleSet } from './rules.js';

const alice = {
  awsPrincipalArn: 'arn:aws:iam::123456789012:user/Alice',
  kmsOperation: 'Encrypt',
  kmsViaService: 'ebs',
};

describe('XKS secondary authorization rules', () => {
  it('allows everything when a key has no rule set or an empty one', () => {
    expect(evaluateXksRules(undefined, alice)).toStrictEqual({ allowed: true });
    expect(evaluateXksRules({ rules: [] }, alice)).toStrictEqual({ allowed: true });
  });

  it('allows a request that one Allow rule matches on every condition it states', () => {
    const set = parseXksRuleSet([
      { sid: 'ebs', principals: ['arn:aws:iam::123456789012:*'], operations: ['Encrypt', 'Decrypt'], viaServices: ['ebs'] },
    ]);
    expect(evaluateXksRules(set, alice).allowed).toBe(true);
  });

  it('denies naming each Allow rule and the first field it did not match', () => {
    const set = parseXksRuleSet({
      rules: [
        { sid: 'other-account', principals: ['arn:aws:iam::999999999999:*'] },
        { sid: 'decrypt-only', operations: ['Decrypt'] },
      ],
    });
    expect(evaluateXksRules(set, alice)).toStrictEqual({
      allowed: false,
      reason: "no rule allows the request: 'other-account' (awsPrincipalArn), 'decrypt-only' (kmsOperation) did not match",
    });
  });

  it('lets a matching Deny rule win over a matching Allow rule, and names it', () => {
    const set = parseXksRuleSet([
      { sid: 'all', effect: 'Allow', principals: ['*'] },
      { sid: 'no-bob', effect: 'Deny', principals: ['*:user/Bob'] },
    ]);
    expect(evaluateXksRules(set, { ...alice, awsPrincipalArn: 'arn:aws:iam::123456789012:user/Bob' })).toStrictEqual({
      allowed: false,
      rule: 'no-bob',
      reason: "denied by rule 'no-bob'",
    });
    expect(evaluateXksRules(set, alice).allowed).toBe(true);
  });

  it('matches a field KMS did not send as the empty string', () => {
    const set = parseXksRuleSet([{ sid: 'vpce', sourceVpcEndpoints: ['vpce-1a2b3c4d'] }]);
    expect(evaluateXksRules(set, alice).allowed).toBe(false);
    expect(evaluateXksRules(set, { ...alice, awsSourceVpce: 'vpce-1a2b3c4d' }).allowed).toBe(true);
    const direct = parseXksRuleSet([{ sid: 'direct-or-ebs', viaServices: ['ebs', ''] }]);
    expect(evaluateXksRules(direct, { ...alice, kmsViaService: undefined }).allowed).toBe(true);
    expect(evaluateXksRules(direct, { ...alice, kmsViaService: 's3' }).allowed).toBe(false);
  });

  it('treats * and ? as wildcards and everything else literally, case-sensitively', () => {
    const set = parseXksRuleSet([{ sid: 'r', principals: ['arn:aws:iam::12345678901?:user/A*'] }]);
    expect(evaluateXksRules(set, alice).allowed).toBe(true);
    expect(evaluateXksRules(set, { ...alice, awsPrincipalArn: 'arn:aws:iam::123456789012:user/alice' }).allowed).toBe(false);
  });

  it.each([
    ['a non-list', 'x'],
    ['a rule without sid', [{ principals: ['*'] }]],
    ['a bad sid', [{ sid: 'has space' }]],
    ['a repeated sid', [{ sid: 'a' }, { sid: 'a' }]],
    ['an unknown effect', [{ sid: 'a', effect: 'Maybe' }]],
    ['an unknown field', [{ sid: 'a', principal: ['*'] }]],
    ['an empty pattern list', [{ sid: 'a', operations: [] }]],
    ['a non-string pattern', [{ sid: 'a', operations: [1] }]],
    ['non-ASCII patterns', [{ sid: 'a', operations: ['Encrypt\u00e9'] }]],
    ['too many rules', Array.from({ length: 51 }, (_, i) => ({ sid: `r${i}` }))],
  ])('rejects %s', (_what, value) => {
    expect(() => parseXksRuleSet(value)).toThrow(XksRuleSyntaxError);
  });
});
