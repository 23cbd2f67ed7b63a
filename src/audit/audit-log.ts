/**
 * The in-process audit log: fail-closed with group commit (DESIGN "Fail-closed audit at speed").
 *
 * `append(event)` queues a record and resolves once it is durable. Records arriving while a write
 * is in flight form the next batch, and each batch is linked into the node's hash chain and
 * written in ONE store transaction (one fsync), then, if configured, appended to the sink file.
 * A record not durable within `writeTimeoutMs` rejects its caller at once (a stuck disk gives
 * fast errors, never a hang) and marks the log unhealthy: `admit()` turns false, so the API
 * refuses new requests before running them and /readyz reports not ready, until a write
 * succeeds again.
 *
 * Nothing is dropped while the backlog has room: a failed batch goes back to the front of the
 * queue and is retried with backoff; its records get `additionalEventData.auditResponseWithheld`
 * because their callers were answered with an error. A write whose outcome is unknown (it
 * failed after possibly committing) is reconciled against the store's head before the retry.
 * Past `maxPending`, records are counted and an `AuditRecordsDropped` event records how many
 * once writing works again.
 */
import type { CloudTrailEvent } from './event.js';
import type { AuditLogOptions, AuditStatus } from './audit-log-types.js';
import { AuditUnavailableError } from './errors.js';
import { canonicalJson } from './canonical.js';
import { ChainWriter } from './chain-writer.js';
import { DigestWriter } from './digest-writer.js';
import { serviceEvent } from './build.js';

export type { AuditLogger, AuditLogOptions, AuditStatus } from './audit-log-types.js';

interface Pending {
  event: CloudTrailEvent;
  time: number;
  encoded: string;
  settled: boolean;
  /**
   * The encoding handed to the last write: what the store holds if that write committed. It
   * differs from `encoded` only once fail() has marked the event auditResponseWithheld.
   */
  written?: string;
  resolve(): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2_000;

export class AuditLog {
  private readonly queue: Pending[] = [];
  private readonly chain: ChainWriter<Pending>;
  private writing = false;
  private scheduled = false;
  private healthy = true;
  private detail: string | undefined;
  private dropped = 0;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  readonly digests: DigestWriter;

  constructor(private readonly o: AuditLogOptions) {
    this.maxBatch = o.maxBatch ?? 512;
    this.maxPending = o.maxPending ?? 10_000;
    this.chain = new ChainWriter<Pending>(o.repo, o.nodeId, o.sink, this.maxPending);
    this.digests = new DigestWriter({
      ...o,
      headOf: () => this.chain.head,
      sinkLines: (lines) => this.appendToSink(lines),
      kick: () => this.schedule(),
    });
  }

  /** Loads the chain head and digest state of this node from the store. */
  async start(): Promise<void> {
    const h = await this.o.repo.head(this.o.nodeId);
    this.chain.head = { seq: h.lastSeq, hash: h.lastHash };
    await this.digests.start(h.lastDigest);
  }

  /** False while writes fail or time out: the API then refuses requests before running them. */
  admit(): boolean {
    return this.healthy && !this.closed;
  }

  status(): AuditStatus {
    const s: AuditStatus = {
      ok: this.admit(),
      nodeId: this.o.nodeId,
      lastSequence: this.chain.head.seq,
      lastDigestSequence: this.digests.lastDigestSeq,
      pending: this.queue.length + this.chain.inDoubt,
      dropped: this.dropped,
    };
    if (this.detail !== undefined) s.detail = this.detail;
    return s;
  }

  /**
   * Resolves when the record is durable; rejects with AuditUnavailableError otherwise. `time` is
   * the exact epoch ms of the event (its eventTime has whole seconds); one that disagrees with the
   * eventTime is ignored, so the time index never contradicts the hashed record.
   */
  append(event: CloudTrailEvent, exactTime?: number): Promise<void> {
    const stated = Date.parse(event.eventTime);
    const time = exactTime !== undefined && Math.floor(exactTime / 1000) * 1000 === stated ? exactTime : stated;
    if (this.closed) return Promise.reject(new AuditUnavailableError('the audit log is closed'));
    if (this.queue.length >= this.maxPending) {
      this.dropped += 1;
      this.unhealthy(`audit backlog is full (${this.maxPending} records)`);
      return Promise.reject(new AuditUnavailableError('the audit backlog is full'));
    }
    let encoded: string;
    try {
      encoded = canonicalJson(event);
    } catch (e) {
      // A record that cannot be encoded is a bug in its builder; refuse it here, not in a batch.
      return Promise.reject(new AuditUnavailableError(`the audit record cannot be encoded: ${e instanceof Error ? e.message : String(e)}`));
    }
    return new Promise<void>((resolve, reject) => {
      const p: Pending = { event, time, encoded, settled: false, resolve, reject };
      p.timer = setTimeout(() => {
        this.fail(p, new AuditUnavailableError(`the audit record was not durable within ${this.o.writeTimeoutMs} ms`));
        this.unhealthy('audit write timed out');
      }, this.o.writeTimeoutMs);
      this.queue.push(p);
      this.schedule();
    });
  }

  /** Writes what is queued, a final digest, and closes the sink. Later appends are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    const deadline = this.o.now() + this.o.writeTimeoutMs;
    while ((this.queue.length > 0 || this.writing) && this.o.now() < deadline) {
      this.schedule();
      await new Promise((r) => setTimeout(r, 5));
    }
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.digests.stop();
    await this.digests.writeNow('shutdown');
    for (const p of this.queue.splice(0)) this.fail(p, new AuditUnavailableError('the audit log closed before the record was written'));
    if (this.queue.length > 0 || this.chain.hasDoubt) this.o.log.error({ pending: this.queue.length }, 'audit log closed with unwritten records');
    await this.o.sink?.close();
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: records of every request handled in this loop turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  /** The writer must never die of an unexpected error: it reports unhealthy and retries. */
  private run(): void {
    this.pump().catch((e: unknown) => {
      this.unhealthy(`audit writer failed: ${e instanceof Error ? e.message : String(e)}`);
      this.writing = false;
      if (!this.closed) this.scheduleRetry();
    });
  }

  private async pump(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    let retry = false;
    try {
      if (this.chain.hasDoubt && !(await this.reconcile())) return void (retry = true);
      if (this.chain.sinkBehind && !this.outcome(await this.chain.flushSink([]))) return void (retry = true);
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        for (const p of batch) p.written = p.encoded;
        const result = await this.chain.write(batch);
        if (result.ok) {
          for (const p of batch) this.succeed(p);
          this.noteWithheld(batch);
        } else {
          const why = result.stage === 'store' ? 'the audit record could not be written' : 'the audit record could not be written to the sink';
          for (const p of batch) this.fail(p, new AuditUnavailableError(why));
          // A sink failure comes after the store commit: those records are in, as written.
          if (result.stage === 'sink') this.noteWithheld(batch);
          this.outcome(result);
          return void (retry = true);
        }
      }
      await this.digests.writeIfDue();
      if (!this.healthy) this.recovered();
    } finally {
      this.writing = false;
      if (retry && !this.closed) this.scheduleRetry();
      else if (this.queue.length > 0) this.schedule();
    }
  }

  private async reconcile(): Promise<boolean> {
    const r = await this.chain.reconcile();
    switch (r.kind) {
      case 'committed':
        // Its callers were refused, but the records are in: nothing is written twice.
        for (const p of r.batch) clearTimeout(p.timer);
        this.o.log.warn({ records: r.batch.length }, 'audit batch reported as failed had committed');
        this.noteWithheld(r.batch);
        return true;
      case 'requeue':
        this.queue.unshift(...r.batch);
        return true;
      default:
        this.unhealthy(r.reason);
        return false;
    }
  }

  private outcome(r: { ok: true } | { ok: false; reason: string }): boolean {
    if (!r.ok) this.unhealthy(r.reason);
    return r.ok;
  }

  private async appendToSink(lines: string[]): Promise<void> {
    if (!this.outcome(await this.chain.flushSink(lines))) throw new AuditUnavailableError('audit sink write failed');
  }

  private succeed(p: Pending): void {
    clearTimeout(p.timer);
    if (p.settled) return;
    p.settled = true;
    p.resolve();
  }

  private fail(p: Pending, e: Error): void {
    clearTimeout(p.timer);
    if (p.settled) return;
    p.settled = true;
    // A successful operation's caller gets an error instead; its record, still to be (re)written, says so.
    if (p.event.errorCode === undefined) {
      const extra = (p.event.additionalEventData ?? {}) as Record<string, unknown>;
      p.event.additionalEventData = { ...(extra as object), auditResponseWithheld: true } as CloudTrailEvent['additionalEventData'];
      p.encoded = canonicalJson(p.event);
    }
    p.reject(e);
  }

  /**
   * Records whose caller was answered with an error after their write had begun (a timeout during
   * the write, a sink failure after the commit, a write that committed after all) are in the
   * chain as plain successes, and a chained record cannot be changed. A follow-up service event
   * per account, AuditResponseWithheld, names them, so the trail never claims a success the caller
   * did not get.
   */
  private noteWithheld(batch: readonly Pending[]): void {
    const late = batch.filter((p) => p.written !== undefined && p.written !== p.encoded);
    const byAccount = new Map<string | undefined, { region: string; eventIds: string[] }>();
    for (const p of late) {
      const account = p.event.recipientAccountId;
      const entry = byAccount.get(account) ?? { region: p.event.awsRegion, eventIds: [] };
      entry.eventIds.push(p.event.eventID);
      byAccount.set(account, entry);
    }
    for (const [accountId, { region, eventIds }] of byAccount) {
      const e = serviceEvent({ eventName: 'AuditResponseWithheld', time: this.o.now(), accountId, region, resources: [], serviceEventDetails: { eventIds } });
      this.append(e).catch(() => {});
    }
  }

  private unhealthy(detail: string): void {
    if (this.healthy) this.o.log.error({ nodeId: this.o.nodeId, detail }, 'audit log unavailable: refusing requests');
    this.healthy = false;
    this.detail = detail;
  }

  private recovered(): void {
    this.healthy = true;
    this.detail = undefined;
    this.retryMs = RETRY_MIN_MS;
    this.o.log.info({ nodeId: this.o.nodeId, lastSequence: this.chain.head.seq }, 'audit log writing again');
    if (this.dropped > 0) {
      const count = this.dropped;
      this.dropped = 0;
      const e = serviceEvent({ eventName: 'AuditRecordsDropped', time: this.o.now(), region: 'aws-global', resources: [], serviceEventDetails: { droppedRecords: count } });
      this.append(e).catch(() => {});
    }
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.run(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}
