/**
 * The audit repository: the hash-chained CloudTrail records of each node and their signed
 * digests. `body` is the canonical text every hash is computed over (src/audit/chain.ts); the
 * other columns are copies of fields inside it, kept only so lookups can use indexes —
 * `audit verify` checks that they agree with the body.
 */

/** previousHash of a node's first record and previousDigestHash of its first digest. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export interface AuditRecordRow {
  nodeId: string;
  /** 1, 2, 3, … per node, without gaps. */
  seq: number;
  /** Lower-case hex SHA-256 of `body`. */
  hash: string;
  /** `hash` of the record before (64 zeros for seq 1). */
  prevHash: string;
  body: string;
  eventId: string;
  /** Epoch ms at which the record was made. */
  eventTime: number;
  eventName: string;
  eventSource: string;
  /** The account the record belongs to; null when an unauthenticated request named no known key. */
  recipientAccountId: string | null;
  username: string | null;
  principalArn: string | null;
  accessKeyId: string | null;
  errorCode: string | null;
  readOnly: boolean;
  /** ARNs of the resources the request touched. */
  resources: string[];
}

export interface AuditDigestRow {
  nodeId: string;
  /** 1, 2, 3, … per node. */
  digestSeq: number;
  /** Records covered: firstSeq..lastSeq (inclusive). */
  firstSeq: number;
  lastSeq: number;
  /** hash of the record at lastSeq. */
  headHash: string;
  /** hash of the previous digest of the node (64 zeros for the first). */
  prevDigestHash: string;
  digestTime: number;
  body: string;
  hash: string;
  /** Lower-case hex ECDSA P-256 signature (r‖s) over SHA-256(body). */
  signature: string;
}

export interface AuditHead {
  /** Last sequence number written for the node (0 when none). */
  lastSeq: number;
  lastHash: string;
  lastDigest?: { digestSeq: number; lastSeq: number; hash: string };
}

/** Keyset position for newest-first lookups. */
export interface AuditCursor {
  eventTime: number;
  nodeId: string;
  seq: number;
}

export interface AuditQuery {
  /** Only records whose recipientAccountId is this account. */
  accountId: string;
  /** Epoch ms, inclusive. */
  startTime?: number;
  /** Epoch ms, inclusive. */
  endTime?: number;
  eventId?: string;
  eventName?: string;
  eventSource?: string;
  /** A key ARN, alias ARN, or the key id / alias name they end in. */
  resourceName?: string;
  /** Only records that name at least one resource (LookupEvents ResourceType AWS::KMS::Key). */
  hasResource?: boolean;
  /** The user name or the principal ARN. */
  username?: string;
  accessKeyId?: string;
  readOnly?: boolean;
  errorCode?: string;
  /** Strictly older than this position (the previous page's last record). */
  before?: AuditCursor;
  limit: number;
}

export interface AuditPruneResult {
  records: number;
  digests: number;
}

/** A row of the resources index (LookupEvents by ResourceName), a copy of the record's resources. */
export interface AuditResourceRow {
  seq: number;
  arn: string;
  /** The key id or alias name the ARN ends in (`key/<id>` → `<id>`, `alias/<name>` as is). */
  name: string;
}

export interface AuditRepository {
  /** Writes records (and optionally a digest) in one transaction: all or nothing. */
  append(records: readonly AuditRecordRow[], digest?: AuditDigestRow): Promise<void>;
  head(nodeId: string): Promise<AuditHead>;
  /** Newest first: eventTime, then nodeId, then seq descending. */
  lookup(q: AuditQuery): Promise<AuditRecordRow[]>;
  /** Node ids that have records or digests, sorted. */
  nodes(): Promise<string[]>;
  /** Records of a node with seq > afterSeq, ascending, at most `limit`. */
  chain(nodeId: string, afterSeq: number, limit: number): Promise<AuditRecordRow[]>;
  /** The resources-index rows of the node's records afterSeq < seq <= throughSeq, by seq then arn (for verify). */
  resourceRows(nodeId: string, afterSeq: number, throughSeq: number): Promise<AuditResourceRow[]>;
  /** Every digest of a node, ascending digestSeq. */
  digests(nodeId: string): Promise<AuditDigestRow[]>;
  /** Sequence number of the node's record whose hash is `hash`, if any (for verify's diagnosis). */
  seqOfHash(nodeId: string, hash: string): Promise<number | undefined>;
  /** Records with fromMs <= eventTime < toMs, by node then seq, after the given position. */
  range(fromMs: number, toMs: number, after: { nodeId: string; seq: number } | undefined, limit: number): Promise<AuditRecordRow[]>;
  /**
   * Retention: deletes the node's records covered by its newest digest whose last record is older
   * than `cutoffMs`, and the digests before that one (which stays as the verification anchor).
   */
  prune(nodeId: string, cutoffMs: number): Promise<AuditPruneResult>;
}
