/** Options and status of the audit log (audit-log.ts). */
import type { AuditRepository } from '../kms/ports/store-audit.js';
import type { AuditSigner } from './digest-writer.js';
import type { AuditSink } from './sink.js';

export interface AuditLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface AuditLogOptions {
  repo: AuditRepository;
  nodeId: string;
  now(): number;
  signer: AuditSigner;
  log: AuditLogger;
  sink?: AuditSink;
  writeTimeoutMs: number;
  digestIntervalMs?: number;
  retentionDays?: number;
  maxBatch?: number;
  maxPending?: number;
}

export interface AuditStatus {
  ok: boolean;
  nodeId: string;
  lastSequence: number;
  lastDigestSequence: number;
  pending: number;
  dropped: number;
  detail?: string;
}
