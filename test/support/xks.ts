/**
 * XKS proxy API clients for tests, both with SigV4 implementations independent of ours:
 * `xksPost` signs with @smithy/signature-v4 (service kms-xks-proxy) and sends with fetch;
 * `curlXks` runs `curl --aws-sigv4 "aws:amz:REGION:kms-xks-proxy"`, exactly as the AWS XKS test
 * client does (curl ≥ 7.75; curl 7.88 also signs content-type).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'vitest';
import type { Store } from '../../src/kms/ports/store.js';
import type { KeyStorageMode } from '../../src/kms/ports/hsm.js';
import { openStore } from '../../src/store/index.js';
import { startXksFixture, type XksFixture, type XksFixtureOptions } from '../../src/xks-fixture.js';
import { createTestHsm } from './softhsm.js';
import { NodeSha256 } from '../../src/lib/node-sha256.js';

const run = promisify(execFile);


export interface XksCreds {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface XksResponse {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  text: string;
}

function parse(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Signs a request with @smithy/signature-v4; returns the headers to send with exactly `body`. */
export async function signXks(
  baseUrl: string,
  path: string,
  body: string | undefined,
  creds: XksCreds,
  opts: { region?: string; method?: string; signingDate?: Date; headers?: Record<string, string>; service?: string } = {},
): Promise<Record<string, string>> {
  const u = new URL(baseUrl);
  const signer = new SignatureV4({ service: opts.service ?? 'kms-xks-proxy', region: opts.region ?? 'us-east-1', credentials: creds, sha256: NodeSha256 });
  const signed = await signer.sign(
    {
      method: opts.method ?? 'POST',
      protocol: u.protocol,
      hostname: u.hostname,
      port: Number(u.port),
      path,
      headers: { host: u.host, 'content-type': 'application/json', ...opts.headers },
      body,
    },
    opts.signingDate ? { signingDate: opts.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
}

export async function xksPost(
  baseUrl: string,
  path: string,
  body: string | object,
  creds: XksCreds,
  opts: Parameters<typeof signXks>[4] = {},
): Promise<XksResponse> {
  const method = opts.method ?? 'POST';
  const text = method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const headers = await signXks(baseUrl, path, text, creds, opts);
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: text });
  const t = await res.text();
  return { status: res.status, headers: res.headers, json: parse(t), text: t };
}

/** `curl --aws-sigv4` as the AWS XKS test client runs it; returns the HTTP status and body. */
export async function curlXks(
  url: string,
  body: string,
  creds: XksCreds,
  extra: string[] = [],
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const { stdout } = await run(
    'curl',
    [
      '--silent', '--show-error', '--max-time', '30',
      '-H', 'Content-Type:application/json',
      '--aws-sigv4', 'aws:amz:us-east-1:kms-xks-proxy',
      '--user', `${creds.accessKeyId}:${creds.secretAccessKey}`,
      '--data-binary', body,
      '--write-out', '\n%{http_code}',
      ...extra,
      url,
    ],
    { maxBuffer: 1 << 20 },
  );
  const nl = stdout.lastIndexOf('\n');
  const text = stdout.slice(0, nl);
  return { status: Number(stdout.slice(nl + 1)), json: parse(text), text };
}

export function requestMetadata(kmsOperation: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    awsPrincipalArn: 'arn:aws:iam::123456789012:user/Alice',
    kmsKeyArn: 'arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    kmsOperation,
    kmsRequestId: randomUUID(),
    kmsViaService: 'ebs',
    ...extra,
  };
}

/** The spec's error shape: status, errorName, and an optional printable-ASCII errorMessage under 512 characters. */
export function expectXksError(r: XksResponse, status: number, errorName: string): void {
  expect({ status: r.status, errorName: r.json.errorName }).toStrictEqual({ status, errorName });
  expect(r.headers.get('content-type')).toBe('application/json');
  const msg = r.json.errorMessage;
  if (msg !== undefined) {
    expect(typeof msg).toBe('string');
    expect(String(msg).length).toBeLessThan(512);
    expect(String(msg)).toMatch(/^[\x20-\x7e]*$/);
  }
}

export const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64');
export const unb64 = (s: unknown): Buffer => Buffer.from(String(s), 'base64');

export interface XksTestProxy {
  fx: XksFixture;
  store: Store;
  hsm: Awaited<ReturnType<typeof createTestHsm>>;
  dir: string;
  creds: XksCreds;
  /** POST to `<basePath>/<rest>` (rest = 'health', 'keys/<id>/encrypt', …). */
  post(rest: string, body: string | object, creds?: XksCreds, opts?: Parameters<typeof xksPost>[4]): Promise<XksResponse>;
  /** Encrypt under `keyId` (kmsOperation Encrypt), optionally with AAD and the SHA_256 CDIV. */
  encrypt(keyId: string, plaintext: Buffer, aad?: Buffer, cdiv?: boolean): Promise<XksResponse>;
  /** Decrypt the fields of an Encrypt response `e`; `over` replaces or adds body fields. */
  decrypt(keyId: string, e: Record<string, unknown>, aad?: Buffer, over?: Record<string, unknown>): Promise<XksResponse>;
  close(): Promise<void>;
}

/** A test SoftHSM token, a SQLite store and the XKS fixture on loopback HTTP (or HTTPS). */
export async function startXksTestProxy(
  mode: KeyStorageMode,
  opts: Omit<XksFixtureOptions, 'backends' | 'dir'> & { sessionWaitMs?: number; sessionPoolSize?: number } = {},
): Promise<XksTestProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'strongroom-xks-'));
  const hsm = await createTestHsm(mode, {
    ...(opts.sessionWaitMs ? { sessionWaitMs: opts.sessionWaitMs } : {}),
    ...(opts.sessionPoolSize ? { sessionPoolSize: opts.sessionPoolSize } : {}),
  });
  const store = await openStore({ sqlitePath: join(dir, 'strongroom.db') });
  const fx = await startXksFixture({ backends: { store, hsm: hsm.hsm }, dir, ...opts });
  const creds = { accessKeyId: fx.credential.accessKeyId, secretAccessKey: fx.credential.secretAccessKey };
  const post: XksTestProxy['post'] = (rest, body, c = creds, o) => xksPost(fx.url, `${fx.basePath}/${rest}`, body, c, o);
  return {
    fx,
    store,
    hsm,
    dir,
    creds,
    post,
    encrypt: (keyId, plaintext, aad, cdiv = false) =>
      post(`keys/${keyId}/encrypt`, {
        requestMetadata: requestMetadata('Encrypt'),
        plaintext: b64(plaintext),
        encryptionAlgorithm: 'AES_GCM',
        ...(aad ? { additionalAuthenticatedData: b64(aad) } : {}),
        ...(cdiv ? { ciphertextDataIntegrityValueAlgorithm: 'SHA_256' } : {}),
      }),
    decrypt: (keyId, e, aad, over = {}) =>
      post(`keys/${keyId}/decrypt`, {
        requestMetadata: requestMetadata('Decrypt'),
        ciphertext: e.ciphertext,
        ciphertextMetadata: e.ciphertextMetadata,
        initializationVector: e.initializationVector,
        authenticationTag: e.authenticationTag,
        encryptionAlgorithm: 'AES_GCM',
        ...(aad ? { additionalAuthenticatedData: b64(aad) } : {}),
        ...over,
      }),
    async close() {
      await fx.close();
      await store.close();
      await hsm.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
