import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ClaimedJob, JobRecord, NewJob } from '../../kms/model/lifecycle.js';
import type { JobRepository } from '../../kms/ports/store-jobs.js';
import { JOB_COLUMNS, jobFromRow, type JobRow } from '../lifecycle-rows.js';
import { checkLimit } from '../page.js';

type Db = Database.Database;

export const insertJobSql =
  'INSERT INTO scheduled_jobs (job_id, kind, key_id, due_at, payload, created_at, attempts) VALUES (?, ?, ?, ?, ?, ?, 0) ' +
  'ON CONFLICT (job_id) DO NOTHING';

export function jobParams(j: NewJob, now: number): unknown[] {
  return [j.jobId, j.kind, j.keyId ?? null, j.dueAt, j.payload ?? null, now];
}

const FREE = 'due_at <= @now AND (lease_until IS NULL OR lease_until <= @now)';
const CLAIM_SET = 'SET lease_owner = @token, lease_until = @until, attempts = attempts + 1';

function byDue(a: JobRow, b: JobRow): number {
  return a.due_at - b.due_at || (a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0);
}

function claimed(rows: JobRow[], token: string): ClaimedJob[] {
  return rows.sort(byDue).map((r) => ({ ...jobFromRow(r), token }));
}

/**
 * Claims run in BEGIN IMMEDIATE transactions: the write lock is taken before the due rows are
 * read, so two processes on one file claim one after another and never both take a job. (A plain
 * autocommit UPDATE could read a WAL snapshot that another process's claim has already
 * superseded.)
 */
export class SqliteJobRepository implements JobRepository {
  private readonly insert: Database.Statement<unknown[]>;
  private readonly claimMany: Database.Statement<Record<string, unknown>, JobRow>;
  private readonly claimById: Database.Statement<Record<string, unknown>, JobRow>;
  private readonly intentStmt: Database.Statement<[string, string, string]>;
  private readonly completeStmt: Database.Statement<[string, string]>;
  private readonly failStmt: Database.Statement<[number, string, string, string]>;
  private readonly getStmt: Database.Statement<[string], JobRow>;
  private readonly listStmt: Database.Statement<[], JobRow>;
  private readonly ensureTx: Database.Transaction<(jobs: NewJob[], now: number) => number>;
  private readonly claimTx: Database.Transaction<(p: Record<string, unknown>) => JobRow[]>;
  private readonly claimOneTx: Database.Transaction<(p: Record<string, unknown>) => JobRow[]>;

  constructor(db: Db) {
    this.insert = db.prepare<unknown[]>(insertJobSql);
    this.claimMany = db.prepare<Record<string, unknown>, JobRow>(
      `UPDATE scheduled_jobs ${CLAIM_SET} WHERE job_id IN ` +
        `(SELECT job_id FROM scheduled_jobs WHERE ${FREE} ORDER BY due_at, job_id LIMIT @limit) RETURNING ${JOB_COLUMNS}`,
    );
    this.claimById = db.prepare<Record<string, unknown>, JobRow>(
      `UPDATE scheduled_jobs ${CLAIM_SET} WHERE job_id = @jobId AND ${FREE} RETURNING ${JOB_COLUMNS}`,
    );
    this.intentStmt = db.prepare<[string, string, string]>('UPDATE scheduled_jobs SET intent = ? WHERE job_id = ? AND lease_owner = ?');
    this.completeStmt = db.prepare<[string, string]>('DELETE FROM scheduled_jobs WHERE job_id = ? AND lease_owner = ?');
    this.failStmt = db.prepare<[number, string, string, string]>(
      'UPDATE scheduled_jobs SET lease_owner = NULL, lease_until = ?, last_error = ? WHERE job_id = ? AND lease_owner = ?',
    );
    this.getStmt = db.prepare<[string], JobRow>(`SELECT ${JOB_COLUMNS} FROM scheduled_jobs WHERE job_id = ?`);
    this.listStmt = db.prepare<[], JobRow>(`SELECT ${JOB_COLUMNS} FROM scheduled_jobs ORDER BY job_id`);
    this.ensureTx = db.transaction((jobs: NewJob[], now: number) => {
      let n = 0;
      for (const j of jobs) n += this.insert.run(...jobParams(j, now)).changes;
      return n;
    });
    this.claimTx = db.transaction((p: Record<string, unknown>) => this.claimMany.all(p));
    this.claimOneTx = db.transaction((p: Record<string, unknown>) => this.claimById.all(p));
  }

  async ensure(jobs: NewJob[], now: number): Promise<number> {
    if (jobs.length === 0) return 0;
    return this.ensureTx.immediate(jobs, now);
  }

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedJob[]> {
    const token = `${owner}/${randomUUID()}`;
    return claimed(this.claimTx.immediate({ token, until: now + leaseMs, now, limit: checkLimit(limit) }), token);
  }

  async claimOne(jobId: string, owner: string, now: number, leaseMs: number): Promise<ClaimedJob | undefined> {
    const token = `${owner}/${randomUUID()}`;
    return claimed(this.claimOneTx.immediate({ token, until: now + leaseMs, now, jobId }), token)[0];
  }

  async setIntent(jobId: string, token: string, intent: string): Promise<boolean> {
    return this.intentStmt.run(intent, jobId, token).changes === 1;
  }

  async complete(jobId: string, token: string): Promise<boolean> {
    return this.completeStmt.run(jobId, token).changes === 1;
  }

  async fail(jobId: string, token: string, error: string, retryAt: number): Promise<boolean> {
    return this.failStmt.run(retryAt, error.slice(0, 2000), jobId, token).changes === 1;
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const row = this.getStmt.get(jobId);
    return row && jobFromRow(row);
  }

  async list(): Promise<JobRecord[]> {
    return this.listStmt.all().map(jobFromRow);
  }
}
