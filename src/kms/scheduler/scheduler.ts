/**
 * The background scheduler: on every run it discovers due work (discover.ts), claims due jobs
 * with a lease (store-jobs.ts) and runs them one after another (run-job.ts). Any number of
 * processes and nodes on one database may run it: each job is held by one of them at a time and
 * commits under its claim, so it happens once; a crashed holder's job is taken over when its lease
 * runs out. Time is the KMS clock (deps.clock), so tests move it with ManualClock.
 */
import type { KmsDeps } from '../context.js';
import { DEFAULT_LEASE_MS, runClaimedJob } from './run-job.js';
import { discoverDueJobs } from './discover.js';
import type { JobHooks, JobReport } from './types.js';

export interface SchedulerLog {
  info(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface SchedulerOptions extends JobHooks {
  /** Names this process in claim tokens (e.g. host:pid). */
  owner: string;
  leaseMs?: number;
  /** Jobs discovered and claimed per run. */
  batch?: number;
  log?: SchedulerLog;
}

export interface SchedulerRun {
  discovered: number;
  jobs: JobReport[];
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly deps: KmsDeps,
    private readonly options: SchedulerOptions,
  ) {}

  /** One run; concurrent calls in one process queue behind each other. */
  runOnce(): Promise<SchedulerRun> {
    const run = this.tail.then(() => this.run());
    this.tail = run.catch(() => {});
    return run;
  }

  /** Runs every `intervalMs` until stop(); the timer does not keep the process alive. */
  start(intervalMs: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      this.runOnce().catch((e: unknown) => this.options.log?.error({ err: e instanceof Error ? e.message : String(e) }, 'scheduler run failed'));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.tail;
  }

  private async run(): Promise<SchedulerRun> {
    const { deps, options } = this;
    const batch = options.batch ?? 100;
    const now = deps.clock.now();
    const discovered = await deps.store.jobs.ensure(await discoverDueJobs(deps, now, batch), now);
    const claimed = await deps.store.jobs.claim(options.owner, now, options.leaseMs ?? DEFAULT_LEASE_MS, batch);
    const jobs: JobReport[] = [];
    for (const job of claimed) {
      if (this.stopped) break; // the unrun claims expire and are taken over
      const report = await runClaimedJob(deps, job, options);
      jobs.push(report);
      if (report.outcome === 'failed') options.log?.error({ jobId: job.jobId, reason: report.error }, 'scheduled job failed; will retry');
      else if (report.outcome === 'done') options.log?.info({ jobId: job.jobId }, 'scheduled job done');
    }
    return { discovered, jobs };
  }
}
