/**
 * The audit trail's token keys: an ECDSA P-256 key pair (private half SENSITIVE, never
 * extractable, sign only) for digest signatures and a 32-byte GENERIC_SECRET (sign/verify only)
 * for HMAC-SHA256 of encryption-context values. 32 bytes is the SHA256_HMAC minimum SoftHSM 2.6
 * accepts (notes §3h: shorter keys give CKR_KEY_SIZE_RANGE for the larger hashes).
 * Found by CKA_ID + CKA_LABEL, created at first use, handles cached per token generation.
 */
import pkcs11js from 'pkcs11js';
import type { Handle, Template } from 'pkcs11js';
import { HsmUnavailableError } from '../kms/ports/hsm.js';
import type { Runtime } from './runtime.js';
import type { Token } from './token.js';

export const AUDIT_SIGNING_LABEL = 'strongroom-audit-signing';
export const AUDIT_SIGNING_ID = Buffer.from('strongroom/audit-signing/v1', 'utf8');
export const AUDIT_HMAC_LABEL = 'strongroom-audit-hmac';
export const AUDIT_HMAC_ID = Buffer.from('strongroom/audit-hmac/v1', 'utf8');

/** DER OID 1.2.840.10045.3.1.7 (prime256v1 / P-256), the CKA_EC_PARAMS value. */
export const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');

const NO_USAGE: Template = [
  { type: pkcs11js.CKA_ENCRYPT, value: false },
  { type: pkcs11js.CKA_DECRYPT, value: false },
  { type: pkcs11js.CKA_WRAP, value: false },
  { type: pkcs11js.CKA_UNWRAP, value: false },
  { type: pkcs11js.CKA_DERIVE, value: false },
];

export function signingPublicTemplate(): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_VERIFY, value: true },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_WRAP, value: false },
    { type: pkcs11js.CKA_DERIVE, value: false },
    { type: pkcs11js.CKA_EC_PARAMS, value: P256_PARAMS },
    { type: pkcs11js.CKA_LABEL, value: AUDIT_SIGNING_LABEL },
    { type: pkcs11js.CKA_ID, value: AUDIT_SIGNING_ID },
  ];
}

export function signingPrivateTemplate(): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_SIGN, value: true },
    ...NO_USAGE.filter((a) => a.type !== pkcs11js.CKA_ENCRYPT && a.type !== pkcs11js.CKA_WRAP),
    { type: pkcs11js.CKA_LABEL, value: AUDIT_SIGNING_LABEL },
    { type: pkcs11js.CKA_ID, value: AUDIT_SIGNING_ID },
  ];
}

export function hmacKeyTemplate(): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
    { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_SIGN, value: true },
    { type: pkcs11js.CKA_VERIFY, value: true },
    ...NO_USAGE,
    { type: pkcs11js.CKA_LABEL, value: AUDIT_HMAC_LABEL },
    { type: pkcs11js.CKA_ID, value: AUDIT_HMAC_ID },
  ];
}

export type AuditKeyName = 'signingPrivate' | 'signingPublic' | 'hmac';

const FIND: Record<AuditKeyName, { cls: number; label: string; id: Buffer }> = {
  signingPrivate: { cls: pkcs11js.CKO_PRIVATE_KEY, label: AUDIT_SIGNING_LABEL, id: AUDIT_SIGNING_ID },
  signingPublic: { cls: pkcs11js.CKO_PUBLIC_KEY, label: AUDIT_SIGNING_LABEL, id: AUDIT_SIGNING_ID },
  hmac: { cls: pkcs11js.CKO_SECRET_KEY, label: AUDIT_HMAC_LABEL, id: AUDIT_HMAC_ID },
};

export class AuditKeys {
  private readonly cache = new Map<AuditKeyName, { handle: Handle; generation: number }>();
  private ensuring: Promise<void> | undefined;

  constructor(
    private readonly token: Token,
    private readonly runtime: Runtime,
  ) {}

  /** Single-flight find-or-create of both keys. */
  ensure(): Promise<void> {
    this.ensuring ??= this.create().catch((e: unknown) => {
      this.ensuring = undefined;
      throw e;
    });
    return this.ensuring;
  }

  /** The handle for the current generation (call inside runtime.withSession/withAnchor). */
  handle(which: AuditKeyName): Handle {
    const hit = this.cache.get(which);
    if (hit && hit.generation === this.token.generation) return hit.handle;
    const found = this.find(which);
    if (!found) {
      this.token.assertLoggedIn();
      throw new HsmUnavailableError(`HSM audit key '${FIND[which].label}' is missing from token '${this.token.tokenLabel}'`);
    }
    this.cache.set(which, { handle: found, generation: this.token.generation });
    return found;
  }

  private async create(): Promise<void> {
    const [priv, pub, hmac] = await this.runtime.withAnchor('find audit keys', () => [
      this.find('signingPrivate'),
      this.find('signingPublic'),
      this.find('hmac'),
    ]);
    if (!priv || !pub) {
      if (priv || pub) {
        throw new HsmUnavailableError(`token '${this.token.tokenLabel}' holds only half of the audit signing key pair '${AUDIT_SIGNING_LABEL}'`);
      }
      await this.runtime.withSession('create audit signing key', (s) =>
        this.token.p.C_GenerateKeyPairAsync(s.handle, { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN }, signingPublicTemplate(), signingPrivateTemplate()),
      );
    }
    if (!hmac) {
      await this.runtime.withSession('create audit hmac key', (s) =>
        this.token.p.C_GenerateKeyAsync(s.handle, { mechanism: pkcs11js.CKM_GENERIC_SECRET_KEY_GEN }, hmacKeyTemplate()),
      );
    }
  }

  private find(which: AuditKeyName): Handle | undefined {
    const f = FIND[which];
    const found = this.token.findAll([
      { type: pkcs11js.CKA_CLASS, value: f.cls },
      { type: pkcs11js.CKA_ID, value: f.id },
      { type: pkcs11js.CKA_LABEL, value: f.label },
    ]);
    if (found.length > 1) {
      // Two processes raced at first start (SoftHSM accepts duplicate CKA_IDs): refuse to guess
      // which key signs, or digests would be signed by two different keys.
      throw new HsmUnavailableError(`token '${this.token.tokenLabel}' holds ${found.length} '${f.label}' objects of one class; remove the extra ones`);
    }
    return found[0];
  }
}
