/**
 * Periodic signed digests of this node's chain, and retention. Every `digestIntervalMs` (and at
 * shutdown) a digest covering the records written since the previous one is signed in the token
 * and stored; nothing is signed while no record was added. After each digest, retention deletes
 * records older than `retentionDays` — only those a signed digest covers, keeping that digest as
 * the anchor from which verification of the rest starts.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { AuditRepository } from '../kms/ports/store-audit.js';
import { GENESIS_HASH } from './canonical.js';
import { makeDigest, publicKeyFingerprint } from './digest.js';
import { digestLine } from './export-format.js';
import type { AuditLogger } from './audit-log-types.js';

const DAY_MS = 86_400_000;

export interface AuditSigner {
  /** ECDSA P-256 with SHA-256 over `body`, raw r‖s. */
  signBody(body: Buffer): Promise<Buffer>;
  /** DER SubjectPublicKeyInfo of the signing key. */
  publicKey(): Promise<Buffer>;
}

/** The token as signer: SoftHSM has no CKM_ECDSA_SHA256, so the body is hashed here (notes §3f). */
export function auditSignerOf(hsm: { signDigest(sha256Digest: Buffer): Promise<Buffer>; publicKey(): Promise<Buffer> }): AuditSigner {
  return {
    signBody: (body) => hsm.signDigest(Buffer.from(sha256(body))),
    publicKey: () => hsm.publicKey(),
  };
}

export interface DigestWriterOptions {
  repo: AuditRepository;
  nodeId: string;
  now(): number;
  signer: AuditSigner;
  log: AuditLogger;
  digestIntervalMs?: number;
  /** 0 or undefined: keep everything. */
  retentionDays?: number;
  headOf(): { seq: number; hash: string };
  sinkLines(lines: string[]): Promise<void>;
  /** Asks the audit log to run its writer (digests are written between record batches). */
  kick?(): void;
}

export class DigestWriter {
  private last: { digestSeq: number; lastSeq: number; hash: string } | undefined;
  private fingerprint = '';
  private due = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: DigestWriterOptions) {}

  get lastDigestSeq(): number {
    return this.last?.digestSeq ?? 0;
  }

  async start(last: { digestSeq: number; lastSeq: number; hash: string } | undefined): Promise<void> {
    this.last = last;
    this.fingerprint = publicKeyFingerprint(await this.o.signer.publicKey());
    const every = this.o.digestIntervalMs;
    if (every && every > 0) {
      this.timer = setInterval(() => {
        this.due = true;
        this.o.kick?.();
      }, every);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Called by the audit log's writer between batches. */
  async writeIfDue(): Promise<void> {
    if (!this.due) return;
    this.due = false;
    await this.writeNow('interval');
  }

  /** Signs and stores a digest of the committed head, if records were added since the last one. */
  writeNow(reason: string): Promise<boolean> {
    // One at a time: two concurrent digests would claim the same digest sequence number.
    const run = this.inFlight.then(() => this.write(reason));
    this.inFlight = run.catch(() => false);
    return run;
  }

  private async write(reason: string): Promise<boolean> {
    const head = this.o.headOf();
    const from = (this.last?.lastSeq ?? 0) + 1;
    if (head.seq < from) return false;
    try {
      const row = await makeDigest(
        {
          nodeId: this.o.nodeId,
          digestSeq: (this.last?.digestSeq ?? 0) + 1,
          firstSeq: from,
          lastSeq: head.seq,
          headHash: head.hash,
          prevDigestHash: this.last?.hash ?? GENESIS_HASH,
          digestTime: this.o.now(),
          publicKeyFingerprint: this.fingerprint,
        },
        (body) => this.o.signer.signBody(body),
      );
      await this.o.repo.append([], row);
      this.last = { digestSeq: row.digestSeq, lastSeq: row.lastSeq, hash: row.hash };
      await this.o.sinkLines([digestLine(row)]).catch(() => {
        // The sink backlog keeps the line; the audit log reports the sink as failing.
      });
    } catch (e) {
      // Not fail-closed: records stay durable and chained; the next digest covers them too.
      this.o.log.error({ nodeId: this.o.nodeId, reason, err: e instanceof Error ? e.message : String(e) }, 'audit digest failed');
      return false;
    }
    await this.prune();
    return true;
  }

  private async prune(): Promise<void> {
    const days = this.o.retentionDays ?? 0;
    if (days <= 0) return;
    try {
      const r = await this.o.repo.prune(this.o.nodeId, this.o.now() - days * DAY_MS);
      if (r.records > 0 || r.digests > 0) this.o.log.info({ nodeId: this.o.nodeId, ...r }, 'audit retention pruned records covered by a signed digest');
    } catch (e) {
      this.o.log.error({ nodeId: this.o.nodeId, err: e instanceof Error ? e.message : String(e) }, 'audit retention failed');
    }
  }
}
