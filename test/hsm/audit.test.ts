/**
 * hsm.audit against a real SoftHSM token: the digest signing key pair and the encryption-context
 * HMAC key are created non-extractable in the token, signatures check with node:crypto offline,
 * and the keys survive a restart (the public key stays the same).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHsmWithInternals } from '../../src/hsm/index.js';
import { AUDIT_HMAC_LABEL, AUDIT_SIGNING_LABEL } from '../../src/hsm/audit-keys.js';
import { p256SpkiFromEcPoint } from '../../src/hsm/audit.js';
import { auditSignerOf } from '../../src/audit/digest-writer.js';
import { HsmError } from '../../src/kms/ports/hsm.js';
import { createTestHsm } from '../support/softhsm.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

describe('hsm.audit (SoftHSM)', () => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  beforeAll(async () => {
    t = await createTestHsm('wrapped');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  function find(session: Handle, cls: number, label: string): Handle[] {
    const p = t.internals.pkcs11;
    p.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: cls },
      { type: pkcs11js.CKA_LABEL, value: label },
    ]);
    try {
      return p.C_FindObjects(session, 10);
    } finally {
      p.C_FindObjectsFinal(session);
    }
  }

  it('signs a SHA-256 digest with CKM_ECDSA so that node:crypto verifies ECDSA-P256-SHA256 over the message', async () => {
    const message = Buffer.from('{"kind":"digest","nodeId":"n1"}');
    const sig = await t.hsm.audit.signDigest(sha256(message));
    expect(sig).toHaveLength(64);
    const key = createPublicKey({ key: await t.hsm.audit.publicKey(), format: 'der', type: 'spki' });
    expect(key.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    expect(verify('sha256', Buffer.from('{"kind":"digest","nodeId":"n2"}'), { key, dsaEncoding: 'ieee-p1363' }, sig)).toBe(false);
    const flipped = Buffer.from(sig);
    flipped[10]! ^= 1;
    expect(verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, flipped)).toBe(false);
  });

  it('signs bodies through auditSignerOf (hash in Node, sign in the token)', async () => {
    const signer = auditSignerOf(t.hsm.audit);
    const body = Buffer.from('digest body');
    const key = createPublicKey({ key: await signer.publicKey(), format: 'der', type: 'spki' });
    expect(verify('sha256', body, { key, dsaEncoding: 'ieee-p1363' }, await signer.signBody(body))).toBe(true);
  });

  it('refuses a digest that is not 32 bytes', async () => {
    await expect(t.hsm.audit.signDigest(Buffer.alloc(20))).rejects.toBeInstanceOf(RangeError);
  });

  it('keeps the private signing key and the HMAC key sensitive, non-extractable and single-purpose', async () => {
    await t.internals.withSession((s) => {
      const p = t.internals.pkcs11;
      const [priv] = find(s, pkcs11js.CKO_PRIVATE_KEY, AUDIT_SIGNING_LABEL);
      const [hmac] = find(s, pkcs11js.CKO_SECRET_KEY, AUDIT_HMAC_LABEL);
      const flags = (h: Handle, types: number[]) => p.C_GetAttributeValue(s, h, types.map((type) => ({ type }))).map((a) => a.value[0] === 1);
      const protection = [pkcs11js.CKA_TOKEN, pkcs11js.CKA_PRIVATE, pkcs11js.CKA_SENSITIVE, pkcs11js.CKA_ALWAYS_SENSITIVE, pkcs11js.CKA_EXTRACTABLE, pkcs11js.CKA_NEVER_EXTRACTABLE];
      const expected = [true, true, true, true, false, true];
      expect(flags(priv!, protection)).toStrictEqual(expected);
      expect(flags(hmac!, protection)).toStrictEqual(expected);
      // Private EC key: sign only (it has no CKA_ENCRYPT/CKA_WRAP attributes at all).
      expect(flags(priv!, [pkcs11js.CKA_SIGN, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_UNWRAP, pkcs11js.CKA_DERIVE])).toStrictEqual([true, false, false, false]);
      expect(t.internals.inspectKey(s, hmac!)).toMatchObject({ encrypt: false, decrypt: false, wrap: false, unwrap: false, derive: false });
      for (const h of [priv!, hmac!]) {
        // The token itself refuses to reveal the key value.
        expect(() => p.C_GetAttributeValue(s, h, [{ type: pkcs11js.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      }
    });
  });

  it('computes HMAC-SHA256 in the token: 32 bytes, deterministic, different per input', async () => {
    const a = await t.hsm.audit.hmac(Buffer.from('purpose=test'));
    expect(a).toHaveLength(32);
    expect(await t.hsm.audit.hmac(Buffer.from('purpose=test'))).toStrictEqual(a);
    expect(await t.hsm.audit.hmac(Buffer.from('purpose=prod'))).not.toStrictEqual(a);
  });

  it('creates each key once, even when asked concurrently', async () => {
    await Promise.all([t.hsm.audit.ensureKeys(), t.hsm.audit.ensureKeys(), t.hsm.audit.publicKey()]);
    await t.internals.withSession((s) => {
      expect(find(s, pkcs11js.CKO_PRIVATE_KEY, AUDIT_SIGNING_LABEL)).toHaveLength(1);
      expect(find(s, pkcs11js.CKO_PUBLIC_KEY, AUDIT_SIGNING_LABEL)).toHaveLength(1);
      expect(find(s, pkcs11js.CKO_SECRET_KEY, AUDIT_HMAC_LABEL)).toHaveLength(1);
    });
  });

  it('finds the same keys after a restart: same public key, same HMAC', async () => {
    const spki = await t.hsm.audit.publicKey();
    const mac = await t.hsm.audit.hmac(Buffer.from('x'));
    await t.hsm.close();
    const again = await createHsmWithInternals(t.config);
    try {
      expect(await again.hsm.audit.publicKey()).toStrictEqual(spki);
      expect(await again.hsm.audit.hmac(Buffer.from('x'))).toStrictEqual(mac);
    } finally {
      await again.hsm.close();
      // cleanup() closes t.hsm again, which is harmless.
    }
  });
});

describe('P-256 public key encoding', () => {
  it('accepts CKA_EC_POINT as a DER OCTET STRING (SoftHSM 2.6) or as the raw point', () => {
    const raw = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]);
    const wrapped = Buffer.concat([Buffer.from([0x04, 0x41]), raw]);
    expect(p256SpkiFromEcPoint(wrapped)).toStrictEqual(p256SpkiFromEcPoint(raw));
    expect(p256SpkiFromEcPoint(raw)).toHaveLength(91);
    expect(() => p256SpkiFromEcPoint(Buffer.alloc(33, 2))).toThrow(HsmError);
  });
});
