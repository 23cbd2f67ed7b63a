/**
 * Issue 9: the XKS proxy API driven the way AWS's own XKS test client drives it
 * (`curl --aws-sigv4 "aws:amz:REGION:kms-xks-proxy"`), over loopback HTTP and over the HTTPS
 * listener; and the listener's TLS policy checked with node:tls clients configured explicitly:
 * TLS 1.2+ and the spec's AEAD suites only.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXksFixture, type XksFixture } from '../../src/xks-fixture.js';
import { b64, curlXks, requestMetadata, startXksTestProxy, unb64, type XksTestProxy } from '../support/xks.js';

const run = promisify(execFile);
const HOST = 'xks.test';

function body(o: object): string {
  return JSON.stringify(o, null, 4);
}

describe('XKS proxy API with curl --aws-sigv4 (the AWS XKS test client)', () => {
  let p: XksTestProxy;
  let url: (rest: string) => string;
  beforeAll(async () => {
    p = await startXksTestProxy('wrapped', { tenant: 'example', uriPathPrefix: '/example/uri/path/prefix', externalKeyId: 'foo' });
    url = (rest) => `${p.fx.url}${p.fx.basePath}/${rest}`;
  });
  afterAll(async () => {
    await p?.close();
  });

  it('GetHealthStatus, GetKeyMetadata', async () => {
    const h = await curlXks(url('health'), body({ requestMetadata: { kmsOperation: 'KmsHealthCheck', kmsRequestId: 'abc' } }), p.creds);
    expect(h.status).toBe(200);
    expect(h.text).toContain('"healthStatus":');
    const m = await curlXks(url('keys/foo/metadata'), body({ requestMetadata: requestMetadata('DescribeKey') }), p.creds);
    expect(m).toMatchObject({ status: 200, json: { keySpec: 'AES_256', keyStatus: 'ENABLED' } });
  });

  it('Encrypt with AAD and CDIV, the CDIV recomputed with SHA-256 here, then Decrypt', async () => {
    const aad = 'cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n';
    const e = await curlXks(
      url('keys/foo/encrypt'),
      body({ requestMetadata: requestMetadata('Encrypt'), additionalAuthenticatedData: aad, plaintext: 'SGVsbG8gV29ybGQh', ciphertextDataIntegrityValueAlgorithm: 'SHA_256', encryptionAlgorithm: 'AES_GCM' }),
      p.creds,
    );
    expect(e.status).toBe(200);
    const cdivInput = Buffer.concat([unb64(aad), ...['ciphertextMetadata', 'initializationVector', 'ciphertext', 'authenticationTag'].map((f) => unb64(e.json[f]))]);
    expect(e.json.ciphertextDataIntegrityValue).toBe(createHash('sha256').update(cdivInput).digest('base64'));
    const { ciphertextDataIntegrityValue: _, ...fields } = e.json;
    const d = await curlXks(
      url('keys/foo/decrypt'),
      body({ requestMetadata: requestMetadata('Decrypt'), additionalAuthenticatedData: aad, ...fields, encryptionAlgorithm: 'AES_GCM' }),
      p.creds,
    );
    expect(d).toMatchObject({ status: 200, json: { plaintext: 'SGVsbG8gV29ybGQh' } });
  });

  it('Encrypt of 4096 random bytes under 8192 bytes of AAD, then Decrypt', async () => {
    const aad = b64(randomBytes(8192));
    const plaintext = b64(randomBytes(4096));
    const e = await curlXks(url('keys/foo/encrypt'), body({ requestMetadata: requestMetadata('Encrypt'), additionalAuthenticatedData: aad, plaintext, encryptionAlgorithm: 'AES_GCM' }), p.creds);
    expect(e.status).toBe(200);
    const d = await curlXks(url('keys/foo/decrypt'), body({ requestMetadata: requestMetadata('Decrypt'), additionalAuthenticatedData: aad, ...e.json, encryptionAlgorithm: 'AES_GCM' }), p.creds);
    expect(d.json.plaintext).toBe(plaintext);
  });

  it('the test client negative cases: invalid access key id, invalid secret, invalid URI prefix, missing plaintext, unknown key', async () => {
    const enc = body({ requestMetadata: requestMetadata('Encrypt'), plaintext: 'cGxhaW50ZXh0Cg==', encryptionAlgorithm: 'AES_GCM' });
    expect((await curlXks(url('keys/foo/encrypt'), enc, { ...p.creds, accessKeyId: `Invalid${p.creds.accessKeyId}` })).json.errorName).toBe('AuthenticationFailedException');
    expect((await curlXks(url('keys/foo/encrypt'), enc, { ...p.creds, secretAccessKey: `Invalid${p.creds.secretAccessKey}` })).json.errorName).toBe('AuthenticationFailedException');
    expect((await curlXks(`${p.fx.url}/example/uri/path/prefix/invalid/kms/xks/v1/keys/foo/encrypt`, enc, p.creds)).json.errorName).toBe('InvalidUriPathException');
    const noPlaintext = body({ requestMetadata: requestMetadata('Encrypt'), encryptionAlgorithm: 'AES_GCM' });
    expect((await curlXks(url('keys/foo/encrypt'), noPlaintext, p.creds)).json.errorName).toBe('ValidationException');
    expect((await curlXks(url('keys/non_existing_key/encrypt'), enc, p.creds)).json.errorName).toBe('KeyNotFoundException');
  });

  describe('over the HTTPS listener', () => {
    let tls: XksFixture;
    let dir: string;
    let port: number;
    let ca: Buffer;

    beforeAll(async () => {
      dir = join(p.dir, 'tls');
      await mkdir(dir);
      // RSA, so the ECDHE-RSA suites apply; the SAN is a name, as KMS requires (never an IP).
      await run('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${HOST}`,
        '-addext', `subjectAltName=DNS:${HOST}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ]);
      ca = await readFile(join(dir, 'cert.pem'));
      tls = await startXksFixture({
        backends: { store: p.store, hsm: p.hsm.hsm },
        dir,
        tenant: 'tls',
        uriPathPrefix: '/tls',
        externalKeyId: 'tls-key',
        https: { certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'key.pem') },
      });
      port = Number(new URL(tls.url).port);
    });
    afterAll(async () => {
      await tls?.close();
    });

    it('serves curl --aws-sigv4 over TLS with the certificate from the files', async () => {
      const r = await curlXks(
        `https://${HOST}:${port}/tls/kms/xks/v1/keys/tls-key/encrypt`,
        body({ requestMetadata: requestMetadata('Encrypt'), plaintext: 'SGVsbG8=', encryptionAlgorithm: 'AES_GCM' }),
        tls.credential,
        ['--cacert', join(dir, 'cert.pem'), '--resolve', `${HOST}:${port}:127.0.0.1`],
      );
      expect(r.status).toBe(200);
      expect(r.json.ciphertext).toBeTypeOf('string');
    });

    function handshake(o: ConnectionOptions, to = port): Promise<{ ok: true; protocol: string | null; cipher: string } | { ok: false; code: string }> {
      return new Promise((resolve) => {
        const s = connect({ host: '127.0.0.1', port: to, servername: HOST, ca, ...o }, () => {
          resolve({ ok: true, protocol: s.getProtocol(), cipher: s.getCipher().name });
          s.end();
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: String(e.code) }));
      });
    }

    it('refuses TLS 1.1 (the server answers a protocol_version alert)', async () => {
      expect(await handshake({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).toStrictEqual({
        ok: false,
        code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      });
    });

    it("refuses TLS 1.2 CBC suites, which Node's default server accepts", async () => {
      const cbc = { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA:AES256-SHA256' } as const;
      expect(await handshake(cbc)).toStrictEqual({ ok: false, code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
      // Control: the same client against a server on Node's defaults.
      const plain = createServer({ cert: ca, key: await readFile(join(dir, 'key.pem')) }, (_q, r) => r.end());
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
      try {
        expect(await handshake(cbc, (plain.address() as AddressInfo).port)).toMatchObject({ ok: true, cipher: 'ECDHE-RSA-AES256-SHA384' });
      } finally {
        plain.close();
      }
    });

    it('refuses AEAD suites the spec does not list (AES-128-GCM)', async () => {
      expect((await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' })).ok).toBe(false);
      expect((await handshake({ minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' })).ok).toBe(false);
    });

    it("accepts the spec's suites: ECDHE-RSA-AES256-GCM-SHA384 on TLS 1.2, AES-256-GCM and ChaCha20-Poly1305 on TLS 1.3", async () => {
      expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' })).toStrictEqual({ ok: true, protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' });
      expect(await handshake({})).toStrictEqual({ ok: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' });
      expect(await handshake({ minVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' })).toMatchObject({ ok: true, cipher: 'TLS_CHACHA20_POLY1305_SHA256' });
    });

    it('installs a new certificate from the files on reload, without a restart', async () => {
      const fingerprint = () =>
        new Promise<string>((resolve, reject) => {
          const s = connect({ host: '127.0.0.1', port, servername: HOST, rejectUnauthorized: false }, () => {
            resolve(s.getPeerCertificate().fingerprint256);
            s.end();
          });
          s.on('error', reject);
        });
      const before = await fingerprint();
      await run('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${HOST}`,
        '-addext', `subjectAltName=DNS:${HOST}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ]);
      expect(await tls.running.reload()).toBe(true);
      expect(await fingerprint()).not.toBe(before);
    });
  });
});
