/**
 * SQLite audit repository. `append` is one IMMEDIATE transaction, so with synchronous=FULL a
 * whole batch of records costs one commit (about one fdatasync): the group commit of the
 * audit log (src/audit/audit-log.ts) rests on that.
 */
import type Database from 'better-sqlite3';
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

type Db = Database.Database;
const sqliteBool = (b: boolean) => (b ? 1 : 0);
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function statements(db: Db) {
  return {
    insertRecord: db.prepare(`INSERT INTO audit_records (${AUDIT_RECORD_COLUMNS}) VALUES (${marks(16)})`),
    insertResource: db.prepare('INSERT OR IGNORE INTO audit_resources (node_id, seq, arn, name) VALUES (?, ?, ?, ?)'),
    insertDigest: db.prepare(`INSERT INTO audit_digests (${AUDIT_DIGEST_COLUMNS}) VALUES (${marks(10)})`),
    lastRecord: db.prepare<[string], { seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_records WHERE node_id = ? ORDER BY seq DESC LIMIT 1',
    ),
    lastDigest: db.prepare<[string], AuditDigestDbRow>(
      `SELECT ${AUDIT_DIGEST_COLUMNS} FROM audit_digests WHERE node_id = ? ORDER BY digest_seq DESC LIMIT 1`,
    ),
    nodes: db
      .prepare<[], string>('SELECT node_id FROM audit_records UNION SELECT node_id FROM audit_digests ORDER BY 1')
      .pluck(),
    chain: db.prepare<[string, number, number], AuditRecordDbRow>(
      `SELECT ${AUDIT_RECORD_COLUMNS} FROM audit_records WHERE node_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    digests: db.prepare<[string], AuditDigestDbRow>(
      `SELECT ${AUDIT_DIGEST_COLUMNS} FROM audit_digests WHERE node_id = ? ORDER BY digest_seq`,
    ),
    seqOfHash: db.prepare<[string, string], number>('SELECT seq FROM audit_records WHERE node_id = ? AND hash = ? LIMIT 1').pluck(),
    resourceRows: db.prepare<[string, number, number], AuditResourceRow>(
      'SELECT seq, arn, name FROM audit_resources WHERE node_id = ? AND seq > ? AND seq <= ? ORDER BY seq, arn',
    ),
    rangeFirst: db.prepare<[number, number, number], AuditRecordDbRow>(
      `SELECT ${AUDIT_RECORD_COLUMNS} FROM audit_records WHERE event_time >= ? AND event_time < ? ORDER BY node_id, seq LIMIT ?`,
    ),
    rangeAfter: db.prepare<[number, number, string, number, number], AuditRecordDbRow>(
      `SELECT ${AUDIT_RECORD_COLUMNS} FROM audit_records WHERE event_time >= ? AND event_time < ? AND (node_id, seq) > (?, ?) ` +
        'ORDER BY node_id, seq LIMIT ?',
    ),
    anchor: db.prepare<[string, number], { digest_seq: number; last_seq: number }>(
      'SELECT digest_seq, last_seq FROM audit_digests WHERE node_id = ? AND digest_time < ? ORDER BY digest_seq DESC LIMIT 1',
    ),
    pruneRecords: db.prepare<[string, number]>('DELETE FROM audit_records WHERE node_id = ? AND seq <= ?'),
    pruneDigests: db.prepare<[string, number]>('DELETE FROM audit_digests WHERE node_id = ? AND digest_seq < ?'),
  };
}

export class SqliteAuditRepository implements AuditRepository {
  private readonly s: ReturnType<typeof statements>;
  private readonly appendTx: Database.Transaction<(records: readonly AuditRecordRow[], digest?: AuditDigestRow) => void>;
  private readonly pruneTx: Database.Transaction<(nodeId: string, cutoffMs: number) => AuditPruneResult>;
  /** Prepared lookup statements by SQL text (a handful of filter combinations in practice). */
  private readonly lookups = new Map<string, Database.Statement<unknown[], AuditRecordDbRow>>();

  constructor(private readonly db: Db) {
    const s = (this.s = statements(db));
    this.appendTx = db.transaction((records: readonly AuditRecordRow[], digest?: AuditDigestRow) => {
      for (const r of records) {
        s.insertRecord.run(...recordValues(r, sqliteBool));
        for (const arn of r.resources) s.insertResource.run(r.nodeId, r.seq, arn, resourceShortName(arn));
      }
      if (digest) s.insertDigest.run(...digestValues(digest));
    });
    this.pruneTx = db.transaction((nodeId: string, cutoffMs: number) => {
      const anchor = s.anchor.get(nodeId, cutoffMs);
      if (!anchor) return { records: 0, digests: 0 };
      const records = s.pruneRecords.run(nodeId, anchor.last_seq).changes;
      const digests = s.pruneDigests.run(nodeId, anchor.digest_seq).changes;
      return { records, digests };
    });
  }

  async append(records: readonly AuditRecordRow[], digest?: AuditDigestRow): Promise<void> {
    this.appendTx.immediate(records, digest);
  }

  async head(nodeId: string): Promise<AuditHead> {
    return headOf(this.s.lastRecord.get(nodeId), this.s.lastDigest.get(nodeId));
  }

  async lookup(q: AuditQuery): Promise<AuditRecordRow[]> {
    const { sql, params } = lookupSql(q, () => '?', sqliteBool);
    let stmt = this.lookups.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], AuditRecordDbRow>(sql);
      if (this.lookups.size < 256) this.lookups.set(sql, stmt);
    }
    return stmt.all(...params).map(recordFromRow);
  }

  async nodes(): Promise<string[]> {
    return this.s.nodes.all();
  }

  async chain(nodeId: string, afterSeq: number, limit: number): Promise<AuditRecordRow[]> {
    return this.s.chain.all(nodeId, afterSeq, limit).map(recordFromRow);
  }

  async digests(nodeId: string): Promise<AuditDigestRow[]> {
    return this.s.digests.all(nodeId).map(digestFromRow);
  }

  async resourceRows(nodeId: string, afterSeq: number, throughSeq: number): Promise<AuditResourceRow[]> {
    return this.s.resourceRows.all(nodeId, afterSeq, throughSeq);
  }

  async seqOfHash(nodeId: string, hash: string): Promise<number | undefined> {
    return this.s.seqOfHash.get(nodeId, hash);
  }

  async range(fromMs: number, toMs: number, after: { nodeId: string; seq: number } | undefined, limit: number): Promise<AuditRecordRow[]> {
    const rows = after
      ? this.s.rangeAfter.all(fromMs, toMs, after.nodeId, after.seq, limit)
      : this.s.rangeFirst.all(fromMs, toMs, limit);
    return rows.map(recordFromRow);
  }

  async prune(nodeId: string, cutoffMs: number): Promise<AuditPruneResult> {
    return this.pruneTx.immediate(nodeId, cutoffMs);
  }
}
