/**
 * The managed SoftHSM2 token: Strongroom's own softhsm2.conf, token directory, PIN files and token
 * under the data directory, never the system /etc/softhsm one. Idempotent: safe on every start.
 * Run it in one process (the cluster primary) before workers call createHsm.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { HsmConfig } from '../config/types.js';
import { zero } from '../lib/bytes.js';

const run = promisify(execFile);
const SOFTHSM_UTIL = 'softhsm2-util';

export function missingModuleMessage(modulePath: string): string {
  return (
    `PKCS#11 module not found at ${modulePath}. Install SoftHSM2 with scripts/ensure-softhsm.sh ` +
    `(or apt-get install softhsm2), or set STRONGROOM_HSM_MODULE to your HSM's module.`
  );
}

export async function assertModulePresent(modulePath: string): Promise<void> {
  try {
    await access(modulePath, constants.R_OK);
  } catch {
    throw new Error(missingModuleMessage(modulePath));
  }
}

function confText(tokenDir: string): string {
  // slots.removable = false: the token never "disappears" between calls (SoftHSM 2.6 docs).
  return [
    `directories.tokendir = ${tokenDir}`,
    'objectstore.backend = file',
    'log.level = ERROR',
    'slots.removable = false',
    '',
  ].join('\n');
}

/** A random 24-character PIN (base64url of 18 random bytes; SoftHSM accepts 4–255 characters). */
function newPin(): string {
  const raw = randomBytes(18);
  try {
    return raw.toString('base64url');
  } finally {
    zero(raw);
  }
}

/** Reads a PIN file (trimmed). The Buffer is zeroed; the returned string cannot be. */
export async function readPinFile(path: string): Promise<string> {
  const raw = await readFile(path);
  try {
    const pin = raw.toString('utf8').trim();
    if (pin === '') throw new Error(`PIN file ${path} is empty`);
    return pin;
  } finally {
    zero(raw);
  }
}

/** Creates the file with a fresh PIN unless it exists (O_EXCL, so two starters agree). */
async function ensurePinFile(path: string): Promise<string> {
  try {
    await writeFile(path, `${newPin()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return readPinFile(path);
}

/** The user PIN: config.pin, else the PIN file. Never logged. */
export async function resolvePin(config: HsmConfig): Promise<string> {
  if (config.pin !== undefined && config.pin !== '') return config.pin;
  if (config.pinFile === undefined) {
    throw new Error('No HSM PIN configured: set STRONGROOM_HSM_PIN or STRONGROOM_HSM_PIN_FILE');
  }
  return readPinFile(config.pinFile);
}

async function tokenExists(label: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { stdout } = await run(SOFTHSM_UTIL, ['--show-slots'], { env });
  // softhsm2-util pads labels to 32 characters: "        Label:            strongroom      ".
  return stdout.split('\n').some((line) => /^\s*Label:\s/.test(line) && line.replace(/^\s*Label:/, '').trim() === label);
}

export async function ensureManagedToken(config: HsmConfig): Promise<void> {
  const managed = config.managedSoftHsm;
  if (!managed) return;
  await assertModulePresent(config.modulePath);
  await mkdir(managed.tokenDir, { recursive: true, mode: 0o700 });
  await mkdir(dirname(managed.confPath), { recursive: true, mode: 0o700 });
  const conf = confText(managed.tokenDir);
  const current = await readFile(managed.confPath, 'utf8').catch(() => undefined);
  if (current !== conf) await writeFile(managed.confPath, conf, { mode: 0o600 });

  const pinDir = dirname(config.pinFile ?? managed.confPath);
  await mkdir(pinDir, { recursive: true, mode: 0o700 });
  const pin = config.pin !== undefined && config.pin !== '' ? config.pin : await ensurePinFile(config.pinFile ?? join(pinDir, 'user.pin'));
  const soPin = await ensurePinFile(join(pinDir, 'so.pin'));

  // The child gets its own environment; this process's SOFTHSM2_CONF is set later, by createHsm.
  const env = { ...process.env, SOFTHSM2_CONF: managed.confPath };
  try {
    if (await tokenExists(config.tokenLabel, env)) return;
    // PINs travel as argv (softhsm2-util has no non-interactive alternative); the child lives ~15 ms.
    await run(SOFTHSM_UTIL, ['--init-token', '--free', '--label', config.tokenLabel, '--so-pin', soPin, '--pin', pin], { env });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new Error(`${SOFTHSM_UTIL} not found on PATH: run scripts/ensure-softhsm.sh (or apt-get install softhsm2)`);
    }
    // Never echo the command line: it holds the PINs.
    throw new Error(`softhsm2-util failed to initialise token '${config.tokenLabel}': ${(err.stderr ?? '').trim() || 'no output'}`);
  }
}
