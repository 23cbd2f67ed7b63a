/**
 * Public keys between PKCS#11 attributes and DER SubjectPublicKeyInfo. Node's JWK import does the
 * ASN.1 (and checks the point is on the curve); we only move the raw values:
 * - RSA: CKA_MODULUS / CKA_PUBLIC_EXPONENT (big-endian integers) ↔ JWK n / e;
 * - EC: CKA_EC_POINT is a DER OCTET STRING wrapping 04‖X‖Y (SoftHSM 2.6, notes §3f) ↔ JWK x / y;
 * - Ed25519: CKA_EC_POINT is `04 20`‖A (notes §3g) ↔ JWK OKP x.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11, Template } from 'pkcs11js';
import { HsmError } from '../kms/ports/hsm.js';
import type { EcCurve, KeyPairParams } from '../kms/ports/hsm-asymmetric.js';
import { CKK_EC_EDWARDS, CURVE_OIDS } from './key-templates.js';

const JWK_CURVES: ReadonlySet<string> = new Set<EcCurve>(['P-256', 'P-384', 'P-521', 'secp256k1']);

/** Contents of a DER OCTET STRING (short or long definite length). */
export function unwrapOctetString(der: Buffer): Buffer {
  if (der[0] !== 0x04 || der.length < 2) throw new HsmError('CKA_EC_POINT is not a DER OCTET STRING');
  const first = der[1]!;
  let offset = 2;
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 2) throw new HsmError('CKA_EC_POINT has an unsupported length encoding');
    length = der.readUIntBE(2, n);
    offset = 2 + n;
  }
  if (offset + length !== der.length) throw new HsmError('CKA_EC_POINT length does not match its contents');
  return der.subarray(offset);
}

export function wrapOctetString(content: Buffer): Buffer {
  const n = content.length;
  const header = n < 0x80 ? Buffer.of(0x04, n) : n < 0x100 ? Buffer.of(0x04, 0x81, n) : Buffer.of(0x04, 0x82, n >> 8, n & 0xff);
  return Buffer.concat([header, content]);
}

function attribute(p: PKCS11, session: Handle, handle: Handle, type: number): Buffer {
  const [a] = p.C_GetAttributeValue(session, handle, [{ type }]);
  if (!a?.value) throw new HsmError('public key attribute missing');
  return Buffer.from(a.value);
}

/** DER SPKI of a public key object the token just generated. */
export function spkiFromToken(p: PKCS11, session: Handle, publicKey: Handle, params: KeyPairParams): Buffer {
  let jwk: JsonWebKey;
  if (params.kind === 'rsa') {
    jwk = {
      kty: 'RSA',
      n: attribute(p, session, publicKey, pkcs11js.CKA_MODULUS).toString('base64url'),
      e: attribute(p, session, publicKey, pkcs11js.CKA_PUBLIC_EXPONENT).toString('base64url'),
    };
  } else {
    const point = unwrapOctetString(attribute(p, session, publicKey, pkcs11js.CKA_EC_POINT));
    if (params.kind === 'ed25519') {
      jwk = { kty: 'OKP', crv: 'Ed25519', x: point.toString('base64url') };
    } else {
      if (point[0] !== 0x04 || point.length % 2 !== 1) throw new HsmError('CKA_EC_POINT is not an uncompressed point');
      const n = (point.length - 1) / 2;
      jwk = { kty: 'EC', crv: params.curve, x: point.subarray(1, 1 + n).toString('base64url'), y: point.subarray(1 + n).toString('base64url') };
    }
  }
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

/** What a stored SPKI is, and its raw values. Throws HsmError for a key type the HSM does not use. */
export interface ParsedPublicKey {
  params: KeyPairParams | { kind: 'rsa'; bits: number };
  jwk: JsonWebKey;
}

export function parseSpki(spki: Buffer): ParsedPublicKey {
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const jwk = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType === 'rsa') return { params: { kind: 'rsa', bits: key.asymmetricKeyDetails?.modulusLength ?? 0 }, jwk };
  if (key.asymmetricKeyType === 'ed25519') return { params: { kind: 'ed25519' }, jwk };
  if (key.asymmetricKeyType === 'ec' && jwk.crv !== undefined && JWK_CURVES.has(jwk.crv)) {
    return { params: { kind: 'ec', curve: jwk.crv as EcCurve }, jwk };
  }
  throw new HsmError(`unsupported public key type ${key.asymmetricKeyType ?? 'unknown'}`);
}

/** Template for a session public-key object (C_CreateObject) used to verify inside the token. */
export function publicKeyObjectTemplate(parsed: ParsedPublicKey): Template {
  const { params, jwk } = parsed;
  const common: Template = [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_VERIFY, value: true },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_WRAP, value: false },
  ];
  const b = (v: string | undefined): Buffer => Buffer.from(v ?? '', 'base64url');
  if (params.kind === 'rsa') {
    return [
      ...common,
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
      { type: pkcs11js.CKA_MODULUS, value: b(jwk.n) },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: b(jwk.e) },
    ];
  }
  const point = params.kind === 'ed25519' ? b(jwk.x) : Buffer.concat([Buffer.of(0x04), b(jwk.x), b(jwk.y)]);
  return [
    ...common,
    { type: pkcs11js.CKA_KEY_TYPE, value: params.kind === 'ec' ? pkcs11js.CKK_EC : CKK_EC_EDWARDS },
    { type: pkcs11js.CKA_EC_PARAMS, value: CURVE_OIDS[params.kind === 'ec' ? params.curve : 'ed25519'] },
    { type: pkcs11js.CKA_EC_POINT, value: wrapOctetString(point) },
  ];
}
