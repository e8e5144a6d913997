import { randomUUID } from 'node:crypto';
import { requireCaller } from '../access.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { LANGUAGES, msg } from '../i18n/index.js';
import type { Clock, UserRepository } from '../ports.js';
import { ADMIN_SUBJECT, type Principal } from '../principal.js';
import { invalidInput, validate } from '../validate.js';
import type { JobRecord, JobRepository } from './repository.js';
import { EXPORT_QUERIES, exportIn, jobIdIn, type Job, type JobFailure, type JobResult } from './schemas.js';

export interface JobLimits {
  /** Queued or running jobs one owner may have at once. */
  maxActivePerOwner: number;
  /** Queued or running jobs in all. */
  maxActive: number;
  /** Finished jobs (and their results) are forgotten this long after they end. */
  retentionSeconds: number;
}

const missing = (id: string) => new DomainError('NOT_FOUND', msg('job.notFound', { id }));

function toJob(r: JobRecord): Job {
  const job: Job = {
    id: r.id,
    kind: 'export',
    input: JSON.parse(r.input) as Job['input'],
    status: r.status,
    progress: { done: r.done, total: r.total },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
  if (r.error) job.error = JSON.parse(r.error) as JobFailure;
  return job;
}

/**
 * Jobs and who may see them. A job belongs to the principal that submitted
 * it and to no one else — not even an administrator: anyone else asking is
 * told it does not exist (003: 404 for what the caller may not know of).
 * The methods without a context are for the runtime's job runner, which
 * does the work on the owner's behalf.
 */
export class JobService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly users: UserRepository,
    private readonly clock: Clock,
    private readonly limits: JobLimits,
    /** Told when a job is queued (the runner starts it). */
    private readonly queued: () => void = () => {},
  ) {}

  async submit(ctx: DomainContext, input: unknown): Promise<Job> {
    const owner = requireCaller(ctx.caller);
    const v = validate(exportIn, input);
    // The filters are checked now, so a bad one fails the request rather than the job.
    try {
      validate(EXPORT_QUERIES[v.resource], v.query);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      invalidInput(err.problems.map((f) => ({ ...f, field: `query.${f.field}` })));
    }
    const now = this.clock.now();
    await this.jobs.purgeFinished(new Date(now.getTime() - this.limits.retentionSeconds * 1000).toISOString());
    if ((await this.jobs.countActive(owner.subject)) >= this.limits.maxActivePerOwner) {
      throw new DomainError('RATE_LIMITED', msg('job.ownerLimit', { max: this.limits.maxActivePerOwner }), { retryAfter: 5 });
    }
    if ((await this.jobs.countActive()) >= this.limits.maxActive) {
      throw new DomainError('RATE_LIMITED', msg('job.queueFull'), { retryAfter: 5 });
    }
    const record: JobRecord = {
      id: randomUUID(),
      ownerSubject: owner.subject,
      ownerUserId: owner.userId,
      kind: 'export',
      input: JSON.stringify(v),
      status: 'queued',
      done: 0,
      total: null,
      result: null,
      error: null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await this.jobs.insert(record);
    this.queued();
    return toJob(record);
  }

  async get(ctx: DomainContext, input: unknown): Promise<Job> {
    return toJob(await this.owned(ctx, input));
  }

  /** Cancels a job that has not finished (its runner stops at its next step) or forgets one that has. */
  async cancel(ctx: DomainContext, input: unknown): Promise<{ cancelled: true; id: string }> {
    const record = await this.owned(ctx, input);
    if (!(await this.jobs.delete(record.id))) throw missing(record.id);
    return { cancelled: true, id: record.id };
  }

  async result(ctx: DomainContext, input: unknown): Promise<JobResult> {
    const record = await this.owned(ctx, input);
    if (record.status !== 'succeeded' || record.result === null) throw new DomainError('NOT_FOUND', msg('job.noResult', { id: record.id, status: record.status }));
    return { job: toJob(record), items: JSON.parse(record.result) as Record<string, unknown>[] };
  }

  // --- for the runner --------------------------------------------------------

  async claim(): Promise<Job | undefined> {
    const r = await this.jobs.claimNext(this.clock.now().toISOString());
    return r && toJob(r);
  }

  /** After a restart: what was running starts again from the beginning (exports are reads, so that is safe). */
  async recover(): Promise<number> {
    const now = this.clock.now();
    await this.jobs.purgeFinished(new Date(now.getTime() - this.limits.retentionSeconds * 1000).toISOString());
    return this.jobs.requeueRunning(now.toISOString());
  }

  /**
   * Whom the work runs as: the owner as storage knows them now, so a
   * demoted owner's job runs with their new rights and a deleted owner's
   * job fails (their jobs also go with them, by foreign key).
   */
  async owner(jobId: string): Promise<Principal> {
    const r = await this.jobs.findById(jobId);
    if (!r) throw missing(jobId);
    if (r.ownerUserId === null) return { subject: ADMIN_SUBJECT, role: 'admin', userId: null };
    const user = await this.users.findById(r.ownerUserId);
    if (!user) throw new DomainError('UNAUTHENTICATED', msg('job.ownerGone'));
    return { subject: r.ownerSubject, role: user.role, userId: user.id };
  }

  progress(jobId: string, done: number, total: number): Promise<boolean> {
    return this.jobs.progress(jobId, done, total, this.clock.now().toISOString());
  }

  succeed(jobId: string, items: unknown[]): Promise<boolean> {
    return this.jobs.finish(jobId, { status: 'succeeded', result: JSON.stringify(items) }, this.clock.now().toISOString());
  }

  fail(jobId: string, error: DomainError): Promise<boolean> {
    const text = Object.fromEntries(LANGUAGES.map((lang) => [lang, error.in(lang)])) as JobFailure['text'];
    const failure: JobFailure = { kind: error.kind, text };
    return this.jobs.finish(jobId, { status: 'failed', error: JSON.stringify(failure) }, this.clock.now().toISOString());
  }

  private async owned(ctx: DomainContext, input: unknown): Promise<JobRecord> {
    const caller = requireCaller(ctx.caller);
    const { id } = validate(jobIdIn, input);
    const record = await this.jobs.findById(id);
    if (!record || record.ownerSubject !== caller.subject) throw missing(id);
    return record;
  }
}
