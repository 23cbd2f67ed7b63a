import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ckrTableEntries } from '../../src/hsm/errors.js';
import { createHsm, createHsmWithInternals, ensureManagedToken } from '../../src/hsm/index.js';
import { HsmUnavailableError } from '../../src/kms/ports/hsm.js';
import { testHsmConfig } from '../support/softhsm.js';
import { newMaterial } from './helpers.js';

function tokensLabelled(confPath: string, label: string): number {
  const out = execFileSync('softhsm2-util', ['--show-slots'], { env: { ...process.env, SOFTHSM2_CONF: confPath }, encoding: 'utf8' });
  return out.split('\n').filter((l) => /^\s*Label:/.test(l) && l.replace(/^\s*Label:/, '').trim() === label).length;
}

describe('ensureManagedToken', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongroom-managed-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a private softhsm2.conf, 0600 PIN files with 24-character PINs, and one token', async () => {
    const config = testHsmConfig(dir, 'wrapped');
    await ensureManagedToken(config);
    const conf = await readFile(config.managedSoftHsm!.confPath, 'utf8');
    expect(conf).toContain(`directories.tokendir = ${config.managedSoftHsm!.tokenDir}`);
    expect(conf).toContain('objectstore.backend = file');
    expect(conf).toContain('log.level = ERROR');
    expect(conf).toContain('slots.removable = false');
    for (const file of [config.pinFile!, join(dir, 'softhsm', 'so.pin')]) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await readFile(file, 'utf8')).trim()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    }
    expect(tokensLabelled(config.managedSoftHsm!.confPath, config.tokenLabel)).toBe(1);
  });

  it('is idempotent: a second run keeps the PIN and does not initialise another token', async () => {
    const config = testHsmConfig(dir, 'wrapped');
    const pin = await readFile(config.pinFile!, 'utf8');
    await ensureManagedToken(config);
    expect(await readFile(config.pinFile!, 'utf8')).toBe(pin);
    expect(tokensLabelled(config.managedSoftHsm!.confPath, config.tokenLabel)).toBe(1);
  });

  it('tells the user how to install SoftHSM when the module is missing', async () => {
    const config = testHsmConfig(dir, 'wrapped', { modulePath: join(dir, 'no-such-libsofthsm2.so') });
    await expect(ensureManagedToken(config)).rejects.toThrow(/scripts\/ensure-softhsm\.sh.*apt-get install softhsm2/);
    await expect(createHsm(config)).rejects.toThrow(/scripts\/ensure-softhsm\.sh/);
  });

  it('does nothing for an external module (no managedSoftHsm)', async () => {
    const config = { ...testHsmConfig(join(dir, 'external'), 'wrapped'), managedSoftHsm: undefined };
    await expect(ensureManagedToken(config)).resolves.toBeUndefined();
  });
});

describe('createHsm login and logging', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongroom-login-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails with HsmUnavailableError on a wrong PIN without revealing it', async () => {
    const config = testHsmConfig(dir, 'wrapped');
    await ensureManagedToken(config);
    const failure = await createHsm({ ...config, pin: 'definitely-wrong-pin' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HsmUnavailableError);
    expect((failure as Error).message).toMatch(/CKR_PIN_INCORRECT/);
    expect((failure as Error).message).not.toContain('definitely-wrong-pin');
  });

  it('never logs the PIN, through start, recovery and close', async () => {
    const config = testHsmConfig(dir, 'wrapped');
    const pin = (await readFile(config.pinFile!, 'utf8')).trim();
    const lines: string[] = [];
    const capture = (level: string) => (o: object, msg?: string) => lines.push(JSON.stringify({ level, o, msg }));
    const { hsm, internals } = await createHsmWithInternals(config, { info: capture('info'), warn: capture('warn'), error: capture('error') });
    const ref = await newMaterial(hsm);
    await internals.withSession((s) => internals.pkcs11.C_Logout(s));
    await hsm.seal(ref, Buffer.from('x'), Buffer.alloc(0));
    await hsm.close();
    expect(lines.some((l) => l.includes('HSM recovery'))).toBe(true);
    expect(lines.join('\n')).not.toContain(pin);
  });
});

describe('CKR table', () => {
  it('agrees with the numeric constants pkcs11js exports', () => {
    const exported = pkcs11js as unknown as Record<string, number | undefined>;
    for (const [code, name] of ckrTableEntries()) {
      if (exported[name] !== undefined) expect([name, exported[name]]).toEqual([name, code]);
    }
  });
});
