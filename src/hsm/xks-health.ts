/**
 * The XKS proxy's deep health check (XKS proxy API spec v1.0.3, GetHealthStatus: "SHOULD create
 * test keys in the external key manager and invoke cryptographic operations on them"; never a key
 * tied to a KMS key, whose log entries would have no CloudTrail twin).
 *
 * The check runs the same path as an XKS Encrypt/Decrypt: a one-time key derived in the token
 * (CKM_AES_CBC_ENCRYPT_DATA) from the dedicated health key, AES-256-GCM encrypt, derive again,
 * decrypt, compare. The health key is a token object created on first use; if several processes
 * raced to create it (SoftHSM accepts duplicate CKA_IDs) any of them serves.
 */
import { performance } from 'node:perf_hooks';
import pkcs11js from 'pkcs11js';
import type { Handle, TokenInfo } from 'pkcs11js';
import { HsmBusyError, HsmUnavailableError } from '../kms/ports/hsm.js';
import type { XksTokenHealth } from '../kms/ports/hsm-xks.js';
import { constantTimeEqual, zero } from '../lib/bytes.js';
import type { PooledSession } from './pool.js';
import type { Runtime } from './runtime.js';
import { destroyQuietly, gcmDecrypt, gcmEncrypt } from './seal.js';
import {
  AES_KEY_GEN,
  XKS_HEALTH_KEY_ID,
  XKS_HEALTH_KEY_LABEL,
  deriveMechanism,
  derivedKeyTemplate,
  findSecretKeyTemplate,
  xksHealthKeyTemplate,
} from './templates.js';
import type { Token } from './token.js';

const PROBE_BYTES = 32;
const HEALTH_AAD = Buffer.from('strongroom/xks-health', 'utf8');

function versions(info: TokenInfo): string {
  const hw = info.hardwareVersion;
  const fw = info.firmwareVersion;
  return `hw ${hw.major}.${hw.minor} fw ${fw.major}.${fw.minor}`;
}

export function createXksHealthCheck(token: Token, runtime: Runtime): () => Promise<XksTokenHealth> {
  const { p } = token;
  let cached: { handle: Handle; generation: number } | undefined;

  async function healthKey(session: PooledSession): Promise<Handle> {
    if (cached && cached.generation === token.generation) return cached.handle;
    let handle = token.findAll([...findSecretKeyTemplate(XKS_HEALTH_KEY_ID), { type: pkcs11js.CKA_LABEL, value: XKS_HEALTH_KEY_LABEL }])[0];
    if (!handle) {
      token.assertLoggedIn(); // invisible (logged out) is not absent
      handle = await p.C_GenerateKeyAsync(session.handle, AES_KEY_GEN, xksHealthKeyTemplate());
    }
    cached = { handle, generation: session.generation };
    return handle;
  }

  async function roundTrip(session: PooledSession): Promise<void> {
    const material = await healthKey(session);
    const derivation = p.C_GenerateRandom(session.handle, Buffer.alloc(32));
    const iv = p.C_GenerateRandom(session.handle, Buffer.alloc(12));
    const probe = p.C_GenerateRandom(session.handle, Buffer.alloc(PROBE_BYTES));
    let key: Handle | undefined;
    let back: Buffer | undefined;
    try {
      key = await p.C_DeriveKeyAsync(session.handle, deriveMechanism(derivation), material, derivedKeyTemplate('encrypt'));
      const sealed = await gcmEncrypt(p, session.handle, key, iv, HEALTH_AAD, probe);
      destroyQuietly(p, session.handle, key);
      key = await p.C_DeriveKeyAsync(session.handle, deriveMechanism(derivation), material, derivedKeyTemplate('decrypt'));
      back = await gcmDecrypt(p, session.handle, key, iv, HEALTH_AAD, sealed);
      if (!constantTimeEqual(probe, back)) throw new HsmUnavailableError('XKS health round trip returned different bytes');
    } finally {
      destroyQuietly(p, session.handle, key);
      zero(probe, back);
    }
  }

  return async function health(): Promise<XksTokenHealth> {
    const started = performance.now();
    const base = { tokenLabel: token.tokenLabel };
    try {
      await runtime.withSession('xks health', roundTrip);
      const info = await runtime.withAnchor('token info', () => token.tokenInfo());
      const out: XksTokenHealth = {
        ...base,
        ok: true,
        busy: false,
        serialNumber: info.serialNumber.trim(),
        manufacturer: info.manufacturerID.trim(),
        model: info.model.trim(),
        versions: versions(info),
        elapsedMs: performance.now() - started,
      };
      return out;
    } catch (e) {
      return {
        ...base,
        ok: false,
        busy: e instanceof HsmBusyError,
        elapsedMs: performance.now() - started,
        detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      };
    }
  };
}
