/**
 * Key lifecycle (issue 7): rotation schedules, per-material details (rotation type, imported
 * material state and expiry), outstanding import parameters, and the scheduler's job table.
 *
 * `import_parameters` and `scheduled_jobs` deliberately have no foreign key to `keys`: their rows
 * must outlive a deleted key long enough for the scheduler to destroy the token objects they name
 * (an RSA wrapping key) or to notice that the work is moot.
 */
import type { Migration } from './types.js';

interface Dialect {
  t: string;
  text: string;
  i: string;
  bool: (column: string) => string;
  strict: string;
}

function schema(d: Dialect): string {
  return `
CREATE TABLE key_rotations (
  key_id ${d.t} PRIMARY KEY REFERENCES keys (key_id) ON DELETE CASCADE,
  enabled ${d.bool('enabled')} NOT NULL,
  period_days INTEGER NOT NULL CHECK (period_days BETWEEN 90 AND 2560),
  period_anchor_at ${d.i},
  next_rotation_at ${d.i},
  on_demand_count INTEGER NOT NULL CHECK (on_demand_count >= 0),
  on_demand_started_at ${d.i}
)${d.strict};
CREATE INDEX key_rotations_due ON key_rotations (next_rotation_at, key_id) WHERE next_rotation_at IS NOT NULL;

CREATE TABLE material_details (
  key_id ${d.t} NOT NULL,
  material_id ${d.t} NOT NULL,
  imported ${d.bool('imported')} NOT NULL,
  rotation_type ${d.text} CHECK (rotation_type IN ('AUTOMATIC','ON_DEMAND')),
  rotated_at ${d.i},
  import_state ${d.text} CHECK (import_state IN ('IMPORTED','PENDING_IMPORT')),
  pending_rotation ${d.bool('pending_rotation')} NOT NULL,
  expiration_model ${d.text} CHECK (expiration_model IN ('KEY_MATERIAL_EXPIRES','KEY_MATERIAL_DOES_NOT_EXPIRE')),
  valid_to ${d.i},
  description ${d.text},
  PRIMARY KEY (key_id, material_id),
  FOREIGN KEY (key_id, material_id) REFERENCES key_materials (key_id, material_id) ON DELETE CASCADE
)${d.strict};
CREATE INDEX material_details_expiry ON material_details (valid_to, key_id, material_id)
  WHERE import_state = 'IMPORTED' AND valid_to IS NOT NULL;

CREATE TABLE import_parameters (
  wrapping_key_id ${d.t} PRIMARY KEY,
  key_id ${d.t} NOT NULL,
  wrapping_algorithm ${d.text} NOT NULL,
  wrapping_key_spec ${d.text} NOT NULL,
  created_at ${d.i} NOT NULL,
  valid_to ${d.i} NOT NULL
)${d.strict};
CREATE INDEX import_parameters_by_key ON import_parameters (key_id, wrapping_key_id);
CREATE INDEX import_parameters_expiry ON import_parameters (valid_to, wrapping_key_id);

CREATE TABLE scheduled_jobs (
  job_id ${d.t} PRIMARY KEY,
  kind ${d.text} NOT NULL,
  key_id ${d.t},
  due_at ${d.i} NOT NULL,
  payload ${d.text},
  created_at ${d.i} NOT NULL,
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  lease_owner ${d.text},
  lease_until ${d.i},
  intent ${d.text},
  last_error ${d.text}
)${d.strict};
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (due_at, job_id);
`;
}

export const lifecycle: Migration = {
  version: 4,
  name: 'lifecycle',
  sqlite: schema({
    t: 'TEXT', text: 'TEXT', i: 'INTEGER', bool: (c) => `INTEGER CHECK (${c} IN (0, 1))`, strict: ' STRICT',
  }),
  postgres: schema({ t: 'TEXT COLLATE "C"', text: 'TEXT', i: 'BIGINT', bool: () => 'BOOLEAN', strict: '' }),
};
