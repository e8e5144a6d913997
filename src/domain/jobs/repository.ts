import type { JobStatus } from './schemas.js';

/** A job as storage holds it; `input`, `result` and `error` are JSON text. */
export interface JobRecord {
  id: string;
  ownerSubject: string;
  ownerUserId: number | null;
  kind: string;
  input: string;
  status: JobStatus;
  done: number;
  total: number | null;
  result: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Where jobs are kept (the port infra/storage/jobs-repo.ts implements). */
export interface JobRepository {
  insert(job: JobRecord): Promise<void>;
  findById(id: string): Promise<JobRecord | undefined>;
  /** True when there was such a job. */
  delete(id: string): Promise<boolean>;
  /** Queued and running jobs, of one owner or of everyone. */
  countActive(ownerSubject?: string): Promise<number>;
  /** Marks the oldest queued job running and returns it; atomic, so two runners never take the same job. */
  claimNext(now: string): Promise<JobRecord | undefined>;
  /** Running jobs back to queued (their runner died with the process); returns how many. */
  requeueRunning(now: string): Promise<number>;
  /** Records progress of a running job; false when it is no longer there (cancelled). */
  progress(id: string, done: number, total: number, now: string): Promise<boolean>;
  /** Ends a running job; false when it is no longer there. */
  finish(id: string, outcome: { status: 'succeeded'; result: string } | { status: 'failed'; error: string }, now: string): Promise<boolean>;
  /** Forgets finished jobs last touched before `before`; returns how many. */
  purgeFinished(before: string): Promise<number>;
}
