/**
 * XKS proxy requests inside the running service are audited: one record each, joined to AWS KMS's
 * CloudTrail by requestMetadata.kmsRequestId, with the outcome — and never the plaintext, the AAD
 * or the ciphertext. The chain still verifies with them in it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyXksKeysSeed } from '../../src/kms/xks/seed.js';
import { newXksCredential } from '../../src/kms/xks/credentials.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { b64, requestMetadata, xksPost } from '../support/xks.js';
import { auditEvents, auditRows, verifyServer } from '../support/audit.js';

describe('audit of XKS proxy requests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-xks-audit-'));
  const cred = newXksCredential();
  let srv: TestServer;
  let url: string;

  beforeAll(async () => {
    writeFileSync(join(dir, 'xks.yaml'), stringify({ tenants: [{ name: 'alpha', uriPathPrefix: '/alpha', credentials: [cred] }] }));
    srv = await startTestServer({ env: { STRONGROOM_XKS_CONFIG: join(dir, 'xks.yaml'), STRONGROOM_XKS_HTTP_PORT: '0' } });
    await applyXksKeysSeed(srv.svc.deps.store, srv.svc.deps.hsm, [{ tenant: 'alpha', externalKeyId: 'k1' }]);
    url = srv.svc.xks!.httpUrl!;
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records encrypt, decrypt and a failure with kmsRequestId and without secrets', async () => {
    const secret = 'XKS-PLAINTEXT-NOT-FOR-THE-LOG';
    const aad = 'XKS-AAD-NOT-FOR-THE-LOG';
    const md = requestMetadata('Encrypt');
    const enc = await xksPost(url, '/alpha/kms/xks/v1/keys/k1/encrypt', { requestMetadata: md, plaintext: b64(secret), additionalAuthenticatedData: b64(aad), encryptionAlgorithm: 'AES_GCM' }, cred);
    expect(enc.status).toBe(200);
    const bad = await xksPost(url, '/alpha/kms/xks/v1/keys/k1/decrypt', {
      requestMetadata: requestMetadata('Decrypt'),
      ciphertext: enc.json.ciphertext,
      ciphertextMetadata: enc.json.ciphertextMetadata,
      initializationVector: enc.json.initializationVector,
      authenticationTag: enc.json.authenticationTag,
      encryptionAlgorithm: 'AES_GCM',
    }, cred);
    expect(bad.status).toBe(400);

    const events = (await auditEvents(srv)).filter((e) => e.eventSource === 'xks-proxy.strongroom');
    const encRec = events.find((e) => (e.additionalEventData as Record<string, unknown>)?.kmsRequestId === md.kmsRequestId);
    expect(encRec).toMatchObject({ eventName: 'Encrypt', eventType: 'AwsApiCall', userIdentity: { type: 'XksProxyTenant', principalId: 'alpha', accessKeyId: cred.accessKeyId } });
    expect(encRec!.errorCode).toBeUndefined();
    expect((encRec!.requestParameters as Record<string, unknown>).externalKeyId).toBe('k1');
    const failed = events.find((e) => e.eventName === 'Decrypt');
    expect(failed?.errorCode).toBe('InvalidCiphertextException');

    const raw = JSON.stringify(await auditRows(srv));
    for (const f of [secret, b64(secret), aad, b64(aad), String(enc.json.ciphertext), cred.secretAccessKey]) expect(raw.includes(f)).toBe(false);
    const report = await verifyServer(srv);
    expect(report.ok).toBe(true);
  });
});
