/**
 * PostgreSQL audit repository. `append` writes a whole batch with one multi-row INSERT per table
 * (unnest of column arrays) in one transaction: one WAL flush per batch with the default
 * synchronous_commit = on, which is what the audit log's group commit relies on.
 */
import type pg from 'pg';
import type {
  AuditDigestRow,
  AuditHead,
  AuditPruneResult,
  AuditQuery,
  AuditRecordRow,
  AuditRepository,
  AuditResourceRow,
} from '../../kms/ports/store-audit.js';
import {
  AUDIT_DIGEST_COLUMNS,
  AUDIT_RECORD_COLUMNS,
  digestFromRow,
  digestValues,
  headOf,
  lookupSql,
  recordFromRow,
  recordValues,
  resourceShortName,
  type AuditDigestDbRow,
  type AuditRecordDbRow,
} from '../audit-rows.js';
import { withTransaction } from './db.js';

const RECORD_TYPES = [
  'text', 'bigint', 'text', 'text', 'text', 'text', 'bigint', 'text', 'text', 'text',
  'text', 'text', 'text', 'text', 'boolean', 'text',
];
const INSERT_RECORDS =
  `INSERT INTO audit_records (${AUDIT_RECORD_COLUMNS}) SELECT * FROM unnest(` +
  RECORD_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ') +
  ')';
const INSERT_RESOURCES =
  'INSERT INTO audit_resources (node_id, seq, arn, name) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) ' +
  'ON CONFLICT DO NOTHING';
const INSERT_DIGEST = `INSERT INTO audit_digests (${AUDIT_DIGEST_COLUMNS}) VALUES (${Array.from({ length: 10 }, (_, i) => `$${i + 1}`).join(', ')})`;

export class PostgresAuditRepository implements AuditRepository {
  constructor(private readonly pool: pg.Pool) {}

  async append(records: readonly AuditRecordRow[], digest?: AuditDigestRow): Promise<void> {
    const columns: unknown[][] = RECORD_TYPES.map(() => []);
    const res: unknown[][] = [[], [], [], []];
    for (const r of records) {
      recordValues(r, (b) => b).forEach((v, i) => columns[i]!.push(v));
      for (const arn of r.resources) {
        res[0]!.push(r.nodeId);
        res[1]!.push(r.seq);
        res[2]!.push(arn);
        res[3]!.push(resourceShortName(arn));
      }
    }
    await withTransaction(this.pool, async (c) => {
      if (records.length > 0) await c.query(INSERT_RECORDS, columns);
      if (res[0]!.length > 0) await c.query(INSERT_RESOURCES, res);
      if (digest) await c.query(INSERT_DIGEST, digestValues(digest));
    });
  }

  async head(nodeId: string): Promise<AuditHead> {
    const [last, digest] = await Promise.all([
      this.pool.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_records WHERE node_id = $1 ORDER BY seq DESC LIMIT 1', [nodeId]),
      this.pool.query<AuditDigestDbRow>(
        `SELECT ${AUDIT_DIGEST_COLUMNS} FROM audit_digests WHERE node_id = $1 ORDER BY digest_seq DESC LIMIT 1`,
        [nodeId],
      ),
    ]);
    return headOf(last.rows[0], digest.rows[0]);
  }

  async lookup(q: AuditQuery): Promise<AuditRecordRow[]> {
    const { sql, params } = lookupSql(q, (n) => `$${n}`, (b) => b);
    const { rows } = await this.pool.query<AuditRecordDbRow>(sql, params);
    return rows.map(recordFromRow);
  }

  async nodes(): Promise<string[]> {
    const { rows } = await this.pool.query<{ node_id: string }>(
      'SELECT node_id FROM audit_records UNION SELECT node_id FROM audit_digests ORDER BY 1',
    );
    return rows.map((r) => r.node_id);
  }

  async chain(nodeId: string, afterSeq: number, limit: number): Promise<AuditRecordRow[]> {
    const { rows } = await this.pool.query<AuditRecordDbRow>(
      `SELECT ${AUDIT_RECORD_COLUMNS} FROM audit_records WHERE node_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [nodeId, afterSeq, limit],
    );
    return rows.map(recordFromRow);
  }

  async digests(nodeId: string): Promise<AuditDigestRow[]> {
    const { rows } = await this.pool.query<AuditDigestDbRow>(
      `SELECT ${AUDIT_DIGEST_COLUMNS} FROM audit_digests WHERE node_id = $1 ORDER BY digest_seq`,
      [nodeId],
    );
    return rows.map(digestFromRow);
  }

  async resourceRows(nodeId: string, afterSeq: number, throughSeq: number): Promise<AuditResourceRow[]> {
    const { rows } = await this.pool.query<{ seq: string | number; arn: string; name: string }>(
      'SELECT seq, arn, name FROM audit_resources WHERE node_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq, arn',
      [nodeId, afterSeq, throughSeq],
    );
    return rows.map((r) => ({ seq: Number(r.seq), arn: r.arn, name: r.name }));
  }

  async seqOfHash(nodeId: string, hash: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ seq: number }>('SELECT seq FROM audit_records WHERE node_id = $1 AND hash = $2 LIMIT 1', [
      nodeId,
      hash,
    ]);
    return rows[0]?.seq;
  }

  async range(fromMs: number, toMs: number, after: { nodeId: string; seq: number } | undefined, limit: number): Promise<AuditRecordRow[]> {
    const params: unknown[] = [fromMs, toMs, limit];
    const cursor = after ? ` AND (node_id, seq) > ($${params.push(after.nodeId)}::text, $${params.push(after.seq)}::bigint)` : '';
    const { rows } = await this.pool.query<AuditRecordDbRow>(
      `SELECT ${AUDIT_RECORD_COLUMNS} FROM audit_records WHERE event_time >= $1 AND event_time < $2${cursor} ORDER BY node_id, seq LIMIT $3`,
      params,
    );
    return rows.map(recordFromRow);
  }

  async prune(nodeId: string, cutoffMs: number): Promise<AuditPruneResult> {
    return withTransaction(this.pool, async (c) => {
      const { rows } = await c.query<{ digest_seq: number; last_seq: number }>(
        'SELECT digest_seq, last_seq FROM audit_digests WHERE node_id = $1 AND digest_time < $2 ORDER BY digest_seq DESC LIMIT 1',
        [nodeId, cutoffMs],
      );
      const anchor = rows[0];
      if (!anchor) return { records: 0, digests: 0 };
      const records = await c.query('DELETE FROM audit_records WHERE node_id = $1 AND seq <= $2', [nodeId, anchor.last_seq]);
      const digests = await c.query('DELETE FROM audit_digests WHERE node_id = $1 AND digest_seq < $2', [nodeId, anchor.digest_seq]);
      return { records: records.rowCount ?? 0, digests: digests.rowCount ?? 0 };
    });
  }
}
