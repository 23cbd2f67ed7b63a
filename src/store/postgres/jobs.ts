import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ClaimedJob, JobRecord, NewJob } from '../../kms/model/lifecycle.js';
import type { JobRepository } from '../../kms/ports/store-jobs.js';
import { JOB_COLUMNS, jobFromRow, type JobRow } from '../lifecycle-rows.js';
import { checkLimit } from '../page.js';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export async function insertJobs(q: Queryable, jobs: NewJob[], now: number): Promise<number> {
  if (jobs.length === 0) return 0;
  const r = await q.query(
    'INSERT INTO scheduled_jobs (job_id, kind, key_id, due_at, payload, created_at, attempts) ' +
      'SELECT j.*, $6::bigint, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) ' +
      'AS j (job_id, kind, key_id, due_at, payload) ' +
      'ON CONFLICT (job_id) DO NOTHING',
    [
      jobs.map((j) => j.jobId), jobs.map((j) => j.kind), jobs.map((j) => j.keyId ?? null), jobs.map((j) => j.dueAt),
      jobs.map((j) => j.payload ?? null), now,
    ],
  );
  return r.rowCount ?? 0;
}

const FREE = 'due_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)';

function claimed(rows: JobRow[], token: string): ClaimedJob[] {
  return rows
    .sort((a, b) => a.due_at - b.due_at || (a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0))
    .map((r) => ({ ...jobFromRow(r), token }));
}

/**
 * The claim is one statement: FOR UPDATE SKIP LOCKED makes concurrent claimers on other nodes
 * pass over rows being claimed, and PostgreSQL re-checks the lease condition against the latest
 * committed version of each row it locks, so a job is never handed to two holders at once.
 */
export class PostgresJobRepository implements JobRepository {
  constructor(private readonly pool: pg.Pool) {}

  async ensure(jobs: NewJob[], now: number): Promise<number> {
    return insertJobs(this.pool, jobs, now);
  }

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedJob[]> {
    const token = `${owner}/${randomUUID()}`;
    const { rows } = await this.pool.query<JobRow>(
      'UPDATE scheduled_jobs j SET lease_owner = $1, lease_until = $2, attempts = j.attempts + 1 FROM ' +
        `(SELECT job_id FROM scheduled_jobs WHERE ${FREE} ORDER BY due_at, job_id LIMIT $4 FOR UPDATE SKIP LOCKED) d ` +
        `WHERE j.job_id = d.job_id RETURNING ${JOB_COLUMNS.split(', ').map((c) => `j.${c}`).join(', ')}`,
      [token, now + leaseMs, now, checkLimit(limit)],
    );
    return claimed(rows, token);
  }

  async claimOne(jobId: string, owner: string, now: number, leaseMs: number): Promise<ClaimedJob | undefined> {
    const token = `${owner}/${randomUUID()}`;
    const { rows } = await this.pool.query<JobRow>(
      `UPDATE scheduled_jobs SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 WHERE job_id = $4 AND ${FREE} ` +
        `RETURNING ${JOB_COLUMNS}`,
      [token, now + leaseMs, now, jobId],
    );
    return claimed(rows, token)[0];
  }

  async setIntent(jobId: string, token: string, intent: string): Promise<boolean> {
    const r = await this.pool.query('UPDATE scheduled_jobs SET intent = $1 WHERE job_id = $2 AND lease_owner = $3', [intent, jobId, token]);
    return r.rowCount === 1;
  }

  async complete(jobId: string, token: string): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM scheduled_jobs WHERE job_id = $1 AND lease_owner = $2', [jobId, token]);
    return r.rowCount === 1;
  }

  async fail(jobId: string, token: string, error: string, retryAt: number): Promise<boolean> {
    const r = await this.pool.query(
      'UPDATE scheduled_jobs SET lease_owner = NULL, lease_until = $1, last_error = $2 WHERE job_id = $3 AND lease_owner = $4',
      [retryAt, error.slice(0, 2000), jobId, token],
    );
    return r.rowCount === 1;
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const { rows } = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM scheduled_jobs WHERE job_id = $1`, [jobId]);
    return rows[0] && jobFromRow(rows[0]);
  }

  async list(): Promise<JobRecord[]> {
    const { rows } = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM scheduled_jobs ORDER BY job_id`);
    return rows.map(jobFromRow);
  }
}
