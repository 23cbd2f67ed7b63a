/**
 * Scheduler job rows with leases: the claim is one atomic statement (SQLite: under BEGIN
 * IMMEDIATE; PostgreSQL: FOR UPDATE SKIP LOCKED), so of several processes on one database exactly
 * one holds a job at a time. Every later write names the claim token, so a holder whose lease ran
 * out (and whose job was taken over) cannot complete or fail someone else's claim.
 */
import type { ClaimedJob, JobRecord, NewJob } from '../model/lifecycle.js';

export interface JobRepository {
  /** Inserts the jobs whose ids do not exist yet; returns how many were new. */
  ensure(jobs: NewJob[], now: number): Promise<number>;
  /** Claims up to `limit` jobs that are due and not leased, earliest first, until `now + leaseMs`. */
  claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedJob[]>;
  /** Claims one job by id if it is due and not leased. */
  claimOne(jobId: string, owner: string, now: number, leaseMs: number): Promise<ClaimedJob | undefined>;
  /** Records what the job is about to create outside the database (so a retry can clean it up). */
  setIntent(jobId: string, token: string, intent: string): Promise<boolean>;
  /** Done: removes the row. False if the claim was lost. */
  complete(jobId: string, token: string): Promise<boolean>;
  /** Failed: releases the claim; the job may run again from `retryAt`. */
  fail(jobId: string, token: string, error: string, retryAt: number): Promise<boolean>;
  get(jobId: string): Promise<JobRecord | undefined>;
  /** All jobs, by id (diagnostics and tests). */
  list(): Promise<JobRecord[]>;
}
