/** What `audit verify` reads (a database or an export file) and what it reports. */
import type { IndexColumns } from './chain.js';

export interface ChainItem {
  /** Where it is stored: the sequence column (database) or the line's sequence (export). */
  position: number;
  /** "seq 17" / "line 42": how the report points at it. */
  where: string;
  storedHash: string;
  /** The canonical text whose SHA-256 must be storedHash. */
  body: string;
  /** Database only: the index columns, which must agree with the hashed body. */
  columns?: IndexColumns & { eventTime: number };
  /** Database only: the record's rows of the resources index (LookupEvents by ResourceName). */
  resourceRows?: Array<{ arn: string; name: string }>;
  /** Database only: the prev_hash column, a copy of the envelope's previousHash. */
  prevHashColumn?: string;
}

export interface DigestItem {
  where: string;
  storedHash: string;
  body: string;
  signature: string;
  /** Database only: the columns beside the body. */
  columns?: { digestSeq: number; firstSeq: number; lastSeq: number; headHash: string; prevDigestHash: string; digestTime: number };
}

export interface ChainSource {
  /** 'database': positions are the stored sequence column; 'file': an export, whose range may start mid-chain. */
  readonly kind: 'database' | 'file';
  nodes(): Promise<string[]>;
  records(nodeId: string): AsyncIterable<ChainItem>;
  digests(nodeId: string): Promise<DigestItem[]>;
  /** Sequence number of the record with this hash, if there is one (diagnosis of a broken link). */
  seqOfHash(nodeId: string, hash: string): Promise<number | undefined>;
}

export type ProblemKind =
  | 'altered'
  | 'missing'
  | 'inserted'
  | 'reordered'
  | 'malformed'
  | 'unanchored'
  | 'truncated'
  | 'digest-altered'
  | 'digest-signature'
  | 'digest-chain'
  | 'digest-head';

export interface Problem {
  kind: ProblemKind;
  nodeId: string;
  /** The record named (its sequence number as written, or where it is stored). */
  seq?: number;
  eventId?: string;
  digestSeq?: number;
  message: string;
}

export interface NodeSummary {
  nodeId: string;
  records: number;
  firstSeq?: number;
  lastSeq?: number;
  digests: number;
  /** Highest sequence number covered by a valid signed digest. */
  signedThrough: number;
}

export interface VerifyReport {
  ok: boolean;
  problems: Problem[];
  notes: string[];
  nodes: NodeSummary[];
  publicKeyFingerprint: string;
}
