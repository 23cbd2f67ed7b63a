import { describe, expect, it } from 'vitest';
import { PolicyCache } from './policy-cache.js';
import { PolicySyntaxError } from '../../policy/index.js';

const doc = (condition: object) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: condition }] });

describe('policy cache', () => {
  it('returns the same parsed policy for the same text, and re-parses changed text', () => {
    const c = new PolicyCache(10);
    const text = doc({ Bool: { 'aws:SecureTransport': 'false' } });
    const a = c.parse(text, 'identity', 'aws');
    expect(c.parse(text, 'identity', 'aws')).toBe(a);
    expect(c.parse(text.replace('false', 'true'), 'identity', 'aws')).not.toBe(a);
    // Kinds are separate: the same text is not a valid key policy (no Principal).
    expect(() => c.parse(text, 'key', 'aws')).toThrow(PolicySyntaxError);
  });

  it('remembers syntax errors and stays within its bound', () => {
    const c = new PolicyCache(3);
    expect(() => c.parse('{', 'identity', 'aws')).toThrow(PolicySyntaxError);
    expect(() => c.parse('{', 'identity', 'aws')).toThrow(PolicySyntaxError);
    const texts = [1, 2, 3, 4].map((i) => doc({ NumericEquals: { 'kms:x': String(i) } }));
    const first = c.parse(texts[0]!, 'identity', 'aws');
    for (const t of texts.slice(1)) c.parse(t, 'identity', 'aws');
    // The oldest entry was evicted: parsing again yields a new object.
    expect(c.parse(texts[0]!, 'identity', 'aws')).not.toBe(first);
  });

  it('notes which policies need resource tags or aliases, in conditions and in variables', () => {
    const c = new PolicyCache();
    expect(c.needs(c.parse(doc({ StringEquals: { 'aws:ResourceTag/team': 'x' } }), 'identity', 'aws'))).toEqual({ conditionKeys: true, resourceTags: true, resourceAliases: false });
    expect(c.needs(c.parse(doc({ 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/app-*' } }), 'identity', 'aws'))).toEqual({
      conditionKeys: true,
      resourceTags: false,
      resourceAliases: true,
    });
    expect(c.needs(c.parse(doc({ StringEquals: { 'aws:PrincipalTag/team': '${aws:resourcetag/team}' } }), 'identity', 'aws')).resourceTags).toBe(true);
    expect(c.needs(c.parse(doc({ StringEquals: { 'kms:EncryptionContext:a': 'b' } }), 'identity', 'aws'))).toEqual({ conditionKeys: true, resourceTags: false, resourceAliases: false });
    const plain = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });
    expect(c.needs(c.parse(plain, 'identity', 'aws')).conditionKeys).toBe(false);
    const templated = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: 'arn:aws:kms:*:*:key/${aws:username}' }] });
    expect(c.needs(c.parse(templated, 'identity', 'aws')).conditionKeys).toBe(true);
  });

  it('memoizes per owner object', async () => {
    const c = new PolicyCache();
    const owner = {};
    let calls = 0;
    const load = async () => ++calls;
    expect(await c.memo(owner, 'x', load)).toBe(1);
    expect(await c.memo(owner, 'x', load)).toBe(1);
    expect(await c.memo({}, 'x', load)).toBe(2);
  });
});
