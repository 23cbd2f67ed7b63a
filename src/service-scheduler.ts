/**
 * Composition of the background scheduler (kms/scheduler): key deletions at the end of their
 * waiting period, automatic rotations, imported-material expiry and the removal of expired import
 * parameters, every sweepIntervalMs, on every node (the job table makes each job run once).
 * Lifecycle events become log lines and AwsServiceEvent audit records (reference §6): DeleteKey
 * through the audit trail's keyDeleted, RotateKey and DeleteExpiredKeyMaterial as service events
 * with serviceEventDetails.keyId, as CloudTrail shows them.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { KmsDeps } from './kms/context.js';
import type { Logger } from './log/logger.js';
import type { SweepResult } from './kms/sweeper.js';
import type { RunningAudit } from './service-audit.js';
import { serviceEvent } from './audit/build.js';
import { Scheduler, type SchedulerRun } from './kms/scheduler/scheduler.js';
import type { LifecycleEvent } from './kms/scheduler/types.js';

export interface RunningScheduler {
  scheduler: Scheduler;
  /** One scheduler run, reported as the deletion sweep the service always had. */
  sweepNow(): Promise<SweepResult>;
}

export function sweepResultOf(run: SchedulerRun): SweepResult {
  const deletions = run.jobs.filter((j) => j.kind === 'delete-key' && j.keyId !== undefined);
  return {
    deleted: deletions.filter((j) => j.outcome === 'done').map((j) => j.keyId!),
    failed: deletions.filter((j) => j.outcome === 'failed').map((j) => ({ keyId: j.keyId!, error: j.error ?? 'failed' })),
  };
}

export function startScheduler(deps: KmsDeps, intervalMs: number, log: Logger, audit: RunningAudit): RunningScheduler {
  const onEvent = async (e: LifecycleEvent): Promise<void> => {
    const materialId = 'materialId' in e ? e.materialId : undefined;
    log.info({ event: e.eventName, keyId: e.key.keyId, materialId }, 'key lifecycle event');
    if (e.eventName === 'DeleteKey') {
      await audit.keyDeleted(e.key);
      return;
    }
    const record = serviceEvent({
      eventName: e.eventName, time: e.time, accountId: e.key.accountId, region: e.key.region, resources: [e.key.arn],
      serviceEventDetails: { keyId: e.key.keyId },
    });
    await audit.log.append(record).catch((err: unknown) =>
      log.error({ keyId: e.key.keyId, event: e.eventName, err: err instanceof Error ? err.message : String(err) }, 'audit record of a lifecycle event is pending'),
    );
  };
  // On deps, so that jobs run by requests (RotateKeyOnDemand) report their events too.
  deps.onLifecycleEvent = onEvent;
  const scheduler = new Scheduler(deps, { owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, log });
  scheduler.start(intervalMs);
  return {
    scheduler,
    async sweepNow() {
      const r = sweepResultOf(await scheduler.runOnce());
      if (r.deleted.length > 0) log.info({ deleted: r.deleted }, 'deleted keys whose deletion window ended');
      return r;
    },
  };
}
