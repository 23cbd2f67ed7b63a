/**
 * Issue 9: every row of the XKS proxy API error table that a request can produce, on a listening
 * loopback server (SoftHSM token, SQLite file), signed by @smithy/signature-v4: authentication,
 * URI paths and methods, validation, throttling, dependency timeouts and internal failures.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXksKey } from '../../src/kms/xks/keys.js';
import { b64, expectXksError, requestMetadata, signXks, startXksTestProxy, xksPost, type XksTestProxy } from '../support/xks.js';

const KEY = 'k1';
const enc = (over: Record<string, unknown> = {}) => ({
  requestMetadata: requestMetadata('Encrypt'),
  plaintext: b64('hello'),
  encryptionAlgorithm: 'AES_GCM',
  ...over,
});

describe('XKS error table', () => {
  let p: XksTestProxy;
  beforeAll(async () => {
    p = await startXksTestProxy('wrapped', { tenant: 't', uriPathPrefix: '/tenant/one', externalKeyId: KEY });
  });
  afterAll(async () => {
    await p?.close();
  });

  describe('401 AuthenticationFailedException', () => {
    it.each([
      ['an unknown access key id', (c: { accessKeyId: string; secretAccessKey: string }) => ({ ...c, accessKeyId: `Invalid${c.accessKeyId}` })],
      ['a wrong secret', (c: { accessKeyId: string; secretAccessKey: string }) => ({ ...c, secretAccessKey: `Invalid${c.secretAccessKey}` })],
    ])('for %s', async (_what, change) => {
      expectXksError(await p.post(`keys/${KEY}/encrypt`, enc(), change(p.creds)), 401, 'AuthenticationFailedException');
      expectXksError(await p.post('health', { requestMetadata: { kmsOperation: 'KmsHealthCheck', kmsRequestId: 'x' } }, change(p.creds)), 401, 'AuthenticationFailedException');
    });

    it('for a request signed more than 5 minutes ago or ahead', async () => {
      for (const offset of [-6 * 60_000, 6 * 60_000]) {
        const r = await p.post(`keys/${KEY}/encrypt`, enc(), p.creds, { signingDate: new Date(Date.now() + offset) });
        expectXksError(r, 401, 'AuthenticationFailedException');
      }
    });

    it('for a signature scoped to another service, or a body changed after signing', async () => {
      const path = `${p.fx.basePath}/keys/${KEY}/encrypt`;
      const body = JSON.stringify(enc());
      const asKms = await signXks(p.fx.url, path, body, p.creds, { service: 'kms' });
      expect((await fetch(`${p.fx.url}${path}`, { method: 'POST', headers: asKms, body })).status).toBe(401);
      const signed = await signXks(p.fx.url, path, body, p.creds);
      const tampered = body.replace('aGVsbG8=', 'aGVsbG9=');
      expect(tampered).not.toBe(body);
      const r = await fetch(`${p.fx.url}${path}`, { method: 'POST', headers: signed, body: tampered });
      expect(r.status).toBe(401);
      expect(((await r.json()) as Record<string, unknown>).errorName).toBe('AuthenticationFailedException');
      expect((await fetch(`${p.fx.url}${path}`, { method: 'POST', headers: signed, body })).status).toBe(200);
    });

    it('without an Authorization header', async () => {
      const res = await fetch(`${p.fx.url}${p.fx.basePath}/health`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(401);
    });

    it('accepts any KMS region in the credential scope', async () => {
      expect((await p.post(`keys/${KEY}/encrypt`, enc(), p.creds, { region: 'ap-southeast-2' })).status).toBe(200);
    });
  });

  describe('404 InvalidUriPathException and 405', () => {
    const call = (path: string, method = 'POST') => xksPost(p.fx.url, path, enc(), p.creds, { method });

    it.each([
      '/tenant/one/invalid/kms/xks/v1/keys/k1/encrypt',
      '/other/kms/xks/v1/health',
      '/kms/xks/v1/health',
      '/tenant/one/kms/xks/v1/keys/k1/sign',
      '/tenant/one/kms/xks/v2/keys/k1/encrypt',
      '/tenant/one/kms/xks/v1/keys/k%31/encrypt',
      '/',
    ])('POST %s → 404 InvalidUriPathException', async (path) => {
      expectXksError(await call(path), 404, 'InvalidUriPathException');
    });

    it('GET on an XKS URI → 405 with Allow: POST; GET elsewhere → 404', async () => {
      for (const rest of ['health', `keys/${KEY}/metadata`, `keys/${KEY}/encrypt`, `keys/${KEY}/decrypt`]) {
        const r = await call(`${p.fx.basePath}/${rest}`, 'GET');
        expect(r.status).toBe(405);
        expect(r.headers.get('allow')).toBe('POST');
      }
      expectXksError(await call('/nowhere/kms/xks/v1/health', 'GET'), 404, 'InvalidUriPathException');
      expect((await call(`${p.fx.basePath}/health`, 'PUT')).status).toBe(405);
    });

    it('answers load-balancer GETs on /healthz and /readyz', async () => {
      expect((await fetch(`${p.fx.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${p.fx.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toStrictEqual({ status: 'ok' });
    });
  });

  describe('400 ValidationException', () => {
    const { kmsKeyArn: _k, ...noKeyArn } = requestMetadata('Encrypt');
    const { awsPrincipalArn: _p, ...noPrincipal } = requestMetadata('Encrypt');
    it.each([
      ['a body that is not JSON', 'plain text'],
      ['a JSON array', '[]'],
      ['no plaintext', JSON.stringify(enc({ plaintext: undefined }))],
      ['an empty plaintext', JSON.stringify(enc({ plaintext: '' }))],
      ['a plaintext that is not base64', JSON.stringify(enc({ plaintext: 'not base64!' }))],
      ['URL-safe base64', JSON.stringify(enc({ plaintext: '-_-_' }))],
      ['a numeric plaintext', JSON.stringify(enc({ plaintext: 42 }))],
      ['no encryptionAlgorithm', JSON.stringify(enc({ encryptionAlgorithm: undefined }))],
      ['no kmsKeyArn', JSON.stringify(enc({ requestMetadata: noKeyArn }))],
      ['no awsPrincipalArn', JSON.stringify(enc({ requestMetadata: noPrincipal }))],
      ['a numeric kmsRequestId', JSON.stringify(enc({ requestMetadata: { ...requestMetadata('Encrypt'), kmsRequestId: 7 } }))],
      ['an ARN over 2048 characters', JSON.stringify(enc({ requestMetadata: requestMetadata('Encrypt', { awsPrincipalArn: `arn:aws:iam::1:user/${'a'.repeat(2040)}` }) }))],
    ])('Encrypt with %s', async (_what, body) => {
      expectXksError(await p.post(`keys/${KEY}/encrypt`, body), 400, 'ValidationException');
    });

    it('accepts ARNs of 2048 characters', async () => {
      const arn = `arn:aws:iam::123456789012:user/${'a'.repeat(2048 - 31)}`;
      expect(arn).toHaveLength(2048);
      expect((await p.post(`keys/${KEY}/encrypt`, enc({ requestMetadata: requestMetadata('Encrypt', { awsPrincipalArn: arn, kmsKeyArn: arn }) }))).status).toBe(200);
    });

    it.each([
      ['a 13-byte IV', { initializationVector: b64(randomBytes(13)) }],
      ['a 15-byte tag', { authenticationTag: b64(randomBytes(15)) }],
      ['no tag', { authenticationTag: undefined }],
      ['21 bytes of ciphertextMetadata', { ciphertextMetadata: b64(randomBytes(21)) }],
    ])('Decrypt with %s', async (_what, over) => {
      const body = {
        requestMetadata: requestMetadata('Decrypt'),
        ciphertext: b64('abc'),
        initializationVector: b64(randomBytes(12)),
        authenticationTag: b64(randomBytes(16)),
        ciphertextMetadata: b64(randomBytes(19)),
        encryptionAlgorithm: 'AES_GCM',
        ...over,
      };
      expectXksError(await p.post(`keys/${KEY}/decrypt`, body), 400, 'ValidationException');
    });
  });

  describe('501 UnsupportedOperationException', () => {
    it('for another encryption or CDIV algorithm', async () => {
      expectXksError(await p.post(`keys/${KEY}/encrypt`, enc({ encryptionAlgorithm: 'AES_CBC' })), 501, 'UnsupportedOperationException');
      expectXksError(await p.post(`keys/${KEY}/encrypt`, enc({ ciphertextDataIntegrityValueAlgorithm: 'SHA_512' })), 501, 'UnsupportedOperationException');
    });

    it('for a body over 64 KiB', async () => {
      const r = await p.post(`keys/${KEY}/encrypt`, enc({ padding: 'x'.repeat(70_000) }));
      expectXksError(r, 501, 'UnsupportedOperationException');
    });
  });

  it('404 KeyNotFoundException for a key of another tenant', async () => {
    await createXksKey({ store: p.store, hsm: p.hsm.hsm, now: Date.now }, { tenant: 'someone-else', externalKeyId: 'theirs' });
    expectXksError(await p.post('keys/theirs/encrypt', enc()), 404, 'KeyNotFoundException');
  });

  it('500 InternalException when the key has lost its material row', async () => {
    await createXksKey({ store: p.store, hsm: p.hsm.hsm, now: Date.now }, { tenant: 't', externalKeyId: 'broken' });
    const db = new Database(join(p.dir, 'strongroom.db'));
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare("DELETE FROM xks_key_materials WHERE external_key_id = 'broken'").run();
    } finally {
      db.close();
    }
    const r = await p.post('keys/broken/encrypt', enc());
    expectXksError(r, 500, 'InternalException');
  });

  it('429 ThrottlingException once the prefix quota is used up; reloading without a quota lifts it', async () => {
    const write = (quota?: object) =>
      writeFileSync(p.fx.configPath, stringify({ tenants: [{ name: 't', uriPathPrefix: '/tenant/one', credentials: [p.fx.credential], ...(quota ? { quota } : {}) }] }));
    write({ requestsPerSecond: 0.001, burst: 2 });
    expect(await p.fx.running.reload()).toBe(true);
    expect((await p.post(`keys/${KEY}/encrypt`, enc())).status).toBe(200);
    expect((await p.post(`keys/${KEY}/metadata`, { requestMetadata: requestMetadata('DescribeKey') })).status).toBe(200);
    expectXksError(await p.post(`keys/${KEY}/encrypt`, enc()), 429, 'ThrottlingException');
    expectXksError(await p.post('health', { requestMetadata: { kmsOperation: 'KmsHealthCheck', kmsRequestId: 'x' } }), 429, 'ThrottlingException');
    write();
    expect(await p.fx.running.reload()).toBe(true);
    expect((await p.post(`keys/${KEY}/encrypt`, enc())).status).toBe(200);
  });
});

describe('XKS 503 DependencyTimeoutException', () => {
  let p: XksTestProxy;
  beforeAll(async () => {
    p = await startXksTestProxy('token', { sessionPoolSize: 1, sessionWaitMs: 100, externalKeyId: KEY });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('answers Encrypt, Decrypt and GetHealthStatus with 503 while the token has no free session, and recovers', async () => {
    const e = await p.post(`keys/${KEY}/encrypt`, enc());
    expect(e.status).toBe(200);
    let release!: () => void;
    const held = p.hsm.internals.withSession(() => new Promise<void>((r) => (release = r)));
    try {
      expectXksError(await p.post(`keys/${KEY}/encrypt`, enc()), 503, 'DependencyTimeoutException');
      const d = { requestMetadata: requestMetadata('Decrypt'), encryptionAlgorithm: 'AES_GCM', ...e.json };
      expectXksError(await p.post(`keys/${KEY}/decrypt`, d), 503, 'DependencyTimeoutException');
      expectXksError(await p.post('health', { requestMetadata: { kmsOperation: 'KmsHealthCheck', kmsRequestId: 'x' } }), 503, 'DependencyTimeoutException');
    } finally {
      release();
      await held;
    }
    expect((await p.post('health', { requestMetadata: { kmsOperation: 'KmsHealthCheck', kmsRequestId: 'y' } })).status).toBe(200);
  });
});
