/**
 * Issue 9: external key management as the XKS proxy API sees it (real SoftHSM token in both
 * storage modes, SQLite file, loopback listener, @smithy/signature-v4): usage-restricted keys,
 * disabled keys, secondary authorization on requestMetadata, material rotation, and the audit
 * hook (every call recorded with requestMetadata and outcome, never plaintext; fail-closed).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXksKey, rotateXksKey, updateXksKey, type XksAdminDeps } from '../../src/kms/xks/keys.js';
import type { XksRequestRecord } from '../../src/api/xks/handler.js';
import { b64, expectXksError, requestMetadata, startXksTestProxy, unb64, type XksTestProxy } from '../support/xks.js';

const MODES = ['wrapped', 'token'] as const;
const KEY = 'foo';

describe.each(MODES)('XKS external keys in %s mode', (mode) => {
  let p: XksTestProxy;
  let admin: XksAdminDeps;
  const records: XksRequestRecord[] = [];
  let auditDown = false;

  beforeAll(async () => {
    p = await startXksTestProxy(mode, {
      tenant: 'example',
      uriPathPrefix: '/example/uri/path/prefix',
      externalKeyId: KEY,
      onRequest: async (r) => {
        if (auditDown) throw new Error('audit store unavailable');
        records.push(r);
      },
    });
    admin = { store: p.store, hsm: p.hsm.hsm, now: () => Date.now() };
  });
  afterAll(async () => {
    await p?.close();
  });

  const encrypt: XksTestProxy['encrypt'] = (...a) => p.encrypt(...a);
  const decrypt: XksTestProxy['decrypt'] = (...a) => p.decrypt(...a);

  describe('key usage', () => {
    beforeAll(async () => {
      await createXksKey(admin, { tenant: 'example', externalKeyId: 'encrypt-only', usages: ['ENCRYPT'] });
      await createXksKey(admin, { tenant: 'example', externalKeyId: 'decrypt-only' });
      await createXksKey(admin, { tenant: 'example', externalKeyId: 'impotent', usages: [] });
    });

    it('GetKeyMetadata reports the restricted usages', async () => {
      const r = await p.post('keys/encrypt-only/metadata', { requestMetadata: requestMetadata('DescribeKey') });
      expect(r.json).toStrictEqual({ keySpec: 'AES_256', keyUsage: ['ENCRYPT'], keyStatus: 'ENABLED' });
      expect((await p.post('keys/impotent/metadata', { requestMetadata: requestMetadata('DescribeKey') })).json.keyUsage).toStrictEqual([]);
    });

    it('an encrypt-only key encrypts, but refuses Decrypt and a CDIV Encrypt (which needs a test decrypt) with InvalidKeyUsageException', async () => {
      const aad = Buffer.from('x');
      const e = await encrypt('encrypt-only', Buffer.from('plaintext'), aad);
      expect(e.status).toBe(200);
      expectXksError(await decrypt('encrypt-only', e.json, aad), 400, 'InvalidKeyUsageException');
      expectXksError(await encrypt('encrypt-only', Buffer.from('p'), aad, true), 400, 'InvalidKeyUsageException');
      expectXksError(await encrypt('encrypt-only', Buffer.from('p'), undefined, true), 400, 'InvalidKeyUsageException');
    });

    it('a decrypt-only key decrypts what it made before, but refuses every Encrypt', async () => {
      const e = await encrypt('decrypt-only', Buffer.from('before'));
      await updateXksKey(admin, 'example', 'decrypt-only', { usages: ['DECRYPT'] });
      expect(unb64((await decrypt('decrypt-only', e.json)).json.plaintext).toString()).toBe('before');
      expectXksError(await encrypt('decrypt-only', Buffer.from('p')), 400, 'InvalidKeyUsageException');
      expectXksError(await encrypt('decrypt-only', Buffer.from('p'), Buffer.from('a'), true), 400, 'InvalidKeyUsageException');
    });

    it('a key with no usages refuses Encrypt and Decrypt', async () => {
      expectXksError(await encrypt('impotent', Buffer.from('p')), 400, 'InvalidKeyUsageException');
      expectXksError(await encrypt('impotent', Buffer.from('p'), undefined, true), 400, 'InvalidKeyUsageException');
      const e = await encrypt(KEY, Buffer.from('p'));
      expectXksError(await decrypt('impotent', e.json), 400, 'InvalidKeyUsageException');
    });
  });

  describe('key status', () => {
    it('a disabled key reports DISABLED and refuses Encrypt and Decrypt with InvalidStateException until enabled again', async () => {
      await createXksKey(admin, { tenant: 'example', externalKeyId: 'switch' });
      const e = await encrypt('switch', Buffer.from('data'));
      await updateXksKey(admin, 'example', 'switch', { status: 'DISABLED' });
      expect((await p.post('keys/switch/metadata', { requestMetadata: requestMetadata('DescribeKey') })).json.keyStatus).toBe('DISABLED');
      expectXksError(await encrypt('switch', Buffer.from('data')), 400, 'InvalidStateException');
      expectXksError(await decrypt('switch', e.json), 400, 'InvalidStateException');
      await updateXksKey(admin, 'example', 'switch', { status: 'ENABLED' });
      expect(unb64((await decrypt('switch', e.json)).json.plaintext).toString()).toBe('data');
    });
  });

  describe('secondary authorization', () => {
    beforeAll(async () => {
      await createXksKey(admin, {
        tenant: 'example',
        externalKeyId: 'guarded',
        rules: [
          { sid: 'alice-via-ebs', principals: ['arn:aws:iam::123456789012:user/Alice'], viaServices: ['ebs'] },
          { sid: 'ops-role', principals: ['arn:aws:iam::123456789012:role/ops'], operations: ['DescribeKey', 'CreateKey'] },
          { sid: 'no-vpce-x', effect: 'Deny', sourceVpcEndpoints: ['vpce-0bad'] },
        ],
      });
    });

    it('allows requests a rule matches', async () => {
      expect((await encrypt('guarded', Buffer.from('x'))).status).toBe(200);
      const md = requestMetadata('DescribeKey', { awsPrincipalArn: 'arn:aws:iam::123456789012:role/ops' });
      expect((await p.post('keys/guarded/metadata', { requestMetadata: md })).status).toBe(200);
    });

    it('denies with AccessDeniedException naming the rules that did not match', async () => {
      const md = requestMetadata('Encrypt', { awsPrincipalArn: 'arn:aws:iam::123456789012:role/ops' });
      const r = await p.post('keys/guarded/encrypt', { requestMetadata: md, plaintext: b64('x'), encryptionAlgorithm: 'AES_GCM' });
      expectXksError(r, 403, 'AccessDeniedException');
      expect(r.json.errorMessage).toContain("'alice-via-ebs' (awsPrincipalArn)");
      expect(r.json.errorMessage).toContain("'ops-role' (kmsOperation)");
      const direct = await p.post('keys/guarded/metadata', { requestMetadata: requestMetadata('DescribeKey', { kmsViaService: '' }) });
      expectXksError(direct, 403, 'AccessDeniedException');
    });

    it('denies through a Deny rule, naming it in the answer and in the audit record', async () => {
      const md = requestMetadata('Encrypt', { awsSourceVpce: 'vpce-0bad' });
      const r = await p.post('keys/guarded/encrypt', { requestMetadata: md, plaintext: b64('x'), encryptionAlgorithm: 'AES_GCM' });
      expectXksError(r, 403, 'AccessDeniedException');
      expect(r.json.errorMessage).toContain("denied by rule 'no-vpce-x'");
      const rec = records.find((x) => x.requestMetadata?.kmsRequestId === md.kmsRequestId);
      expect(rec).toMatchObject({ status: 403, errorName: 'AccessDeniedException', deniedByRule: 'no-vpce-x', externalKeyId: 'guarded', tenant: 'example' });
    });

    it('leaves GetHealthStatus exempt', async () => {
      expect((await p.post('health', { requestMetadata: { kmsOperation: 'KmsHealthCheck', kmsRequestId: 'h' } })).status).toBe(200);
    });
  });

  it('rotation: new ciphertexts name material version 2, older ones still decrypt', async () => {
    await createXksKey(admin, { tenant: 'example', externalKeyId: 'rotating' });
    const v1 = await encrypt('rotating', Buffer.from('one'));
    expect((await rotateXksKey(admin, 'example', 'rotating')).currentVersion).toBe(2);
    const v2 = await encrypt('rotating', Buffer.from('two'));
    expect(unb64(v2.json.ciphertextMetadata).readUInt16BE(1)).toBe(2);
    expect(unb64((await decrypt('rotating', v1.json)).json.plaintext).toString()).toBe('one');
    expect(unb64((await decrypt('rotating', v2.json)).json.plaintext).toString()).toBe('two');
  });

  it('audits every call with requestMetadata and outcome, never the plaintext', async () => {
    const secret = randomBytes(24);
    const md = requestMetadata('GenerateDataKey');
    const e = await p.post(`keys/${KEY}/encrypt`, { requestMetadata: md, plaintext: b64(secret), encryptionAlgorithm: 'AES_GCM' });
    await decrypt(KEY, e.json);
    const rec = records.find((x) => x.requestMetadata?.kmsRequestId === md.kmsRequestId)!;
    expect(rec).toMatchObject({ status: 200, operation: 'Encrypt', tenant: 'example', externalKeyId: KEY, region: 'us-east-1', requestMetadata: md });
    expect(rec.accessKeyId).toBe(p.creds.accessKeyId);
    const all = JSON.stringify(records);
    expect(all).not.toContain(b64(secret));
    expect(all).not.toContain(secret.toString('hex'));
  });

  it('fails closed: when the audit hook cannot record a call, the answer is InternalException, not the result', async () => {
    auditDown = true;
    try {
      const r = await encrypt(KEY, Buffer.from('must not leave'));
      expectXksError(r, 500, 'InternalException');
      expect(r.text).not.toContain('ciphertext');
    } finally {
      auditDown = false;
    }
    expect((await encrypt(KEY, Buffer.from('fine'))).status).toBe(200);
  });
});
