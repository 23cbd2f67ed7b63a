/**
 * A real SoftHSM2 token for integration tests: a fresh temp data dir with a managed softhsm2.conf,
 * token directory and PIN files, then ensureManagedToken + createHsm.
 *
 * Constraint: at most ONE open test HSM per process at a time. SoftHSM reads SOFTHSM2_CONF (a
 * per-process setting) inside C_Initialize and the library is loaded once per process, so call
 * cleanup() before the next createTestHsm. Vitest forks one process per test file, so the usual
 * pattern is one createTestHsm per file (or per describe block) in beforeAll, cleanup in afterAll.
 * A "restart" over the same token is `await hsm.close()` then `createHsm(config)` again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HsmConfig } from '../../src/config/types.js';
import { createHsmWithInternals, ensureManagedToken, type HsmInternals } from '../../src/hsm/index.js';
import type { Hsm, KeyStorageMode } from '../../src/kms/ports/hsm.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

let openInThisProcess: string | undefined;

export function testHsmConfig(dir: string, mode: KeyStorageMode, overrides: Partial<HsmConfig> = {}): HsmConfig {
  const softDir = join(dir, 'softhsm');
  return {
    modulePath: SOFTHSM_MODULE,
    tokenLabel: 'strongroom-test',
    pinFile: join(softDir, 'user.pin'),
    managedSoftHsm: { confPath: join(softDir, 'softhsm2.conf'), tokenDir: join(softDir, 'tokens') },
    keyStorage: mode,
    sessionPoolSize: 8,
    sessionWaitMs: 5_000,
    handleCacheSize: 1_000,
    ...overrides,
  };
}

export async function createTestHsm(
  mode: KeyStorageMode,
  overrides?: Partial<HsmConfig>,
): Promise<{ hsm: Hsm; config: HsmConfig; dir: string; internals: HsmInternals; cleanup(): Promise<void> }> {
  if (openInThisProcess) {
    throw new Error(`createTestHsm: a test HSM (${openInThisProcess}) is still open in this process; call its cleanup() first`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'strongroom-hsm-'));
  const config = testHsmConfig(dir, mode, overrides);
  try {
    await ensureManagedToken(config);
    const { hsm, internals } = await createHsmWithInternals(config);
    openInThisProcess = dir;
    let cleaned = false;
    return {
      hsm,
      config,
      dir,
      internals,
      async cleanup() {
        if (cleaned) return;
        cleaned = true;
        await hsm.close();
        openInThisProcess = undefined;
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
