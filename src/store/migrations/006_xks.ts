/**
 * External keys of the XKS proxy API: one row per (tenant, externalKeyId) and one per material
 * version. Types follow 001_initial: epoch-ms INTEGER / BIGINT, BLOB / BYTEA, and byte-order
 * collation on PostgreSQL sort keys so pagination order matches SQLite's.
 */
import type { Migration } from './types.js';

function schema(d: { t: string; text: string; i: string; b: string; strict: string }): string {
  return `
CREATE TABLE xks_keys (
  tenant ${d.t} NOT NULL,
  external_key_id ${d.t} NOT NULL,
  status ${d.text} NOT NULL CHECK (status IN ('ENABLED','DISABLED')),
  -- JSON array of keyUsage values reported by GetKeyMetadata
  usages ${d.text} NOT NULL,
  -- JSON secondary-authorization rule set; NULL = none
  rules ${d.text},
  description ${d.text} NOT NULL,
  current_version INTEGER NOT NULL CHECK (current_version BETWEEN 1 AND 65535),
  created_at ${d.i} NOT NULL,
  updated_at ${d.i} NOT NULL,
  PRIMARY KEY (tenant, external_key_id)
)${d.strict};

CREATE TABLE xks_key_materials (
  tenant ${d.t} NOT NULL,
  external_key_id ${d.t} NOT NULL,
  version INTEGER NOT NULL CHECK (version BETWEEN 1 AND 65535),
  material_id ${d.t} NOT NULL UNIQUE,
  storage ${d.text} NOT NULL CHECK (storage IN ('wrapped','token')),
  wrapped ${d.b},
  created_at ${d.i} NOT NULL,
  PRIMARY KEY (tenant, external_key_id, version),
  FOREIGN KEY (tenant, external_key_id) REFERENCES xks_keys (tenant, external_key_id) ON DELETE CASCADE
)${d.strict};
`;
}

export const xks: Migration = {
  version: 6,
  name: 'xks',
  sqlite: schema({ t: 'TEXT', text: 'TEXT', i: 'INTEGER', b: 'BLOB', strict: ' STRICT' }),
  postgres: schema({ t: 'TEXT COLLATE "C"', text: 'TEXT', i: 'BIGINT', b: 'BYTEA', strict: '' }),
};
