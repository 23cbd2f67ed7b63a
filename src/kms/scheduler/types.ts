/**
 * What scheduled jobs share: the context a job runs with, the events it reports (the service
 * turns them into audit records: AWS logs RotateKey, DeleteKey and DeleteExpiredKeyMaterial as
 * AwsServiceEvent, reference §6) and the per-job report of a scheduler run.
 */
import type { KmsDeps } from '../context.js';
import type { KeyRecord } from '../model/key.js';
import type { ClaimedJob, JobKind, RotationType } from '../model/lifecycle.js';

export type LifecycleEvent =
  | { eventName: 'RotateKey'; key: KeyRecord; materialId: string; rotationType: RotationType; time: number }
  | { eventName: 'DeleteKey'; key: KeyRecord; time: number }
  | { eventName: 'DeleteExpiredKeyMaterial'; key: KeyRecord; materialId: string; time: number };

export interface JobHooks {
  /** Awaited before the job counts as done; a throw fails (and later retries) the job. */
  onEvent?(event: LifecycleEvent): Promise<void> | void;
}

export interface JobContext {
  deps: KmsDeps;
  job: ClaimedJob;
  hooks: JobHooks;
  /** Records, before creating it, what the job is about to create outside the database. */
  setIntent(intent: string): Promise<void>;
}

/** done: the work happened in this run; noop: nothing (left) to do. */
export type JobOutcome = 'done' | 'noop';

export type JobHandler = (ctx: JobContext) => Promise<JobOutcome>;

export interface JobReport {
  jobId: string;
  kind: JobKind;
  keyId?: string;
  outcome: JobOutcome | 'failed';
  error?: string;
}

/** The claim was taken over by another node after this one's lease ran out. */
export class LostClaimError extends Error {}
