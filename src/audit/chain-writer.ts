/**
 * Writes batches of events into this node's hash chain: links them after the committed head,
 * stores them in one transaction, then appends them to the sink (if any). Keeps what a failure
 * leaves behind — a batch whose store write failed and may or may not have committed, and sink
 * lines not yet written — so the audit log can retry without writing anything twice.
 */
import type { AuditRecordRow, AuditRepository } from '../kms/ports/store-audit.js';
import { GENESIS_HASH } from './canonical.js';
import { chainRecord } from './chain.js';
import type { CloudTrailEvent } from './event.js';
import { recordLine } from './export-format.js';
import type { AuditSink } from './sink.js';

export interface ChainEntry {
  event: CloudTrailEvent;
  time: number;
  /** canonicalJson(event), computed when the event was appended. */
  encoded: string;
}

export type WriteOutcome = { ok: true } | { ok: false; stage: 'store' | 'sink'; reason: string };

export type ReconcileOutcome<T> =
  | { kind: 'committed'; batch: T[] }
  | { kind: 'requeue'; batch: T[] }
  | { kind: 'conflict' | 'unreachable'; reason: string };

export class ChainWriter<T extends ChainEntry> {
  head = { seq: 0, hash: GENESIS_HASH };
  private doubt: { rows: AuditRecordRow[]; batch: T[] } | undefined;
  private sinkBacklog: string[] = [];

  constructor(
    private readonly repo: AuditRepository,
    private readonly nodeId: string,
    private readonly sink: AuditSink | undefined,
    private readonly maxBacklog: number,
  ) {}

  get inDoubt(): number {
    return this.doubt?.batch.length ?? 0;
  }

  get hasDoubt(): boolean {
    return this.doubt !== undefined;
  }

  get sinkBehind(): boolean {
    return this.sinkBacklog.length > 0;
  }

  async write(batch: T[]): Promise<WriteOutcome> {
    let seq = this.head.seq;
    let prev = this.head.hash;
    const rows = batch.map((e) => {
      const row = chainRecord(this.nodeId, (seq += 1), prev, e.event, e.time, e.encoded);
      prev = row.hash;
      return row;
    });
    try {
      await this.repo.append(rows);
    } catch (e) {
      this.doubt = { rows, batch };
      return { ok: false, stage: 'store', reason: `audit store write failed: ${reason(e)}` };
    }
    this.head = { seq, hash: prev };
    return this.flushSink(this.sink ? rows.map(recordLine) : []);
  }

  /** After a failed store write: did it commit after all (then nothing is re-written)? */
  async reconcile(): Promise<ReconcileOutcome<T>> {
    const doubt = this.doubt!;
    let h;
    try {
      h = await this.repo.head(this.nodeId);
    } catch (e) {
      return { kind: 'unreachable', reason: `audit store unreachable: ${reason(e)}` };
    }
    const last = doubt.rows[doubt.rows.length - 1]!;
    if (h.lastSeq === last.seq && h.lastHash === last.hash) {
      this.doubt = undefined;
      this.head = { seq: last.seq, hash: last.hash };
      return { kind: 'committed', batch: doubt.batch };
    }
    if (h.lastSeq !== this.head.seq || h.lastHash !== this.head.hash) {
      // Another process is writing this node's chain: two writers would fork it.
      return {
        kind: 'conflict',
        reason: `the audit chain of node '${this.nodeId}' was extended by another writer; give every process its own STRONGROOM_NODE_ID`,
      };
    }
    this.doubt = undefined;
    return { kind: 'requeue', batch: doubt.batch };
  }

  /** Appends the backlog and `lines` to the sink; on failure keeps them (bounded) for the next try. */
  async flushSink(lines: string[]): Promise<WriteOutcome> {
    if (!this.sink) return { ok: true };
    const all = this.sinkBacklog.length > 0 ? [...this.sinkBacklog, ...lines] : lines;
    try {
      await this.sink.append(all);
      this.sinkBacklog = [];
      return { ok: true };
    } catch (e) {
      // Already in the store, which stays the source of truth; the sink catches up later.
      this.sinkBacklog = all.length > this.maxBacklog ? all.slice(all.length - this.maxBacklog) : all;
      return { ok: false, stage: 'sink', reason: `audit sink write failed: ${reason(e)}` };
    }
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
