/**
 * `hsm.audit`: digest signatures and encryption-context HMACs for the audit trail, with the
 * token keys of audit-keys.ts. Every call runs on an exclusive pool session with the runtime's
 * recovery (a device error reconnects, re-finds the keys and retries once).
 */
import pkcs11js from 'pkcs11js';
import type { AuditHsm } from '../kms/ports/hsm-audit.js';
import { HsmError } from '../kms/ports/hsm.js';
import { AuditKeys } from './audit-keys.js';
import type { Runtime } from './runtime.js';
import type { Token } from './token.js';

/** SubjectPublicKeyInfo header for an uncompressed P-256 point: SEQ{SEQ{ecPublicKey, prime256v1}, BIT STRING 00 ‖ …}. */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const P256_POINT_BYTES = 65;

/**
 * CKA_EC_POINT is a DER OCTET STRING wrapping 04‖X‖Y in SoftHSM 2.6 (notes §3f: 67 bytes starting
 * 04 41 04); PKCS#11 v2.40 also allows the raw point, which some HSMs return.
 */
export function p256SpkiFromEcPoint(ecPoint: Buffer): Buffer {
  let point = ecPoint;
  if (point.length === P256_POINT_BYTES + 2 && point[0] === 0x04 && point[1] === P256_POINT_BYTES) point = point.subarray(2);
  if (point.length !== P256_POINT_BYTES || point[0] !== 0x04) throw new HsmError('audit signing key: unexpected CKA_EC_POINT encoding');
  return Buffer.concat([P256_SPKI_PREFIX, point]);
}

export function createAuditHsm(token: Token, runtime: Runtime): AuditHsm {
  const keys = new AuditKeys(token, runtime);
  const { p } = token;
  return {
    ensureKeys: () => keys.ensure(),
    async signDigest(digest) {
      if (digest.length !== 32) throw new RangeError('signDigest takes a 32-byte SHA-256 digest');
      await keys.ensure();
      return runtime.withSession('audit sign', async (s) => {
        p.C_SignInit(s.handle, { mechanism: pkcs11js.CKM_ECDSA }, keys.handle('signingPrivate'));
        // Results are views of the output buffer (notes §6.8): copy to exactly r‖s.
        return Buffer.from(await p.C_SignAsync(s.handle, digest, Buffer.alloc(64)));
      });
    },
    async publicKey() {
      await keys.ensure();
      return runtime.withAnchor('audit public key', (anchor) => {
        const [attr] = p.C_GetAttributeValue(anchor, keys.handle('signingPublic'), [{ type: pkcs11js.CKA_EC_POINT }]);
        if (!attr?.value) throw new HsmError('audit signing key has no CKA_EC_POINT');
        return p256SpkiFromEcPoint(Buffer.from(attr.value));
      });
    },
    async hmac(data) {
      await keys.ensure();
      return runtime.withSession('audit hmac', async (s) => {
        p.C_SignInit(s.handle, { mechanism: pkcs11js.CKM_SHA256_HMAC }, keys.handle('hmac'));
        return Buffer.from(await p.C_SignAsync(s.handle, data, Buffer.alloc(32)));
      });
    },
  };
}
