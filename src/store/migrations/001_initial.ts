/**
 * The initial schema. The same tables in both dialects; differences are only types:
 * epoch-millisecond times are INTEGER / BIGINT, blobs BLOB / BYTEA, booleans INTEGER 0-1 / BOOLEAN.
 * PostgreSQL text sort keys use COLLATE "C" so ORDER BY and keyset cursors compare bytes, as
 * SQLite does, whatever the database's default locale: pagination order is the same everywhere.
 * Child rows of a key (materials, aliases, tags) cascade on delete so deleting a key is one statement.
 */
import type { Migration } from './types.js';

const KEY_STATE_CHECK =
  "key_state IN ('Creating','Enabled','Disabled','PendingDeletion','PendingImport','PendingReplicaDeletion','Unavailable','Updating')";
const KEY_USAGE_CHECK = "key_usage IN ('ENCRYPT_DECRYPT','SIGN_VERIFY','GENERATE_VERIFY_MAC','KEY_AGREEMENT')";
const ORIGIN_CHECK = "origin IN ('AWS_KMS','EXTERNAL','AWS_CLOUDHSM','EXTERNAL_KEY_STORE')";
const MATERIAL_STATE_CHECK = "state IN ('CURRENT','NON_CURRENT','PENDING_IMPORT','DELETED')";

/** `t` = sort-key text type, `i` = epoch-ms integer, `b` = blob, `bool` = boolean column. */
function schema(d: { t: string; text: string; i: string; b: string; bool: string; strict: string }): string {
  return `
CREATE TABLE accounts (
  account_id ${d.t} PRIMARY KEY,
  created_at ${d.i} NOT NULL
)${d.strict};

CREATE TABLE principals (
  arn ${d.t} PRIMARY KEY,
  account_id ${d.t} NOT NULL REFERENCES accounts (account_id),
  type ${d.text} NOT NULL CHECK (type IN ('root','user','role')),
  name ${d.text} NOT NULL,
  created_at ${d.i} NOT NULL,
  -- target of access_keys' composite foreign key: an access key belongs to its principal's account
  UNIQUE (arn, account_id)
)${d.strict};
CREATE INDEX principals_by_account ON principals (account_id, arn);

CREATE TABLE access_keys (
  access_key_id ${d.t} PRIMARY KEY,
  account_id ${d.t} NOT NULL,
  principal_arn ${d.t} NOT NULL,
  secret_sealed ${d.b} NOT NULL,
  status ${d.text} NOT NULL CHECK (status IN ('Active','Inactive')),
  created_at ${d.i} NOT NULL,
  FOREIGN KEY (principal_arn, account_id) REFERENCES principals (arn, account_id)
)${d.strict};
CREATE INDEX access_keys_by_account ON access_keys (account_id, access_key_id);
CREATE INDEX access_keys_by_principal ON access_keys (principal_arn, account_id);

CREATE TABLE keys (
  key_id ${d.t} PRIMARY KEY,
  account_id ${d.t} NOT NULL,
  region ${d.t} NOT NULL,
  arn ${d.text} NOT NULL UNIQUE,
  description ${d.text} NOT NULL,
  key_usage ${d.text} NOT NULL CHECK (${KEY_USAGE_CHECK}),
  key_spec ${d.text} NOT NULL,
  origin ${d.text} NOT NULL CHECK (${ORIGIN_CHECK}),
  key_state ${d.text} NOT NULL CHECK (${KEY_STATE_CHECK}),
  creation_date ${d.i} NOT NULL,
  deletion_date ${d.i},
  pending_window_in_days INTEGER,
  policy ${d.text} NOT NULL,
  current_material_id ${d.text},
  multi_region ${d.bool} NOT NULL
)${d.strict};
CREATE INDEX keys_by_account_region ON keys (account_id, region, key_id);
CREATE INDEX keys_due_for_deletion ON keys (deletion_date, key_id) WHERE key_state = 'PendingDeletion';

CREATE TABLE key_materials (
  key_id ${d.t} NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
  material_id ${d.t} NOT NULL,
  created_at ${d.i} NOT NULL,
  storage ${d.text} NOT NULL CHECK (storage IN ('wrapped','token')),
  wrapped ${d.b},
  state ${d.text} NOT NULL CHECK (${MATERIAL_STATE_CHECK}),
  PRIMARY KEY (key_id, material_id)
)${d.strict};
-- at most one CURRENT version per key, whatever races the callers run into
CREATE UNIQUE INDEX key_materials_one_current ON key_materials (key_id) WHERE state = 'CURRENT';

CREATE TABLE aliases (
  account_id ${d.t} NOT NULL,
  region ${d.t} NOT NULL,
  alias_name ${d.t} NOT NULL,
  target_key_id ${d.t} NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
  creation_date ${d.i} NOT NULL,
  last_updated_date ${d.i} NOT NULL,
  PRIMARY KEY (account_id, region, alias_name)
)${d.strict};
CREATE INDEX aliases_by_target ON aliases (target_key_id, alias_name);

CREATE TABLE tags (
  key_id ${d.t} NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
  tag_key ${d.t} NOT NULL,
  tag_value ${d.text} NOT NULL,
  PRIMARY KEY (key_id, tag_key)
)${d.strict};

CREATE TABLE meta (
  name ${d.t} PRIMARY KEY,
  value ${d.text} NOT NULL
)${d.strict};
`;
}

export const initial: Migration = {
  version: 1,
  name: 'initial',
  // STRICT makes SQLite reject values of the wrong type instead of silently storing them.
  sqlite: schema({
    t: 'TEXT', text: 'TEXT', i: 'INTEGER', b: 'BLOB', bool: 'INTEGER CHECK (multi_region IN (0, 1))', strict: ' STRICT',
  }),
  postgres: schema({ t: 'TEXT COLLATE "C"', text: 'TEXT', i: 'BIGINT', b: 'BYTEA', bool: 'BOOLEAN', strict: '' }),
};
