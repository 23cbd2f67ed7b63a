/** The KMS key model as stored; wire shapes are built from it in `kms/ops`. */

/** The AWS key states, exactly as the model lists them. */
export type { KeyState } from './api-shapes.js';
import type { KeyState } from './api-shapes.js';

export type KeyUsage =
  | 'ENCRYPT_DECRYPT'
  | 'SIGN_VERIFY'
  | 'GENERATE_VERIFY_MAC'
  | 'KEY_AGREEMENT';

export type Origin = 'AWS_KMS' | 'EXTERNAL' | 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';

export interface KeyRecord {
  keyId: string;
  accountId: string;
  region: string;
  arn: string;
  description: string;
  keyUsage: KeyUsage;
  keySpec: string;
  origin: Origin;
  keyState: KeyState;
  /** Epoch milliseconds. */
  creationDate: number;
  /** Epoch milliseconds; set only while PendingDeletion. */
  deletionDate?: number;
  pendingWindowInDays?: number;
  /** Key policy JSON document text. */
  policy: string;
  /** Material used for new ciphertexts; absent until material exists (EXTERNAL before import). */
  currentMaterialId?: string;
  multiRegion: boolean;
}

export type MaterialState = 'CURRENT' | 'NON_CURRENT' | 'PENDING_IMPORT' | 'DELETED';

export interface KeyMaterialRecord {
  keyId: string;
  materialId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  storage: 'wrapped' | 'token';
  /** CKM_AES_KEY_WRAP_PAD blob under the domain key (wrapped storage only). */
  wrapped?: Buffer;
  state: MaterialState;
  /** Asymmetric keys: DER SubjectPublicKeyInfo of this version's key pair. */
  publicKey?: Buffer;
}

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export interface AliasRecord {
  accountId: string;
  region: string;
  /** Full alias name including the `alias/` prefix. */
  aliasName: string;
  targetKeyId: string;
  /** Epoch milliseconds. */
  creationDate: number;
  lastUpdatedDate: number;
}
