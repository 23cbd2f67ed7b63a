/**
 * External keys served through the XKS proxy API (AWS KMS External Key Store). An external key
 * belongs to one tenant (one configured URI path prefix) and is identified there by its
 * `externalKeyId` (XKS proxy API spec v1.0.3: at most 128 characters from [A-Za-z0-9._-]).
 * Its AES-256 material versions live in the token (`token` mode) or wrapped under the domain key
 * in the database (`wrapped` mode), exactly like KMS key materials.
 */
import type { XksRuleSet } from './rules.js';

/** keyUsage values GetKeyMetadata may report (spec: ENCRYPT, DECRYPT and what PKCS#11 adds). */
export const XKS_KEY_USAGES = ['ENCRYPT', 'DECRYPT', 'WRAP', 'UNWRAP', 'DERIVE', 'SIGN', 'VERIFY'] as const;
export type XksKeyUsage = (typeof XKS_KEY_USAGES)[number];

/** What a new key reports unless told otherwise: everything an AES key in a PKCS#11 token offers KMS. */
export const DEFAULT_XKS_KEY_USAGES: readonly XksKeyUsage[] = Object.freeze(['ENCRYPT', 'DECRYPT', 'WRAP', 'UNWRAP']);

export type XksKeyStatus = 'ENABLED' | 'DISABLED';

export const EXTERNAL_KEY_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;
/** Tenant names are ours (config file), not the spec's: short, URL- and label-safe. */
export const TENANT_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** ciphertextMetadata carries the version in 16 bits (see ciphertext-metadata.ts). */
export const MAX_XKS_MATERIAL_VERSION = 0xffff;

export interface XksKeyRecord {
  tenant: string;
  externalKeyId: string;
  status: XksKeyStatus;
  /** Reported by GetKeyMetadata and enforced: Encrypt needs ENCRYPT, Decrypt needs DECRYPT. */
  usages: XksKeyUsage[];
  /** Optional secondary authorization on requestMetadata; absent = every authenticated request. */
  rules?: XksRuleSet;
  description: string;
  /** Material version used for new ciphertexts (1 at creation, +1 per rotation). */
  currentVersion: number;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}

export interface XksMaterialRecord {
  tenant: string;
  externalKeyId: string;
  /** 1 … MAX_XKS_MATERIAL_VERSION; goes into every ciphertextMetadata made with it. */
  version: number;
  /** 64 lower-case hex characters; names the material in the HSM layer. */
  materialId: string;
  storage: 'wrapped' | 'token';
  /** CKM_AES_KEY_WRAP_PAD blob under the domain key (wrapped storage only). */
  wrapped?: Buffer;
  createdAt: number;
}

/**
 * The HSM layer's key id for an external key's materials. In `token` mode it is part of the
 * token object's CKA_ID and label, so operators can tell XKS materials from KMS key materials.
 */
export function xksMaterialKeyId(tenant: string, externalKeyId: string): string {
  return `xks:${tenant}:${externalKeyId}`;
}

export function isXksKeyUsage(v: unknown): v is XksKeyUsage {
  return typeof v === 'string' && (XKS_KEY_USAGES as readonly string[]).includes(v);
}
