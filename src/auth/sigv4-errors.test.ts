/**
 * Every way verification fails, on two byte-exact captured requests (AWS CLI v2 and
 * @aws-sdk/client-kms, 2026-11-22, AWS's documented example key pair) mutated one aspect at a time.
 */
import { describe, expect, it } from 'vitest';
import {
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
  UnrecognizedClientException,
  type KmsError,
} from '../kms/errors.js';
import { staticSigningSecret, verifySigV4, type SigV4Request, type VerifyOptions } from './index.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AUTH_CLI =
  'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/kms/aws4_request, ' +
  'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=129603fe2f60aaf26cf63fc247f77234ab720c5f7395e4e162cb3d0877550268';

/** AWS CLI v2 2.9.19, kms encrypt. */
const CLI: SigV4Request = {
  method: 'POST',
  rawUrl: '/',
  rawHeaders: [
    'Host', '127.0.0.1:4599',
    'Accept-Encoding', 'identity',
    'X-Amz-Target', 'TrentService.Encrypt',
    'Content-Type', 'application/x-amz-json-1.1',
    'User-Agent', 'aws-cli/2.9.19 Python/3.11.2 Linux/6.18.44-fc-v657 source/x86_64.debian.12 prompt/off command/kms.encrypt',
    'X-Amz-Date', '20261122T141218Z',
    'Authorization', AUTH_CLI,
    'Content-Length', '124',
  ],
  body: Buffer.from(
    '{"KeyId": "d73bd681-796a-4e17-a833-7ec07161087e", "Plaintext": "aGVsbG8gd29ybGQ=", "EncryptionContext": {"purpose": "test"}}',
  ),
};
const CLI_NOW = Date.UTC(2026, 10, 22, 14, 12, 18);

/** @aws-sdk/client-kms 3.1164.0, EncryptCommand (signs x-amz-content-sha256). */
const JS: SigV4Request = {
  method: 'POST',
  rawUrl: '/',
  rawHeaders: [
    'content-type', 'application/x-amz-json-1.1',
    'x-amz-target', 'TrentService.Encrypt',
    'content-length', '118',
    'x-amz-user-agent', 'aws-sdk-js/3.1163.0',
    'user-agent', 'aws-sdk-js/3.1163.0 ua/2.1 os/linux#6.18.44-fc-v657 lang/js md/nodejs#20.20.2 api/kms#3.1163.0 m/N,E,e',
    'host', '127.0.0.1:4599',
    'amz-sdk-invocation-id', 'c1f39078-b2a9-4e84-983f-805658f91cf4',
    'amz-sdk-request', 'attempt=1; max=1',
    'x-amz-date', '20261122T141247Z',
    'x-amz-content-sha256', 'db918514f674d874b06ad04ccefa3cf0dc2db92c241922aca1c7d1dff071c203',
    'authorization',
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/kms/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent, Signature=6a9f4b48837252d65afb32d368616be3e4e1e9e4bfb00ed285244404368b6dc2',
    'Connection', 'keep-alive',
  ],
  body: Buffer.from('{"KeyId":"c4cb4087-6e6f-435e-9f48-2916a454294d","Plaintext":"aGVsbG8gd29ybGQ=","EncryptionContext":{"purpose":"test"}}'),
};
const JS_NOW = Date.UTC(2026, 10, 22, 14, 12, 47);

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function opts(over: Partial<VerifyOptions> = {}): VerifyOptions {
  return { service: 'kms', now: CLI_NOW, lookup: async (id) => (id === AKID ? staticSigningSecret(Buffer.from(SECRET)) : undefined), ...over };
}
/** Replaces (value given), removes (null) or appends (not present) a header, matching names case-insensitively. */
function withHeader(req: SigV4Request, name: string, value: string | null): SigV4Request {
  const raw = [...req.rawHeaders];
  const i = raw.findIndex((h, j) => j % 2 === 0 && h.toLowerCase() === name.toLowerCase());
  if (i < 0 && value !== null) raw.push(name, value);
  else if (value === null) raw.splice(i, 2);
  else raw[i + 1] = value;
  return { ...req, rawHeaders: raw };
}
const withAuth = (auth: string) => withHeader(CLI, 'Authorization', auth);
async function rejects(p: Promise<unknown>, cls: new (m?: string) => KmsError, message?: string): Promise<void> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(cls);
  if (message !== undefined) expect((e as Error).message).toBe(message);
}

describe('verifySigV4 rejections', () => {
  it('accepts the unmodified captures (baseline)', async () => {
    await expect(verifySigV4(CLI, opts())).resolves.toMatchObject({ accessKeyId: AKID });
    await expect(verifySigV4(JS, opts({ now: JS_NOW }))).resolves.toMatchObject({ accessKeyId: AKID });
  });

  it('rejects the wrong secret with InvalidSignatureException and AWS text', async () => {
    await rejects(verifySigV4(CLI, opts({ lookup: async () => staticSigningSecret(Buffer.from(SECRET + 'x')) })), InvalidSignatureException, MISMATCH);
  });

  it('rejects an unknown access key with UnrecognizedClientException', async () => {
    await rejects(verifySigV4(CLI, opts({ lookup: async () => undefined })), UnrecognizedClientException, 'The security token included in the request is invalid.');
  });

  it('rejects a tampered body, signed header, method or path', async () => {
    await rejects(verifySigV4({ ...CLI, body: Buffer.from(CLI.body.toString().replace('test', 'Test')) }, opts()), InvalidSignatureException, MISMATCH);
    await rejects(verifySigV4(withHeader(CLI, 'X-Amz-Target', 'TrentService.Decrypt'), opts()), InvalidSignatureException, MISMATCH);
    await rejects(verifySigV4(withHeader(CLI, 'Host', '127.0.0.1:4600'), opts()), InvalidSignatureException, MISMATCH);
    await rejects(verifySigV4({ ...CLI, method: 'PUT' }, opts()), InvalidSignatureException, MISMATCH);
    await rejects(verifySigV4({ ...CLI, rawUrl: '/x' }, opts()), InvalidSignatureException, MISMATCH);
    await rejects(verifySigV4({ ...CLI, rawUrl: '/?a=b' }, opts()), InvalidSignatureException, MISMATCH);
  });

  it('rejects a request that dropped a signed header', async () => {
    await rejects(verifySigV4(withHeader(CLI, 'Content-Type', null), opts()), InvalidSignatureException, MISMATCH);
  });

  it('rejects a malformed or upper-case signature value', async () => {
    const sig = '129603fe2f60aaf26cf63fc247f77234ab720c5f7395e4e162cb3d0877550268';
    await rejects(verifySigV4(withAuth(AUTH_CLI.replace(sig, sig.toUpperCase())), opts()), InvalidSignatureException, MISMATCH);
    await rejects(verifySigV4(withAuth(AUTH_CLI.replace(sig, sig.slice(2))), opts()), InvalidSignatureException, MISMATCH);
  });

  it('still accepts changes to unsigned headers and Authorization spacing', async () => {
    let req = withHeader(CLI, 'User-Agent', 'something-else/1.0');
    req = withHeader(req, 'Accept-Encoding', null);
    req = withHeader(req, 'X-Forwarded-For', '10.0.0.1');
    await expect(verifySigV4(req, opts())).resolves.toBeDefined();
    await expect(verifySigV4(withAuth(AUTH_CLI.replaceAll(', ', ',')), opts())).resolves.toBeDefined();
    await expect(verifySigV4(withAuth(AUTH_CLI.replaceAll(', ', ' ,  ')), opts())).resolves.toBeDefined();
  });

  it('rejects an x-amz-content-sha256 that does not match the body', async () => {
    const req = withHeader(JS, 'x-amz-content-sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    await rejects(verifySigV4(req, opts({ now: JS_NOW })), InvalidSignatureException, "The provided 'x-amz-content-sha256' header does not match what was computed.");
    await rejects(verifySigV4(withHeader(JS, 'x-amz-content-sha256', 'UNSIGNED-PAYLOAD'), opts({ now: JS_NOW })), InvalidSignatureException);
  });

  it.each(['Authorization', 'Host', 'X-Amz-Date', 'X-Amz-Content-Sha256', 'X-Amz-Security-Token'])(
    'rejects a duplicated %s header with IncompleteSignatureException',
    async (name) => {
      const req = name === 'X-Amz-Security-Token' ? withHeader(JS, name, 't1') : JS;
      const i = req.rawHeaders.findIndex((h, j) => j % 2 === 0 && h.toLowerCase() === name.toLowerCase());
      const dup = { ...req, rawHeaders: [...req.rawHeaders, name.toUpperCase(), req.rawHeaders[i + 1]!] };
      await rejects(verifySigV4(dup, opts({ now: JS_NOW })), IncompleteSignatureException, `The request contains more than one '${name.toLowerCase()}' header; it must appear exactly once.`);
    },
  );

  it('rejects an expired request with AWS exact text (JS SDK matches "Signature expired")', async () => {
    await rejects(verifySigV4(CLI, opts({ now: Date.UTC(2026, 10, 22, 14, 25, 0) })), InvalidSignatureException,
      'Signature expired: 20261122T141218Z is now earlier than 20261122T142000Z (20261122T142500Z - 5 min.)');
  });

  it('rejects a request from the future with AWS exact text', async () => {
    await rejects(verifySigV4(CLI, opts({ now: Date.UTC(2026, 10, 22, 14, 0, 0) })), InvalidSignatureException,
      'Signature not yet current: 20261122T141218Z is still later than 20261122T140500Z (20261122T140000Z + 5 min.)');
  });

  it('accepts exactly 5 minutes of skew either way and honours maxSkewMs', async () => {
    await expect(verifySigV4(CLI, opts({ now: CLI_NOW + 300_000 }))).resolves.toBeDefined();
    await expect(verifySigV4(CLI, opts({ now: CLI_NOW - 300_000 }))).resolves.toBeDefined();
    await rejects(verifySigV4(CLI, opts({ now: CLI_NOW + 300_001 })), InvalidSignatureException);
    await rejects(verifySigV4(CLI, opts({ now: CLI_NOW + 61_000, maxSkewMs: 60_000 })), InvalidSignatureException,
      'Signature expired: 20261122T141218Z is now earlier than 20261122T141219Z (20261122T141319Z - 1 min.)');
  });

  it('rejects a credential scoped to another service', async () => {
    await rejects(verifySigV4(CLI, opts({ service: 'kms-xks-proxy' })), InvalidSignatureException, "Credential should be scoped to correct service: 'kms-xks-proxy'.");
    await rejects(verifySigV4(withAuth(AUTH_CLI.replace('/kms/', '/sts/')), opts()), InvalidSignatureException, "Credential should be scoped to correct service: 'kms'.");
  });

  it.each(['moon', 'US-EAST-1', 'us-east', 'us_east_1', ''])('rejects the malformed region %j', async (region) => {
    await rejects(verifySigV4(withAuth(AUTH_CLI.replace('/us-east-1/', `/${region}/`)), opts()), InvalidSignatureException, 'Credential should be scoped to a valid region.');
  });

  it('rejects a region the deployment does not allow', async () => {
    await rejects(verifySigV4(CLI, opts({ isRegionAllowed: (r) => r === 'eu-west-1' })), InvalidSignatureException, 'Credential should be scoped to a valid region.');
  });

  it('rejects a credential scope date different from the X-Amz-Date day', async () => {
    const req = withHeader(CLI, 'X-Amz-Date', '20261123T000100Z');
    await rejects(verifySigV4(req, opts({ now: Date.UTC(2026, 10, 23, 0, 1) })), InvalidSignatureException,
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261122' != '20261123', from '20261123T000100Z'.");
  });

  it('rejects a missing Authorization header with MissingAuthenticationTokenException', async () => {
    const req = withHeader(CLI, 'Authorization', null);
    await rejects(verifySigV4(req, opts()), MissingAuthenticationTokenException, 'Missing Authentication Token');
    const presigned = { ...req, rawUrl: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Signature=b' };
    const e = await verifySigV4(presigned, opts()).catch((x: Error) => x);
    expect(e).toBeInstanceOf(MissingAuthenticationTokenException);
    expect((e as Error).message).toMatch(/query-string \(presigned URL\) authentication is not supported/);
  });

  it('rejects query-string auth combined with an Authorization header', async () => {
    await rejects(verifySigV4({ ...CLI, rawUrl: '/?X-Amz-Signature=abc' }, opts()), IncompleteSignatureException);
  });

  it('rejects a missing or malformed X-Amz-Date with IncompleteSignatureException', async () => {
    await rejects(verifySigV4(withHeader(CLI, 'X-Amz-Date', null), opts()), IncompleteSignatureException, "Authorization header requires existence of a 'X-Amz-Date' header.");
    for (const d of ['2026-11-22T14:12:18Z', '20261122T141218', '20261322T141218Z', '20261122T246018Z', 'Sun, 22 Nov 2026 14:12:18 GMT']) {
      await rejects(verifySigV4(withHeader(CLI, 'X-Amz-Date', d), opts()), IncompleteSignatureException,
        `Date must be in ISO-8601 'basic format'. Got '${d}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    }
  });

  const CRED = 'Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/kms/aws4_request';
  const SH = 'SignedHeaders=content-type;host;x-amz-date;x-amz-target';
  const SIG = 'Signature=129603fe2f60aaf26cf63fc247f77234ab720c5f7395e4e162cb3d0877550268';
  it.each([
    ['wrong algorithm', `AWS4-HMAC-SHA512 ${CRED}, ${SH}, ${SIG}`, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'. The Authorization header must use 'AWS4-HMAC-SHA256'."],
    ['SigV2', 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=', "Unsupported AWS 'algorithm': 'AWS'. The Authorization header must use 'AWS4-HMAC-SHA256'."],
    ['Bearer token', 'Bearer abc', "Unsupported AWS 'algorithm': 'Bearer'. The Authorization header must use 'AWS4-HMAC-SHA256'."],
    ['empty header', '', "Unsupported AWS 'algorithm': ''. The Authorization header must use 'AWS4-HMAC-SHA256'."],
    ['no Signature', `AWS4-HMAC-SHA256 ${CRED}, ${SH}`, "Authorization header requires 'Signature' parameter."],
    ['no SignedHeaders', `AWS4-HMAC-SHA256 ${CRED}, ${SIG}`, "Authorization header requires 'SignedHeaders' parameter."],
    ['no Credential', `AWS4-HMAC-SHA256 ${SH}, ${SIG}`, "Authorization header requires 'Credential' parameter."],
    ['no parameters', 'AWS4-HMAC-SHA256', "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."],
    ['empty Signature', `AWS4-HMAC-SHA256 ${CRED}, ${SH}, Signature=`, "Authorization header requires 'Signature' parameter."],
    ['pair without =', `AWS4-HMAC-SHA256 ${CRED}, ${SH}, ${SIG}, oops`, "'oops' not a valid key=value pair (missing equal-sign) in Authorization header."],
    ['unknown parameter', `AWS4-HMAC-SHA256 ${CRED}, ${SH}, ${SIG}, Foo=bar`, "Authorization header contains an unknown parameter 'Foo'."],
    ['duplicate parameter', `AWS4-HMAC-SHA256 ${CRED}, ${CRED}, ${SH}, ${SIG}`, "Authorization header contains the 'Credential' parameter more than once."],
    ['4-part scope', `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/kms, ${SH}, ${SIG}`,
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/kms'"],
    ['6-part scope', `AWS4-HMAC-SHA256 ${CRED}/x, ${SH}, ${SIG}`,
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/kms/aws4_request/x'"],
    ['bad terminator', `AWS4-HMAC-SHA256 ${CRED.replace('aws4_request', 'aws5_request')}, ${SH}, ${SIG}`,
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."],
    ['host not signed', `AWS4-HMAC-SHA256 ${CRED}, SignedHeaders=content-type;x-amz-date;x-amz-target, ${SIG}`,
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."],
    ['upper-case SignedHeaders', `AWS4-HMAC-SHA256 ${CRED}, SignedHeaders=Content-Type;Host, ${SIG}`,
      "SignedHeaders must be a ';'-separated list of distinct lower-case header names, got 'Content-Type;Host'."],
    ['repeated SignedHeaders name', `AWS4-HMAC-SHA256 ${CRED}, SignedHeaders=host;host, ${SIG}`,
      "SignedHeaders must be a ';'-separated list of distinct lower-case header names, got 'host;host'."],
  ])('rejects an Authorization header with %s as IncompleteSignatureException', async (_what, auth, message) => {
    await rejects(verifySigV4(withAuth(auth), opts()), IncompleteSignatureException, message);
  });
});
