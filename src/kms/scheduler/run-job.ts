/**
 * Runs one claimed job: dispatch by kind, then complete (the row goes) or fail (the claim is
 * released until a backoff has passed and the error is kept on the row). A process that dies
 * mid-job simply stops renewing nothing: its lease runs out and another run takes the job over.
 */
import type { KmsDeps } from '../context.js';
import type { ClaimedJob, JobKind } from '../model/lifecycle.js';
import { runKeyDeletion } from './delete-key.js';
import { runMaterialExpiry } from './expire-material.js';
import { runImportParametersRemoval } from './remove-import-parameters.js';
import { runAutomaticRotation, runOnDemandRotation } from './rotate-key.js';
import { LostClaimError, type JobHandler, type JobHooks, type JobReport } from './types.js';

/** Longer than any job takes: the HSM calls of a rotation are milliseconds, a deletion seconds. */
export const DEFAULT_LEASE_MS = 5 * 60_000;

const HANDLERS: Readonly<Record<JobKind, JobHandler>> = {
  'rotate-key': runAutomaticRotation,
  'on-demand-rotation': runOnDemandRotation,
  'delete-key': runKeyDeletion,
  'expire-material': runMaterialExpiry,
  'remove-import-parameters': runImportParametersRemoval,
};

/** 30 s, doubling per attempt, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** Events go to `hooks.onEvent`, else to deps.onLifecycleEvent. */
export async function runClaimedJob(deps: KmsDeps, job: ClaimedJob, hooks: JobHooks = {}): Promise<JobReport> {
  const report = { jobId: job.jobId, kind: job.kind, keyId: job.keyId };
  const setIntent = async (intent: string): Promise<void> => {
    if (!(await deps.store.jobs.setIntent(job.jobId, job.token, intent))) throw new LostClaimError(`lost the claim of ${job.jobId}`);
  };
  try {
    const onEvent = hooks.onEvent ?? deps.onLifecycleEvent;
    const outcome = await HANDLERS[job.kind]({ deps, job, hooks: { onEvent }, setIntent });
    await deps.store.jobs.complete(job.jobId, job.token);
    return { ...report, outcome };
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    await deps.store.jobs.fail(job.jobId, job.token, error, deps.clock.now() + retryDelayMs(job.attempts)).catch(() => {});
    return { ...report, outcome: 'failed', error };
  }
}

/** Claims and runs one job now (e.g. the request that enqueued it); undefined if it is held or not due. */
export async function runJobNow(deps: KmsDeps, jobId: string, owner: string, hooks?: JobHooks): Promise<JobReport | undefined> {
  const job = await deps.store.jobs.claimOne(jobId, owner, deps.clock.now(), DEFAULT_LEASE_MS);
  return job && runClaimedJob(deps, job, hooks);
}
