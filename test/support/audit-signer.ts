/**
 * A software ECDSA P-256 signer for tests that exercise the audit chain without a token (store
 * and unit suites). The token signer (hsm.audit + auditSignerOf) is tested in test/hsm/audit.test.ts.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { AuditSigner } from '../../src/audit/digest-writer.js';
import { publicKeyFingerprint } from '../../src/audit/digest.js';

export interface TestSigner extends AuditSigner {
  spki: Buffer;
  key: KeyObject;
  fingerprint: string;
}

export function testSigner(): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    spki,
    key: publicKey,
    fingerprint: publicKeyFingerprint(spki),
    signBody: async (body) => sign('sha256', body, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    publicKey: async () => spki,
  };
}

export const silentAuditLog = { info() {}, warn() {}, error() {} };
