/**
 * The audit trail (issue 6): hash-chained CloudTrail records per node, their resources (for
 * LookupEvents by ResourceName) and the node's signed digests. `body` is the canonical text the
 * hashes cover; every other record column is an index copy of a field inside it. Times are
 * epoch milliseconds. Resource rows cascade with their record, so retention is one DELETE.
 */
import type { Migration } from './types.js';

function schema(d: { t: string; text: string; i: string; bool: string; strict: string }): string {
  return `
CREATE TABLE audit_records (
  node_id ${d.t} NOT NULL,
  seq ${d.i} NOT NULL,
  hash ${d.t} NOT NULL,
  prev_hash ${d.t} NOT NULL,
  body ${d.text} NOT NULL,
  event_id ${d.t} NOT NULL UNIQUE,
  event_time ${d.i} NOT NULL,
  event_name ${d.t} NOT NULL,
  event_source ${d.t} NOT NULL,
  recipient_account_id ${d.t},
  username ${d.t},
  principal_arn ${d.t},
  access_key_id ${d.t},
  error_code ${d.t},
  read_only ${d.bool} NOT NULL,
  resources ${d.text} NOT NULL,
  PRIMARY KEY (node_id, seq)
)${d.strict};
CREATE INDEX audit_records_by_account_time ON audit_records (recipient_account_id, event_time, node_id, seq);
CREATE INDEX audit_records_by_time ON audit_records (event_time, node_id, seq);
CREATE INDEX audit_records_by_hash ON audit_records (node_id, hash);

CREATE TABLE audit_resources (
  node_id ${d.t} NOT NULL,
  seq ${d.i} NOT NULL,
  arn ${d.t} NOT NULL,
  -- the key id or alias name the ARN ends in, so ResourceName may be either form
  name ${d.t} NOT NULL,
  PRIMARY KEY (node_id, seq, arn),
  FOREIGN KEY (node_id, seq) REFERENCES audit_records (node_id, seq) ON DELETE CASCADE
)${d.strict};
CREATE INDEX audit_resources_by_arn ON audit_resources (arn, node_id, seq);
CREATE INDEX audit_resources_by_name ON audit_resources (name, node_id, seq);

CREATE TABLE audit_digests (
  node_id ${d.t} NOT NULL,
  digest_seq ${d.i} NOT NULL,
  first_seq ${d.i} NOT NULL,
  last_seq ${d.i} NOT NULL,
  head_hash ${d.t} NOT NULL,
  prev_digest_hash ${d.t} NOT NULL,
  digest_time ${d.i} NOT NULL,
  body ${d.text} NOT NULL,
  hash ${d.t} NOT NULL,
  signature ${d.t} NOT NULL,
  PRIMARY KEY (node_id, digest_seq)
)${d.strict};
`;
}

export const audit: Migration = {
  version: 2,
  name: 'audit',
  sqlite: schema({ t: 'TEXT', text: 'TEXT', i: 'INTEGER', bool: 'INTEGER CHECK (read_only IN (0, 1))', strict: ' STRICT' }),
  postgres: schema({ t: 'TEXT COLLATE "C"', text: 'TEXT', i: 'BIGINT', bool: 'BOOLEAN', strict: '' }),
};
