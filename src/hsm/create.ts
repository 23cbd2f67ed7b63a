/**
 * Composition of the HSM layer: module + token connection, session pool, recovery runtime,
 * well-known keys and the configured material store, behind the `Hsm` port. All state lives in
 * the objects created here (no module-level mutable state).
 *
 * One open Hsm per process: the PKCS#11 library is loaded once per process, so a second instance
 * shares the first one's C_Initialize (and SOFTHSM2_CONF), and close() finalizes it for both.
 */
import type { HsmConfig } from '../config/types.js';
import { HsmUnavailableError, type Hsm, type HsmHealth, type MaterialRef } from '../kms/ports/hsm.js';
import { constantTimeEqual, zero } from '../lib/bytes.js';
import type { HsmInternals } from './internals.js';
import { createInternals } from './internals.js';
import { assertModulePresent, resolvePin } from './managed.js';
import { TokenMaterialStore } from './materials-token.js';
import { WrappedMaterialStore } from './materials-wrapped.js';
import type { MaterialStore } from './materials.js';
import { Runtime } from './runtime.js';
import { open, openServiceSecret, seal, sealServiceSecret, type SealDeps } from './seal.js';
import { silentLog, Token, type HsmLog } from './token.js';
import { WellKnownKeys, type WellKnownKey } from './well-known-keys.js';
import { createXksHsm } from './xks.js';
import { XksDerivedKeys } from './xks-derived-keys.js';
import { createAuditHsm } from './audit.js';
import { createAsymmetricHsm } from './asymmetric.js';
import { KeyObjectStore } from './key-objects.js';
import { createMacHsm } from './mac.js';
import { createImportsHsm } from './imports.js';

const HEALTH_AAD = Buffer.from('strongroom/health', 'utf8');

export async function createHsmWithInternals(config: HsmConfig, log: HsmLog = silentLog): Promise<{ hsm: Hsm; internals: HsmInternals }> {
  await assertModulePresent(config.modulePath);
  const pin = await resolvePin(config);
  // SoftHSM getenv()s SOFTHSM2_CONF inside C_Initialize; an assignment on the main thread reaches
  // the real environment (in a worker_thread it would not: notes §1).
  if (config.managedSoftHsm) process.env.SOFTHSM2_CONF = config.managedSoftHsm.confPath;

  const token = new Token(config.modulePath, config.tokenLabel, pin);
  const keyNames: WellKnownKey[] = config.keyStorage === 'wrapped' ? ['domain', 'service'] : ['service'];
  const keys = new WellKnownKeys(token, log);
  let wrapped: WrappedMaterialStore | undefined;
  let xksKeys: XksDerivedKeys | undefined;
  const runtime = new Runtime(token, {
    poolSize: config.sessionPoolSize,
    waitMs: config.sessionWaitMs,
    log,
    onInvalidate: () => {
      wrapped?.invalidate();
      xksKeys?.invalidate();
    },
    afterReconnect: () => keys.refresh(keyNames),
  });
  try {
    token.connect();
    for (const k of keyNames) await keys.ensure(runtime, k);
    let materials: MaterialStore;
    if (config.keyStorage === 'wrapped') {
      wrapped = new WrappedMaterialStore(token, keys, config.handleCacheSize);
      materials = wrapped;
    } else {
      materials = new TokenMaterialStore(token, runtime, log, config.handleCacheSize);
    }
    await materials.start();
    xksKeys = new XksDerivedKeys(token, materials, config.handleCacheSize);
    const info = token.tokenInfo();
    log.info(
      { token: config.tokenLabel, manufacturer: info.manufacturerID.trim(), model: info.model.trim(), keyStorage: config.keyStorage },
      'HSM ready',
    );
    const deps: SealDeps = { p: token.p, runtime, materials, keys };
    const hsm = buildHsm(config, deps, token, runtime, xksKeys);
    return { hsm, internals: createInternals(token, runtime, materials, keys) };
  } catch (e) {
    await runtime.close().catch(() => {});
    throw e;
  }
}

export async function createHsm(config: HsmConfig, log?: HsmLog): Promise<Hsm> {
  return (await createHsmWithInternals(config, log)).hsm;
}

function buildHsm(config: HsmConfig, deps: SealDeps, token: Token, runtime: Runtime, xksKeys: XksDerivedKeys): Hsm {
  const { materials } = deps;
  // Asymmetric private keys and HMAC secrets (key-objects.ts), shared by hsm.asymmetric and hsm.mac.
  const keyObjects = new KeyObjectStore(token, runtime, deps.keys, config.handleCacheSize);
  const hsm: Hsm = {
    mode: config.keyStorage,
    xks: createXksHsm(deps, token, xksKeys),
    audit: createAuditHsm(token, runtime),
    asymmetric: createAsymmetricHsm({ runtime, objects: keyObjects, mode: config.keyStorage }),
    mac: createMacHsm({ runtime, objects: keyObjects, mode: config.keyStorage }),
    imports: createImportsHsm(deps, token, config.keyStorage, { softwareOaep: config.softwareOaep ?? true }),
    generateSymmetricMaterial: (keyId, materialId) =>
      runtime.withSession('generate material', (session) => materials.generate(session, keyId, materialId)),
    seal: (ref, plaintext, aad) => seal(deps, ref, plaintext, aad),
    open: (ref, sealed, aad) => open(deps, ref, sealed, aad),
    // Any kind of material: its XKS per-nonce keys, symmetric, then asymmetric/HMAC key objects (all idempotent).
    destroyMaterial: (ref: MaterialRef) => {
      xksKeys.forget(ref);
      return materials.destroy(ref).then(() => keyObjects.destroy(ref));
    },
    generateRandom: async (length) => {
      if (!Number.isInteger(length) || length < 0) throw new RangeError('length must be a non-negative integer');
      if (length === 0) return Buffer.alloc(0);
      return runtime.withAnchor('generate random', (anchor) => token.p.C_GenerateRandom(anchor, Buffer.alloc(length)));
    },
    sealServiceSecret: (plaintext, aad) => sealServiceSecret(deps, plaintext, aad),
    openServiceSecret: (sealed, aad) => openServiceSecret(deps, sealed, aad),
    health: async (): Promise<HsmHealth> => {
      const result: HsmHealth = { ok: false, tokenLabel: config.tokenLabel };
      let probe: Buffer | undefined;
      let back: Buffer | undefined;
      try {
        probe = await hsm.generateRandom(32);
        back = await hsm.openServiceSecret(await hsm.sealServiceSecret(probe, HEALTH_AAD), HEALTH_AAD);
        if (!constantTimeEqual(probe, back)) throw new HsmUnavailableError('HSM round trip returned different bytes');
        const info = await runtime.withAnchor('token info', () => token.tokenInfo());
        return { ...result, ok: true, manufacturer: info.manufacturerID.trim(), model: info.model.trim() };
      } catch (e) {
        return { ...result, detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
      } finally {
        zero(probe, back);
      }
    },
    close: () => runtime.close(),
  };
  return hsm;
}
