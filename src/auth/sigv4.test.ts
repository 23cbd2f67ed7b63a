/**
 * Round trips through the AWS SDK's own signer (@smithy/signature-v4, the one @aws-sdk/client-kms
 * uses): whatever it signs, the verifier must accept, for both services.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { ExpiredTokenException, InvalidSignatureException, UnrecognizedClientException } from '../kms/errors.js';
import { staticSigningSecret, verifySigV4, type SigV4Request, type SigningSecret, type VerifyOptions } from './index.js';

/** node:crypto behind the Checksum interface the signer expects (@smithy/hash-node is not installed). */
class NodeSha256 {
  private h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}
function toBytes(s: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof s === 'string') return Buffer.from(s, 'utf8');
  if (ArrayBuffer.isView(s)) return Buffer.from(s.buffer, s.byteOffset, s.byteLength);
  return Buffer.from(s);
}

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = Date.UTC(2026, 10, 22, 14, 12, 18);

interface SignArgs {
  service?: string;
  region?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  rawQuery?: string;
  headers?: Record<string, string>;
  body?: string;
  sessionToken?: string;
  applyChecksum?: boolean;
}

async function sign(a: SignArgs = {}): Promise<SigV4Request> {
  const signer = new SignatureV4({
    service: a.service ?? 'kms',
    region: a.region ?? 'us-east-1',
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET, ...(a.sessionToken ? { sessionToken: a.sessionToken } : {}) },
    sha256: NodeSha256,
    applyChecksum: a.applyChecksum ?? true,
  });
  const body = a.body ?? '{"KeyId":"alias/app","Plaintext":"aGk="}';
  const headers = {
    host: '127.0.0.1:4599',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'TrentService.Encrypt',
    ...a.headers,
  };
  const path = a.path ?? '/';
  const signed = await signer.sign(
    { method: 'POST', protocol: 'https:', hostname: '127.0.0.1', port: 4599, path, query: a.query ?? {}, headers, body },
    { signingDate: new Date(NOW) },
  );
  const rawHeaders = Object.entries(signed.headers).flat();
  return { method: 'POST', rawUrl: a.rawQuery ? `${path}?${a.rawQuery}` : path, rawHeaders, body: Buffer.from(body) };
}

function opts(over: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    service: 'kms',
    now: NOW,
    lookup: async (id) => (id === AKID ? staticSigningSecret(Buffer.from(SECRET)) : undefined),
    ...over,
  };
}

describe('verifySigV4 with requests signed by @smithy/signature-v4', () => {
  it('accepts a KMS request with x-amz-content-sha256 (JS SDK default)', async () => {
    const req = await sign();
    expect(req.rawHeaders).toContain('x-amz-content-sha256');
    const v = await verifySigV4(req, opts());
    expect(v).toMatchObject({ accessKeyId: AKID, region: 'us-east-1', service: 'kms', date: '20261122', amzDate: '20261122T141218Z' });
    expect(v.signedHeaders).toEqual(['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-target']);
  });

  it('accepts a KMS request without x-amz-content-sha256 (as Python clients send)', async () => {
    const req = await sign({ applyChecksum: false });
    expect(req.rawHeaders).not.toContain('x-amz-content-sha256');
    await expect(verifySigV4(req, opts())).resolves.toMatchObject({ accessKeyId: AKID });
  });

  it('accepts an empty body', async () => {
    await expect(verifySigV4(await sign({ body: '' }), opts())).resolves.toMatchObject({ service: 'kms' });
  });

  it.each(['us-east-1', 'eu-west-2', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1', 'eusc-de-east-1'])(
    'accepts a request scoped to %s and reports that region',
    async (region) => {
      const v = await verifySigV4(await sign({ region }), opts({ isRegionAllowed: (r) => r === region }));
      expect(v.region).toBe(region);
    },
  );

  it('passes the session token to the lookup and returns it', async () => {
    const seen: Array<string | undefined> = [];
    const req = await sign({ sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN//+=' });
    const v = await verifySigV4(
      req,
      opts({ lookup: async (_id, token) => (seen.push(token), staticSigningSecret(Buffer.from(SECRET))) }),
    );
    expect(seen).toEqual(['FwoGZXIvYXdzEXAMPLETOKEN//+=']);
    expect(v.sessionToken).toBe('FwoGZXIvYXdzEXAMPLETOKEN//+=');
    expect(v.signedHeaders).toContain('x-amz-security-token');
  });

  it('rejects a session token the lookup does not recognise with UnrecognizedClientException', async () => {
    const req = await sign({ sessionToken: 'stale' });
    await expect(verifySigV4(req, opts({ lookup: async () => undefined }))).rejects.toBeInstanceOf(UnrecognizedClientException);
  });

  it('rejects a validly signed request whose temporary credentials expired with ExpiredTokenException', async () => {
    const req = await sign({ sessionToken: 'tok' });
    const lookup = async (): Promise<SigningSecret> => staticSigningSecret(Buffer.from(SECRET), { expiresAt: NOW - 1 });
    await expect(verifySigV4(req, opts({ lookup }))).rejects.toThrow(
      new ExpiredTokenException('The security token included in the request is expired'),
    );
  });

  it('accepts an XKS request on a non-root path with a path prefix', async () => {
    const path = '/example/uri/path/prefix/kms/xks/v1/keys/foo/encrypt';
    const req = await sign({ service: 'kms-xks-proxy', path, headers: { 'content-type': 'application/json' } });
    const v = await verifySigV4(req, opts({ service: 'kms-xks-proxy' }));
    expect(v.service).toBe('kms-xks-proxy');
  });

  it('accepts paths that SigV4 normalises and re-encodes (non-S3 double encoding)', async () => {
    for (const path of ['/keys/a%20b/encrypt', '/keys/x:y@z/encrypt', '/a/./b/../c//d/', '/keys/%E2%82%AC']) {
      const req = await sign({ service: 'kms-xks-proxy', path });
      await expect(verifySigV4(req, opts({ service: 'kms-xks-proxy' })), path).resolves.toBeDefined();
    }
  });

  it('accepts a canonicalised query string', async () => {
    const req = await sign({ query: { b: 'x y', a: ['2', '1'], 'c~': "it's" }, rawQuery: 'b=x%20y&a=2&a=1&c~=it%27s' });
    await expect(verifySigV4(req, opts())).resolves.toBeDefined();
  });

  it('accepts header names in any case and order', async () => {
    const req = await sign();
    const pairs: string[][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!.toUpperCase(), req.rawHeaders[i + 1]!]);
    await expect(verifySigV4({ ...req, rawHeaders: pairs.reverse().flat() }, opts())).resolves.toBeDefined();
  });

  it('takes the signed host from :authority on HTTP/2', async () => {
    const req = await sign();
    const rawHeaders = req.rawHeaders.map((h, i) => (i % 2 === 0 && h === 'host' ? ':authority' : h));
    await expect(verifySigV4({ ...req, rawHeaders }, opts())).resolves.toBeDefined();
  });

  it('combines a repeated signed header with commas and collapses runs of spaces', async () => {
    const req = await sign({ headers: { 'x-custom': 'a,b c' } });
    const i = req.rawHeaders.indexOf('x-custom');
    const rawHeaders = [...req.rawHeaders.slice(0, i), ...req.rawHeaders.slice(i + 2), 'X-Custom', ' a ', 'x-custom', 'b    c'];
    await expect(verifySigV4({ ...req, rawHeaders }, opts())).resolves.toBeDefined();
  });

  it('rejects a request signed with another secret', async () => {
    const lookup = async () => staticSigningSecret(Buffer.from('not-the-secret'));
    await expect(verifySigV4(await sign(), opts({ lookup }))).rejects.toBeInstanceOf(InvalidSignatureException);
  });
});
