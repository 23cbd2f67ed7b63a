/**
 * Audit trail configuration (issue 6), from the environment at start:
 *   STRONGROOM_NODE_ID                    this process's chain name (default: the host name); every
 *                                         process writing one database needs its own
 *   STRONGROOM_AUDIT_DIGEST_INTERVAL_MS   signed digest period (default 60000; also at shutdown)
 *   STRONGROOM_AUDIT_WRITE_TIMEOUT_MS     a record not durable by then fails its request (default 2000)
 *   STRONGROOM_AUDIT_EC_MODE              clear (default, as AWS) | hmac (HMAC-SHA256 values, token key)
 *   STRONGROOM_AUDIT_SINK_FILE            also append committed records (JSON Lines) to this file
 *   STRONGROOM_AUDIT_RETENTION_DAYS       prune older records a signed digest covers (0 = keep all)
 *   STRONGROOM_AUDIT_MAX_BATCH            records per group commit (default 512)
 *   STRONGROOM_AUDIT_MAX_PENDING          records held in memory while the store is failing (default 10000)
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { intVar, type Env } from './int-var.js';

export class AuditConfigError extends Error {}

export type AuditEcMode = 'clear' | 'hmac';

export interface AuditConfig {
  nodeId: string;
  digestIntervalMs: number;
  writeTimeoutMs: number;
  ecMode: AuditEcMode;
  sinkFile?: string;
  retentionDays: number;
  maxBatch: number;
  maxPending: number;
}

const NODE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function int(env: Env, name: string, def: number, min: number, max: number): number {
  return intVar(env, name, def, min, max, (m) => new AuditConfigError(m));
}

/** The host name reduced to the node-id alphabet. */
export function defaultNodeId(host: string = hostname()): string {
  const id = host.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 64);
  return id === '' ? 'node' : id;
}

export function auditFromEnv(env: Env): AuditConfig {
  const nodeId = env.STRONGROOM_NODE_ID || defaultNodeId();
  if (!NODE_ID.test(nodeId)) throw new AuditConfigError(`STRONGROOM_NODE_ID must be 1-64 characters of A-Z a-z 0-9 . _ : -, got '${nodeId}'`);
  const ecMode = env.STRONGROOM_AUDIT_EC_MODE || 'clear';
  if (ecMode !== 'clear' && ecMode !== 'hmac') throw new AuditConfigError(`STRONGROOM_AUDIT_EC_MODE must be 'clear' or 'hmac', got '${ecMode}'`);
  const config: AuditConfig = {
    nodeId,
    digestIntervalMs: int(env, 'STRONGROOM_AUDIT_DIGEST_INTERVAL_MS', 60_000, 100, 86_400_000),
    writeTimeoutMs: int(env, 'STRONGROOM_AUDIT_WRITE_TIMEOUT_MS', 2_000, 10, 600_000),
    ecMode,
    retentionDays: int(env, 'STRONGROOM_AUDIT_RETENTION_DAYS', 0, 0, 100_000),
    maxBatch: int(env, 'STRONGROOM_AUDIT_MAX_BATCH', 512, 1, 100_000),
    maxPending: int(env, 'STRONGROOM_AUDIT_MAX_PENDING', 10_000, 1, 10_000_000),
  };
  if (env.STRONGROOM_AUDIT_SINK_FILE) config.sinkFile = resolve(env.STRONGROOM_AUDIT_SINK_FILE);
  return config;
}
