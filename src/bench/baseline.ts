/**
 * The baseline measured in the same run: raw in-process PKCS#11 AES-256-GCM encryption on the
 * server's own token (sync C_EncryptInit + C_Encrypt on one session, a token-resident AES key),
 * and the Hsm port's seal (derive a one-time key + GCM + destroy, async), with no HTTP at all.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/load.js';
import { createHsmWithInternals } from '../hsm/index.js';
import { gcmMechanism } from '../hsm/templates.js';
import { newMaterialId } from '../lib/ids.js';
import { drive, LatencyRecorder, type RunStats } from './stats.js';

export interface Baselines {
  rawGcm: RunStats;
  seal: RunStats;
}

export async function measureBaselines(dataDir: string, keyStorage: 'wrapped' | 'token', durationMs: number, concurrency: number, size: number): Promise<Baselines> {
  const config = loadConfig({ STRONGROOM_DATA_DIR: dataDir, STRONGROOM_KEY_STORAGE: keyStorage });
  const { hsm, internals } = await createHsmWithInternals(config.hsm);
  try {
    const p = internals.pkcs11;
    const key = internals.wellKnownKey('service');
    const plaintext = randomBytes(size);
    const aad = Buffer.alloc(0);
    const out = Buffer.alloc(size + 16);
    const rawGcm = await internals.withSession((session) => {
      const rec = new LatencyRecorder();
      const start = performance.now();
      const end = start + durationMs;
      while (performance.now() < end) {
        const t0 = performance.now();
        p.C_EncryptInit(session, gcmMechanism(randomBytes(12), aad), key);
        p.C_Encrypt(session, plaintext, out);
        rec.record(performance.now() - t0);
      }
      return rec.summary((performance.now() - start) / 1000);
    });
    const keyId = '00000000-0000-4000-8000-00000000be0c';
    const materialId = newMaterialId();
    const generated = await hsm.generateSymmetricMaterial(keyId, materialId);
    const ref = { keyId, materialId, wrapped: generated.wrapped };
    const seal = await drive(concurrency, durationMs, () => hsm.seal(ref, plaintext, aad));
    await hsm.destroyMaterial(ref);
    return { rawGcm, seal };
  } finally {
    await hsm.close();
  }
}
