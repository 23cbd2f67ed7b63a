import { describe, expect, it } from 'vitest';
import { PolicySyntaxError } from './errors.js';
import { ipInCidr, parseCidr, parseIp } from './ip.js';
import { JsonNumber, parseJsonStrict } from './json.js';
import { arnMatch, compileGlob, globMatch } from './wildcard.js';

describe('parseJsonStrict', () => {
  it('reads objects as Maps, keeping __proto__ as a plain key', () => {
    const v = parseJsonStrict('{"__proto__": {"a": [1, true, null, "s"]}}');
    expect(v).toBeInstanceOf(Map);
    const inner = (v as Map<string, unknown>).get('__proto__') as Map<string, unknown>;
    expect(inner.get('a')).toEqual([new JsonNumber(1, '1'), true, null, 's']);
  });

  it('keeps number source text', () => {
    expect(parseJsonStrict('-1.50e+3')).toEqual(new JsonNumber(-1500, '-1.50e+3'));
  });

  it('decodes string escapes', () => {
    expect(parseJsonStrict('"a\\"b\\u00e9\\n"')).toBe('a"bé\n');
  });

  it.each([
    ['{"a":1,"a":2}', 'duplicate key "a"'],
    ['{"a":{"b":1,"b":1}}', 'duplicate key "b"'],
    ['', 'Syntax errors'],
    ['{', 'Syntax errors'],
    ['{"a" 1}', "expected ':'"],
    ['[1,]', 'Syntax errors'],
    ['{"a":1,}', 'expected a string key'],
    ["{'a':1}", 'expected a string key'],
    ['"tab\there"', 'Syntax errors'],
    ['01', 'trailing'],
    ['NaN', 'Syntax errors'],
    ['[1] [2]', 'trailing'],
    ['['.repeat(100) + ']'.repeat(100), 'nesting too deep'],
  ])('rejects %j', (text, message) => {
    expect(() => parseJsonStrict(text)).toThrow(PolicySyntaxError);
    expect(() => parseJsonStrict(text)).toThrow(message);
  });
});

describe('glob matching', () => {
  it.each([
    ['*', '', true],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a*b?d', 'axxbcd', true],
    ['a*b?d', 'axxbd', false],
    ['**', 'x', true],
    ['abc', 'abcd', false],
    ['é?', 'é😀', true],
  ])('%s ~ %s → %s', (p, s, expected) => {
    expect(globMatch(compileGlob(p), s)).toBe(expected);
  });

  it('is case-insensitive only when compiled so', () => {
    expect(globMatch(compileGlob('KMS:En*'), 'kms:encrypt')).toBe(false);
    expect(globMatch(compileGlob('KMS:En*', true), 'kms:encrypt')).toBe(true);
  });

  it('does not backtrack exponentially on many stars', () => {
    const p = compileGlob(`${'*a'.repeat(40)}b`);
    const t = performance.now();
    expect(globMatch(p, 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('matches ARNs component by component', () => {
    expect(arnMatch(compileGlob('arn:aws:s3:::bucket/*'), 'arn:aws:s3:::bucket/a:b/c')).toBe(true);
    expect(arnMatch(compileGlob('arn:*:iam::*:role/*'), 'arn:aws-cn:iam::111122223333:role/x')).toBe(true);
    expect(arnMatch(compileGlob('arn:aws:iam::*:role/*'), 'arn:aws:iam::111122223333:user/role/x')).toBe(false);
    expect(arnMatch(compileGlob('arn:aws*'), 'arn:aws:iam::1:root')).toBe(false);
  });
});

describe('IP addresses and CIDR ranges', () => {
  it.each([
    ['192.0.2.1', 4],
    ['::1', 6],
    ['2001:db8::8a2e:370:7334', 6],
    ['::ffff:192.0.2.1', 4],
    ['::ffff:c000:201', 4],
  ])('parses %s as IPv%i', (s, v) => {
    expect(parseIp(s)?.v).toBe(v);
  });

  it('treats a mapped IPv6 address as the IPv4 address it carries', () => {
    expect(parseIp('::ffff:192.0.2.1')).toEqual(parseIp('192.0.2.1'));
    expect(parseIp('::ffff:c000:201')).toEqual(parseIp('192.0.2.1'));
  });

  it.each(['', '1.2.3', '1.2.3.256', 'fe80::1%eth0', '::g', 'localhost'])('rejects the address %j', (s) => {
    expect(parseIp(s)).toBeUndefined();
  });

  it.each(['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1', '::/129', 'x/8', '10.0.0.0/8/8'])('rejects the range %j', (s) => {
    expect(parseCidr(s)).toBeUndefined();
  });

  it('masks host bits and handles /0 and full-length prefixes', () => {
    expect(ipInCidr(parseIp('10.255.1.1')!, parseCidr('10.1.2.3/8')!)).toBe(true);
    expect(ipInCidr(parseIp('8.8.8.8')!, parseCidr('0.0.0.0/0')!)).toBe(true);
    expect(ipInCidr(parseIp('2001:db8::1')!, parseCidr('::/0')!)).toBe(true);
    expect(ipInCidr(parseIp('2001:db8::1')!, parseCidr('2001:db8::1/128')!)).toBe(true);
    expect(ipInCidr(parseIp('2001:db8::2')!, parseCidr('2001:db8::1/128')!)).toBe(false);
    expect(ipInCidr(parseIp('2001:db8:ffff::1')!, parseCidr('2001:db8:8000::/33')!)).toBe(true);
    expect(ipInCidr(parseIp('2001:db8:7fff::1')!, parseCidr('2001:db8:8000::/33')!)).toBe(false);
  });
});
