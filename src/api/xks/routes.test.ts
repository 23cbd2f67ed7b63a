import { describe, expect, it } from 'vitest';
import { parseXksPath } from './routes.js';

describe('XKS URI paths', () => {
  it.each([
    ['/kms/xks/v1/health', { prefix: '', operation: 'GetHealthStatus' }],
    ['/example/uri/path/prefix/kms/xks/v1/health', { prefix: '/example/uri/path/prefix', operation: 'GetHealthStatus' }],
    ['/p/kms/xks/v1/keys/foo/metadata', { prefix: '/p', operation: 'GetKeyMetadata', externalKeyId: 'foo' }],
    ['/p/kms/xks/v1/keys/a.B-c_9/encrypt', { prefix: '/p', operation: 'Encrypt', externalKeyId: 'a.B-c_9' }],
    ['/p/kms/xks/v1/keys/k/decrypt?x=1', { prefix: '/p', operation: 'Decrypt', externalKeyId: 'k' }],
    ['/kms/xks/v1/kms/xks/v1/health', { prefix: '/kms/xks/v1', operation: 'GetHealthStatus' }],
  ])('parses %s', (path, route) => {
    expect(parseXksPath(path)).toStrictEqual(route);
  });

  it.each([
    '/',
    '/kms/xks/v1',
    '/kms/xks/v1/',
    '/kms/xks/v2/health',
    '/p/kms/xks/v1/health/',
    '/p/kms/xks/v1/keys//encrypt',
    '/p/kms/xks/v1/keys/foo/sign',
    '/p/kms/xks/v1/keys/fo%6F/encrypt',
    '/p/kms/xks/v1/keys/a/b/encrypt',
    '//kms/xks/v1/health',
    `/p/kms/xks/v1/keys/${'k'.repeat(129)}/encrypt`,
    'p/kms/xks/v1/health',
  ])('is not an XKS path: %s', (path) => {
    expect(parseXksPath(path)).toBeUndefined();
  });

  it('accepts external key ids of 128 characters', () => {
    expect(parseXksPath(`/kms/xks/v1/keys/${'k'.repeat(128)}/metadata`)?.externalKeyId).toHaveLength(128);
  });
});
