/**
 * Asymmetric keys (issue 8): the DER SubjectPublicKeyInfo of an asymmetric key version, beside its
 * material row so the key, its wrapped private key and its public key are written in one
 * transaction (KeyRepository.create). NULL for symmetric and HMAC materials. A nullable column is
 * the change SQLite STRICT tables allow in place (ALTER TABLE … ADD COLUMN); the storage CHECK
 * needs no change: a material is still `wrapped` or `token`.
 */
import type { Migration } from './types.js';

export const asymmetric: Migration = {
  version: 5,
  name: 'asymmetric',
  sqlite: 'ALTER TABLE key_materials ADD COLUMN public_key BLOB;',
  postgres: 'ALTER TABLE key_materials ADD COLUMN public_key BYTEA;',
};
