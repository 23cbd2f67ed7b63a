/**
 * The KMS JSON front when the token cannot serve: every pool session held (503
 * DependencyTimeoutException), and the token unusable because the user PIN changed behind the
 * service's back (/readyz 503, Encrypt answers the error-table row of HsmUnavailableError), then
 * recovery without a restart.
 *
 * startService builds its Hsm with createHsm, which hides the PKCS#11 internals. This file wraps
 * createHsm so the real token connection is made by createHsmWithInternals and its internals are
 * kept for the test; nothing about the token or the service is faked.
 */
import { readFile } from 'node:fs/promises';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { HsmInternals } from '../../src/hsm/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';
import { signedPost } from '../support/raw.js';

const captured = vi.hoisted(() => ({ internals: undefined as HsmInternals | undefined }));

vi.mock('../../src/hsm/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/hsm/index.js')>();
  return {
    ...real,
    createHsm: async (...args: Parameters<typeof real.createHsm>) => {
      const { hsm, internals } = await real.createHsmWithInternals(...args);
      captured.internals = internals;
      return hsm;
    },
  };
});

interface Readyz {
  status: number;
  body: { status: string; hsm: { ok: boolean; tokenLabel: string; detail?: string }; store: { ok: boolean } };
  text: string;
}

async function readyz(srv: TestServer): Promise<Readyz> {
  const r = await fetch(`${srv.url}/readyz`);
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text) as Readyz['body'], text };
}

function internals(): HsmInternals {
  if (!captured.internals) throw new Error('the service HSM internals were not captured');
  return captured.internals;
}

async function expectRoundTrip(kms: KMSClient, keyId: string, text: string): Promise<void> {
  const e = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }));
  expect(e.$metadata.httpStatusCode).toBe(200);
  const d = await kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob }));
  expect(Buffer.from(d.Plaintext!).toString()).toBe(text);
}

describe('KMS JSON API with every token session held', () => {
  let srv: TestServer;
  let kms: KMSClient;
  let keyId: string;

  beforeAll(async () => {
    srv = await startTestServer({ env: { STRONGROOM_HSM_SESSIONS: '1', STRONGROOM_HSM_SESSION_WAIT_MS: '100' } });
    kms = srv.kms();
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    // Also caches the SigV4 signing key, so authentication needs no token session below.
    await expectRoundTrip(kms, keyId, 'warm-up');
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
    captured.internals = undefined;
  });

  it('uses the configured pool of one session', () => {
    expect(srv.config.hsm.sessionPoolSize).toBe(1);
    expect(srv.config.hsm.sessionWaitMs).toBe(100);
    expect(internals().stats().pool.busy).toBe(0);
  });

  it('answers Encrypt with 503 DependencyTimeoutException while the only session is held, and serves it once released', async () => {
    let release!: () => void;
    const held = internals().withSession(() => new Promise<void>((r) => (release = r)));
    try {
      await expect.poll(() => internals().stats().pool.busy).toBe(1);
      const err = await errorOf(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('waits') })));
      expect(err).toStrictEqual({
        name: 'DependencyTimeoutException',
        message: 'The HSM did not answer in time. Retry the request.',
        status: 503,
      });
      // The readiness probe needs a session too: not ready while none is free.
      const busy = await readyz(srv);
      expect(busy.status).toBe(503);
      expect(busy.body.hsm).toStrictEqual({ ok: false, tokenLabel: 'strongroom', detail: 'HsmBusyError: no HSM session became free within 100 ms' });
    } finally {
      release();
      await held;
    }
    const ok = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('waits') }));
    expect(ok.$metadata.httpStatusCode).toBe(200);
    expect(ok.CiphertextBlob!.length).toBeGreaterThan(0);
    const back = await kms.send(new DecryptCommand({ CiphertextBlob: ok.CiphertextBlob }));
    expect(Buffer.from(back.Plaintext!).toString()).toBe('waits');
    expect((await readyz(srv)).status).toBe(200);
  });
});

describe('KMS JSON API while the token refuses the login', () => {
  let srv: TestServer;
  let kms: KMSClient;
  let keyId: string;
  let pin: string;
  const OTHER_PIN = 'changed-behind-our-back-0815';

  beforeAll(async () => {
    srv = await startTestServer();
    kms = srv.kms();
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await expectRoundTrip(kms, keyId, 'warm-up');
    pin = (await readFile(srv.config.hsm.pinFile!, 'utf8')).trim();
    expect(pin.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
    captured.internals = undefined;
  });

  it('/readyz and Encrypt report the unusable token (503 / KeyUnavailableException, no PIN), and both recover once the PIN is restored', async () => {
    const before = await readyz(srv);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: 'ready', hsm: { ok: true, tokenLabel: 'strongroom' }, store: { ok: true } });

    const p = internals().pkcs11;
    const side = p.C_OpenSession(internals().slot(), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    let restored = false;
    try {
      // Change the user PIN behind the service's back and log the process out: re-login fails.
      p.C_SetPIN(side, pin, OTHER_PIN);
      p.C_Logout(side);

      const down = await readyz(srv);
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('not ready');
      expect(down.body.hsm.ok).toBe(false);
      expect(down.body.hsm.tokenLabel).toBe('strongroom');
      expect(down.body.hsm.detail).toBe("HsmUnavailableError: HSM login to token 'strongroom' failed: CKR_PIN_INCORRECT");
      expect(down.body.store.ok).toBe(true);
      expect(down.text).not.toContain(pin);
      expect(down.text).not.toContain(OTHER_PIN);

      const err = await errorOf(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('no token') })));
      expect(err).toStrictEqual({ name: 'KeyUnavailableException', message: 'The HSM is unavailable. Retry the request.', status: 500 });

      const raw = await signedPost(srv.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: keyId, Plaintext: Buffer.from('no token').toString('base64') }));
      expect(raw.status).toBe(500);
      expect(raw.json).toStrictEqual({ __type: 'KeyUnavailableException', message: 'The HSM is unavailable. Retry the request.' });
      expect(raw.text).not.toContain(pin);
      expect(raw.text).not.toContain(OTHER_PIN);

      // Still down on a second look: nothing recovered by itself while the PIN is wrong.
      expect((await readyz(srv)).status).toBe(503);

      // The operator restores the PIN.
      p.C_Login(side, pkcs11js.CKU_USER, OTHER_PIN);
      p.C_SetPIN(side, OTHER_PIN, pin);
      restored = true;
    } finally {
      if (!restored) {
        try {
          p.C_Login(side, pkcs11js.CKU_USER, OTHER_PIN);
          p.C_SetPIN(side, OTHER_PIN, pin);
        } catch {
          // the PIN was never changed
        }
      }
      p.C_CloseSession(side);
    }

    const up = await readyz(srv);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ready', hsm: { ok: true, tokenLabel: 'strongroom' } });
    expect(up.body.hsm.detail).toBeUndefined();
    await expectRoundTrip(kms, keyId, 'after recovery');
  });
});
