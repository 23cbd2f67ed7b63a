/**
 * The building blocks against AWS's published examples (AWS General Reference, "Examples of how
 * to derive a signing key", and the aws-sig-v4-test-suite cases get-vanilla and
 * get-vanilla-query-order-key-case; secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY).
 */
import { describe, expect, it } from 'vitest';
import { canonicalHeaderValue, canonicalQuery, canonicalUri, hasQueryAuth, uriEncode } from './sigv4-canonical.js';
import { formatAmzDate, parseAmzDate } from './sigv4-parse.js';
import { deriveSigningKey, staticSigningSecret, verifySigV4 } from './index.js';

const DOC_SECRET = Buffer.from('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');

describe('SigV4 building blocks', () => {
  it('derives the signing key of the AWS documentation example', () => {
    expect(Buffer.from(deriveSigningKey(DOC_SECRET, '20120215', 'us-east-1', 'iam')).toString('hex')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });

  it('caches derived keys per scope in staticSigningSecret and copies the secret', () => {
    const secret = Buffer.from(DOC_SECRET);
    const s = staticSigningSecret(secret);
    secret.fill(0);
    const k = s.signingKey('20120215', 'us-east-1', 'iam');
    expect(s.signingKey('20120215', 'us-east-1', 'iam')).toBe(k);
    expect(Buffer.from(k as Uint8Array).toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });

  it.each([
    ['get-vanilla', '/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['get-vanilla-query-order-key-case', '/?Param2=value2&Param1=value1', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
  ])('verifies the aws-sig-v4-test-suite case %s', async (_name, rawUrl, signature) => {
    const v = await verifySigV4(
      {
        method: 'GET',
        rawUrl,
        rawHeaders: [
          'Host', 'example.amazonaws.com',
          'X-Amz-Date', '20150830T123600Z',
          'Authorization',
          `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
        ],
        body: Buffer.alloc(0),
      },
      { service: 'service', now: Date.UTC(2015, 7, 30, 12, 36), lookup: async () => staticSigningSecret(DOC_SECRET) },
    );
    expect(v.accessKeyId).toBe('AKIDEXAMPLE');
  });

  it('URI-encodes everything but RFC 3986 unreserved characters, with upper-case hex', () => {
    expect(uriEncode("AZaz09-._~ !'()*/+=:@€")).toBe('AZaz09-._~%20%21%27%28%29%2A%2F%2B%3D%3A%40%E2%82%AC');
  });

  it.each([
    ['/', '/'],
    ['', '/'],
    ['/example/uri/path/prefix/kms/xks/v1/keys/foo/encrypt', '/example/uri/path/prefix/kms/xks/v1/keys/foo/encrypt'],
    ['/keys/a%20b', '/keys/a%2520b'],
    ['/keys/x:y', '/keys/x%3Ay'],
    ['/a/./b/../c', '/a/c'],
    ['//a//b/', '/a/b/'],
    ['/..', '/'],
  ])('canonicalises the path %j as %j', (raw, canonical) => {
    expect(canonicalUri(raw)).toBe(canonical);
  });

  it.each([
    ['', ''],
    ['b=2&a=1', 'a=1&b=2'],
    ['a=2&a=1&a', 'a=&a=1&a=2'],
    ['x=a+b&y=%7e&z=%zz', 'x=a%2Bb&y=~&z=%25zz'],
    ['q=a%20b&&p', 'p=&q=a%20b'],
  ])('canonicalises the query %j as %j', (raw, canonical) => {
    expect(canonicalQuery(raw)).toBe(canonical);
  });

  it('recognises presigned-URL parameters', () => {
    expect(hasQueryAuth('X-Amz-Algorithm=AWS4-HMAC-SHA256')).toBe(true);
    expect(hasQueryAuth('a=1&x-amz-signature=ab')).toBe(true);
    expect(hasQueryAuth('a=X-Amz-Signature')).toBe(false);
  });

  it('trims, collapses whitespace and comma-joins repeated header values', () => {
    expect(canonicalHeaderValue(['  a   b \t c  '])).toBe('a b c');
    expect(canonicalHeaderValue([' a ', 'b  c', ''])).toBe('a,b c,');
  });

  it('parses and formats X-Amz-Date strictly', () => {
    expect(parseAmzDate('20261122T141218Z')).toBe(Date.UTC(2026, 10, 22, 14, 12, 18));
    expect(parseAmzDate('20240229T000000Z')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of ['20230229T000000Z', '20261122T141260Z', '20261122T241218Z', '20261122t141218z', ' 20261122T141218Z']) {
      expect(parseAmzDate(bad), bad).toBeUndefined();
    }
    expect(formatAmzDate(Date.UTC(2026, 10, 22, 14, 25, 0, 999))).toBe('20261122T142500Z');
  });
});
