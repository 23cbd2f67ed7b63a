/**
 * Authorization (issue 5): identity policies attached to users and roles, assumed-role sessions
 * (temporary credentials) and grants. Same dialect conventions as 001: epoch-ms INTEGER/BIGINT,
 * BLOB/BYTEA, byte-order collation on PostgreSQL sort keys.
 * Identity policies and sessions cascade with their principal, grants with their key, so
 * deleting a principal or a key stays one statement on those rows.
 */
import type { Migration } from './types.js';

function schema(d: { t: string; text: string; i: string; b: string; strict: string }): string {
  return `
CREATE TABLE identity_policies (
  principal_arn ${d.t} NOT NULL REFERENCES principals (arn) ON DELETE CASCADE,
  policy_name ${d.t} NOT NULL,
  document ${d.text} NOT NULL,
  created_at ${d.i} NOT NULL,
  updated_at ${d.i} NOT NULL,
  PRIMARY KEY (principal_arn, policy_name)
)${d.strict};

CREATE TABLE sessions (
  access_key_id ${d.t} PRIMARY KEY,
  account_id ${d.t} NOT NULL,
  role_arn ${d.t} NOT NULL REFERENCES principals (arn) ON DELETE CASCADE,
  session_name ${d.text} NOT NULL,
  arn ${d.text} NOT NULL,
  secret_sealed ${d.b} NOT NULL,
  token_hash ${d.b} NOT NULL,
  expires_at ${d.i} NOT NULL,
  created_at ${d.i} NOT NULL
)${d.strict};
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_role ON sessions (role_arn);

CREATE TABLE grants (
  grant_id ${d.t} PRIMARY KEY,
  key_id ${d.t} NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
  issuing_account ${d.t} NOT NULL,
  name ${d.t},
  grantee_principal ${d.t} NOT NULL,
  retiring_principal ${d.t},
  -- JSON: an array of operation names, and the constraints object (NULL when none)
  operations ${d.text} NOT NULL,
  constraints ${d.text},
  fingerprint ${d.t} NOT NULL,
  creation_date ${d.i} NOT NULL
)${d.strict};
CREATE INDEX grants_by_key ON grants (key_id, grant_id);
CREATE INDEX grants_by_grantee ON grants (key_id, grantee_principal);
CREATE INDEX grants_by_retiring ON grants (retiring_principal, grant_id) WHERE retiring_principal IS NOT NULL;
CREATE INDEX grants_by_name ON grants (key_id, name, fingerprint) WHERE name IS NOT NULL;
`;
}

export const authorization: Migration = {
  version: 3,
  name: 'authorization',
  sqlite: schema({ t: 'TEXT', text: 'TEXT', i: 'INTEGER', b: 'BLOB', strict: ' STRICT' }),
  postgres: schema({ t: 'TEXT COLLATE "C"', text: 'TEXT', i: 'BIGINT', b: 'BYTEA', strict: '' }),
};
