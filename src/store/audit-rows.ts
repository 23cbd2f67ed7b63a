/**
 * Audit rows for both backends: column list, row ↔ port mapping, and the LookupEvents WHERE
 * clause built once per query with the dialect's placeholder style (`?` or `$n`).
 */
import type { AuditDigestRow, AuditHead, AuditQuery, AuditRecordRow } from '../kms/ports/store-audit.js';

/** = AUDIT_GENESIS_HASH of the port; repeated here because the store has no runtime imports outside src/store. */
const GENESIS_HASH = '0'.repeat(64);

export const AUDIT_RECORD_COLUMNS =
  'node_id, seq, hash, prev_hash, body, event_id, event_time, event_name, event_source, recipient_account_id, ' +
  'username, principal_arn, access_key_id, error_code, read_only, resources';
export const AUDIT_DIGEST_COLUMNS =
  'node_id, digest_seq, first_seq, last_seq, head_hash, prev_digest_hash, digest_time, body, hash, signature';

export interface AuditRecordDbRow {
  node_id: string;
  seq: number;
  hash: string;
  prev_hash: string;
  body: string;
  event_id: string;
  event_time: number;
  event_name: string;
  event_source: string;
  recipient_account_id: string | null;
  username: string | null;
  principal_arn: string | null;
  access_key_id: string | null;
  error_code: string | null;
  read_only: number | boolean;
  resources: string;
}

export interface AuditDigestDbRow {
  node_id: string;
  digest_seq: number;
  first_seq: number;
  last_seq: number;
  head_hash: string;
  prev_digest_hash: string;
  digest_time: number;
  body: string;
  hash: string;
  signature: string;
}

export function recordFromRow(r: AuditRecordDbRow): AuditRecordRow {
  let resources: string[];
  try {
    const parsed: unknown = JSON.parse(r.resources);
    resources = Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    // A damaged index column; `audit verify` reports the disagreement with the body.
    resources = [];
  }
  return {
    nodeId: r.node_id,
    seq: r.seq,
    hash: r.hash,
    prevHash: r.prev_hash,
    body: r.body,
    eventId: r.event_id,
    eventTime: r.event_time,
    eventName: r.event_name,
    eventSource: r.event_source,
    recipientAccountId: r.recipient_account_id,
    username: r.username,
    principalArn: r.principal_arn,
    accessKeyId: r.access_key_id,
    errorCode: r.error_code,
    readOnly: Boolean(r.read_only),
    resources,
  };
}

export function digestFromRow(r: AuditDigestDbRow): AuditDigestRow {
  return {
    nodeId: r.node_id,
    digestSeq: r.digest_seq,
    firstSeq: r.first_seq,
    lastSeq: r.last_seq,
    headHash: r.head_hash,
    prevDigestHash: r.prev_digest_hash,
    digestTime: r.digest_time,
    body: r.body,
    hash: r.hash,
    signature: r.signature,
  };
}

/** `key/<id>` → `<id>`, `alias/<name>` → `alias/<name>`: what ResourceName may also be. */
export function resourceShortName(arn: string): string {
  const parts = arn.split(':');
  const resource = parts.length >= 6 ? parts.slice(5).join(':') : arn;
  return resource.startsWith('key/') ? resource.slice(4) : resource;
}

/** The record columns in AUDIT_RECORD_COLUMNS order; booleans as the dialect stores them. */
export function recordValues(r: AuditRecordRow, bool: (b: boolean) => number | boolean): unknown[] {
  return [
    r.nodeId, r.seq, r.hash, r.prevHash, r.body, r.eventId, r.eventTime, r.eventName, r.eventSource, r.recipientAccountId,
    r.username, r.principalArn, r.accessKeyId, r.errorCode, bool(r.readOnly), JSON.stringify(r.resources),
  ];
}

export function digestValues(d: AuditDigestRow): unknown[] {
  return [d.nodeId, d.digestSeq, d.firstSeq, d.lastSeq, d.headHash, d.prevDigestHash, d.digestTime, d.body, d.hash, d.signature];
}

/** SELECT for a LookupEvents query: newest first, keyset-paginated. */
export function lookupSql(q: AuditQuery, placeholder: (n: number) => string, bool: (b: boolean) => number | boolean): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return placeholder(params.length);
  };
  const where = [`r.recipient_account_id = ${p(q.accountId)}`];
  if (q.startTime !== undefined) where.push(`r.event_time >= ${p(q.startTime)}`);
  if (q.endTime !== undefined) where.push(`r.event_time <= ${p(q.endTime)}`);
  if (q.eventId !== undefined) where.push(`r.event_id = ${p(q.eventId)}`);
  if (q.eventName !== undefined) where.push(`r.event_name = ${p(q.eventName)}`);
  if (q.eventSource !== undefined) where.push(`r.event_source = ${p(q.eventSource)}`);
  if (q.username !== undefined) where.push(`(r.username = ${p(q.username)} OR r.principal_arn = ${p(q.username)})`);
  if (q.accessKeyId !== undefined) where.push(`r.access_key_id = ${p(q.accessKeyId)}`);
  if (q.readOnly !== undefined) where.push(`r.read_only = ${p(bool(q.readOnly))}`);
  if (q.errorCode !== undefined) where.push(`r.error_code = ${p(q.errorCode)}`);
  if (q.resourceName !== undefined) {
    where.push(
      'EXISTS (SELECT 1 FROM audit_resources x WHERE x.node_id = r.node_id AND x.seq = r.seq AND ' +
        `(x.arn = ${p(q.resourceName)} OR x.name = ${p(q.resourceName)}))`,
    );
  }
  if (q.hasResource === true) where.push('EXISTS (SELECT 1 FROM audit_resources x WHERE x.node_id = r.node_id AND x.seq = r.seq)');
  if (q.before !== undefined) {
    where.push(`(r.event_time, r.node_id, r.seq) < (${p(q.before.eventTime)}, ${p(q.before.nodeId)}, ${p(q.before.seq)})`);
  }
  const cols = AUDIT_RECORD_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ');
  const sql =
    `SELECT ${cols} FROM audit_records r WHERE ${where.join(' AND ')} ` +
    `ORDER BY r.event_time DESC, r.node_id DESC, r.seq DESC LIMIT ${p(q.limit)}`;
  return { sql, params };
}

/** Head of a node's chain; after retention pruned every record, the anchor digest carries it. */
export function headOf(last: { seq: number; hash: string } | undefined, digest: AuditDigestDbRow | undefined): AuditHead {
  const head: AuditHead = { lastSeq: last?.seq ?? 0, lastHash: last?.hash ?? GENESIS_HASH };
  if (digest) {
    head.lastDigest = { digestSeq: digest.digest_seq, lastSeq: digest.last_seq, hash: digest.hash };
    if (digest.last_seq > head.lastSeq) {
      head.lastSeq = digest.last_seq;
      head.lastHash = digest.head_hash;
    }
  }
  return head;
}
