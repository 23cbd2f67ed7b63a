/**
 * Composition of the audit trail: the token keys, the group-committing audit log of this node,
 * the optional sink file, and the request auditor the API endpoints use. Background events
 * (keys deleted at the end of their waiting period) are recorded through `serviceEvent`.
 */
import type { Config } from './config/types.js';
import type { Hsm } from './kms/ports/hsm.js';
import type { Store } from './kms/ports/store.js';
import type { KeyRecord } from './kms/model/key.js';
import type { Logger } from './log/logger.js';
import type { Clock } from './lib/time.js';
import type { CredentialResolver } from './kms/identity/credentials.js';
import { AuditLog } from './audit/audit-log.js';
import { auditSignerOf } from './audit/digest-writer.js';
import { serviceEvent } from './audit/build.js';
import { fileSink } from './audit/sink.js';
import { RequestAuditor } from './api/request-audit.js';
import type { Json } from './audit/canonical.js';

export interface RunningAudit {
  log: AuditLog;
  auditor: RequestAuditor;
  /**
   * An AwsServiceEvent about a key (CloudTrail: RotateKey, DeleteKey, DeleteExpiredKeyMaterial).
   * Never throws: a record the store cannot take yet stays queued in the audit log (past its
   * backlog, it is counted in an AuditRecordsDropped event).
   */
  keyServiceEvent(eventName: string, key: KeyRecord, serviceEventDetails?: Json): Promise<void>;
  /** The AwsServiceEvent `DeleteKey` of a key deleted at the end of its waiting period. */
  keyDeleted(key: KeyRecord): Promise<void>;
  close(): Promise<void>;
}

export async function startAudit(
  config: Config,
  backends: { hsm: Hsm; store: Store },
  log: Logger,
  clock: Clock,
  credentials: CredentialResolver,
): Promise<RunningAudit> {
  const { hsm, store } = backends;
  await hsm.audit.ensureKeys();
  const a = config.audit;
  const auditLog = new AuditLog({
    repo: store.audit,
    nodeId: a.nodeId,
    now: () => clock.now(),
    signer: auditSignerOf(hsm.audit),
    log,
    sink: a.sinkFile ? fileSink(a.sinkFile) : undefined,
    writeTimeoutMs: a.writeTimeoutMs,
    digestIntervalMs: a.digestIntervalMs,
    retentionDays: a.retentionDays,
    maxBatch: a.maxBatch,
    maxPending: a.maxPending,
  });
  await auditLog.start();
  const auditor = new RequestAuditor({
    log: auditLog,
    partition: config.partition,
    ecMode: a.ecMode,
    hmac: (data) => hsm.audit.hmac(data),
    accountOfAccessKey: async (id) => (await credentials.lookup(id))?.accountId,
  });
  const keyServiceEvent = async (eventName: string, key: KeyRecord, serviceEventDetails?: Json): Promise<void> => {
    const e = serviceEvent({ eventName, time: clock.now(), accountId: key.accountId, region: key.region, resources: [key.arn], serviceEventDetails });
    await auditLog.append(e).catch((err: unknown) =>
      log.error({ keyId: key.keyId, eventName, err: err instanceof Error ? err.message : String(err) }, 'audit record of a service event is pending'),
    );
  };
  return {
    log: auditLog,
    auditor,
    keyServiceEvent,
    keyDeleted: (key) => keyServiceEvent('DeleteKey', key),
    close: () => auditLog.close(),
  };
}
