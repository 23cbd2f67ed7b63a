/**
 * Issue 9: the XKS proxy inside the real service (startService with STRONGROOM_XKS_CONFIG and a
 * loopback HTTP listener): isolated tenants, two credential pairs at once, and rotation without a
 * restart — through the config-file watch and through reload() (what SIGHUP calls) — where an
 * invalid file keeps the running configuration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyXksKeysSeed } from '../../src/kms/xks/seed.js';
import { newXksCredential, type XksCredential } from '../../src/kms/xks/credentials.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { b64, expectXksError, requestMetadata, xksPost } from '../support/xks.js';

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('XKS proxy in the running service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-xks-svc-'));
  const configPath = join(dir, 'xks.yaml');
  const secretFile = join(dir, 'b-second.key');
  const a1 = newXksCredential();
  const a2 = newXksCredential();
  const b1 = newXksCredential();
  const b2 = newXksCredential();
  let srv: TestServer;
  let url: string;
  /** The alpha pair in use after the rotation test. */
  let alpha = a1;

  const write = (aCreds: XksCredential[], bSecretInFile = true) =>
    writeFileSync(
      configPath,
      stringify({
        tenants: [
          { name: 'alpha', uriPathPrefix: '/alpha', credentials: aCreds },
          {
            name: 'beta',
            uriPathPrefix: '/beta/store',
            credentials: [b1, bSecretInFile ? { accessKeyId: b2.accessKeyId, secretAccessKeyFile: 'b-second.key' } : b2],
          },
        ],
      }),
    );

  const encrypt = (prefix: string, key: string, creds: XksCredential) =>
    xksPost(url, `${prefix}/kms/xks/v1/keys/${key}/encrypt`, { requestMetadata: requestMetadata('Encrypt'), plaintext: b64('x'), encryptionAlgorithm: 'AES_GCM' }, creds);
  const works = async (prefix: string, key: string, creds: XksCredential) => (await encrypt(prefix, key, creds)).status === 200;

  beforeAll(async () => {
    writeFileSync(secretFile, `${b2.secretAccessKey}\n`);
    write([a1, a2]);
    srv = await startTestServer({ env: { STRONGROOM_XKS_CONFIG: configPath, STRONGROOM_XKS_HTTP_PORT: '0' } });
    url = srv.svc.xks!.httpUrl!;
    const seeded = await applyXksKeysSeed(srv.svc.deps.store, srv.svc.deps.hsm, [
      { tenant: 'alpha', externalKeyId: 'a-key' },
      { tenant: 'beta', externalKeyId: 'b-key' },
    ]);
    expect(seeded.created).toStrictEqual(['alpha/a-key', 'beta/b-key']);
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the XKS routes on their own loopback listener, not on the KMS listener', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe(srv.url);
    expect(await works('/alpha', 'a-key', a1)).toBe(true);
    const onKms = await xksPost(srv.url, '/alpha/kms/xks/v1/keys/a-key/encrypt', { requestMetadata: requestMetadata('Encrypt') }, a1);
    expect(onKms.status).not.toBe(200);
  });

  it('keeps tenants apart: credentials and keys of one prefix do nothing under another', async () => {
    expectXksError(await encrypt('/beta/store', 'b-key', a1), 401, 'AuthenticationFailedException');
    expectXksError(await encrypt('/alpha', 'b-key', a1), 404, 'KeyNotFoundException');
    expect(await works('/beta/store', 'b-key', b1)).toBe(true);
  });

  it('accepts both credential pairs of a prefix at once, including a secret held in a file', async () => {
    expect(await works('/alpha', 'a-key', a1)).toBe(true);
    expect(await works('/alpha', 'a-key', a2)).toBe(true);
    expect(await works('/beta/store', 'b-key', b2)).toBe(true);
  });

  it('rotates without a restart when the config file changes: the removed pair stops working, the kept one never does', async () => {
    const a3 = newXksCredential();
    write([a2, a3]);
    await eventually(async () => (await encrypt('/alpha', 'a-key', a1)).status === 401);
    expect(await works('/alpha', 'a-key', a2)).toBe(true);
    expect(await works('/alpha', 'a-key', a3)).toBe(true);
    write([a3]);
    await eventually(async () => !(await works('/alpha', 'a-key', a2)));
    expect(await works('/alpha', 'a-key', a3)).toBe(true);
    alpha = a3;
  });

  it('picks up a changed secret file', async () => {
    const fresh = newXksCredential();
    writeFileSync(secretFile, `${fresh.secretAccessKey}\n`);
    const rotated = { accessKeyId: b2.accessKeyId, secretAccessKey: fresh.secretAccessKey };
    await eventually(() => works('/beta/store', 'b-key', rotated));
    expect(await works('/beta/store', 'b-key', b2)).toBe(false);
  });

  it('reload() (what SIGHUP calls) keeps the running configuration when the new file is invalid', async () => {
    writeFileSync(configPath, 'tenants: [ {name: alpha, credentials: [] } ]\n');
    expect(await srv.svc.xks!.reload()).toBe(false);
    expect(await works('/alpha', 'a-key', alpha)).toBe(true);
    write([alpha], false);
    expect(await srv.svc.xks!.reload()).toBe(true);
    expect(await works('/alpha', 'a-key', alpha)).toBe(true);
  });
});
