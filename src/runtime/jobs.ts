import { setTimeout as sleep } from 'node:timers/promises';
import { EXPORT_OPERATIONS } from '../contract/jobs.js';
import { DomainError } from '../domain/errors.js';
import { msg } from '../domain/i18n/index.js';
import type { Job } from '../domain/jobs/schemas.js';
import type { JobService } from '../domain/jobs/service.js';
import type { Page } from '../domain/shapes.js';
import { createContext, type CallContext } from './context.js';
import type { Runtime } from './invoker.js';
import type { Logger } from './log.js';

/** Pages refused for the owner's rate limit that a job waits out before it gives up. */
const MAX_RATE_RETRIES = 30;

export interface JobRunnerOptions {
  /** Jobs run at once; the rest wait queued. */
  concurrency: number;
  /** Items read per list call (1–100, the operations' page limit). */
  pageSize: number;
  /** Pause between pages, so a long export leaves storage to interactive requests. */
  pageDelayMs: number;
  /** The most items one export may hold; a larger one fails at once, asking for a filter. */
  maxItems: number;
  log: Logger;
  /** Aborts at shutdown: running jobs stop where they are and are taken up again at the next start. */
  shutdown: AbortSignal;
}

/**
 * Runs stored jobs in the background, a bounded number at a time. The work
 * is ordinary operation calls through the runtime, made as the job's owner
 * (as storage knows them when the job starts), so access rules, filters and
 * validation are exactly the interactive ones. Progress is written after
 * every page; a job deleted meanwhile (cancelled) stops at its next step
 * and writes nothing more.
 */
export class JobRunner {
  private readonly active = new Set<Promise<void>>();
  private started = false;

  constructor(
    private readonly jobs: JobService,
    private readonly runtime: Runtime,
    private readonly options: JobRunnerOptions,
  ) {}

  /** Takes up what a previous process left running or queued. */
  async start(): Promise<void> {
    const requeued = await this.jobs.recover();
    if (requeued) this.options.log.info({ requeued }, 'jobs left running by a previous process queued again');
    this.started = true;
    this.kick();
  }

  /** Fills free slots with queued jobs; called when one is submitted and when one ends. */
  kick(): void {
    if (!this.started || this.options.shutdown.aborted) return;
    // Each free slot claims jobs until the queue is empty, then ends.
    while (this.active.size < this.options.concurrency) {
      const slot: Promise<void> = this.next().finally(() => {
        this.active.delete(slot);
      });
      this.active.add(slot);
    }
  }

  /** Waits for running jobs to stop (they end on the shutdown signal). */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.active]);
  }

  private async next(): Promise<void> {
    for (;;) {
      if (this.options.shutdown.aborted) return;
      let job: Job | undefined;
      try {
        job = await this.jobs.claim();
      } catch (err) {
        if (!this.options.shutdown.aborted) this.options.log.error({ err }, 'could not claim a job');
        return;
      }
      if (!job) return;
      await this.run(job);
    }
  }

  /**
   * One page, as the owner. The owner's rate limits apply to work done on
   * their behalf too: a page refused for the rate waits out Retry-After and
   * is asked again (a bounded number of times), so a long export goes at
   * the pace its owner is allowed rather than failing.
   */
  private async page(operation: string, ctx: CallContext, input: Record<string, unknown>): Promise<Page<unknown>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.runtime.call(operation, ctx, input)) as Page<unknown>;
      } catch (err) {
        if (!(err instanceof DomainError) || err.kind !== 'RATE_LIMITED' || attempt >= MAX_RATE_RETRIES) throw err;
        await sleep(Math.max(1, err.retryAfter ?? 1) * 1000, undefined, { signal: this.options.shutdown });
      }
    }
  }

  private async run(job: Job): Promise<void> {
    const { log, shutdown } = this.options;
    const ctx = { log, requestId: `job:${job.id}`, signal: shutdown };
    try {
      const principal = await this.jobs.owner(job.id);
      const call = createContext({ ...ctx, style: 'internal', credentials: { scheme: 'principal', principal } });
      const operation = EXPORT_OPERATIONS[job.input.resource];
      const pageSize = Math.min(100, Math.max(1, this.options.pageSize));
      const items: unknown[] = [];
      // The first page counts (offset paging does by default); the rest follow nextCursor where the
      // collection pages by keyset, so a long export costs the same per page at its end as at its start.
      let total: number | undefined;
      let cursor: string | undefined;
      for (let offset = 0; ; ) {
        if (this.options.pageDelayMs > 0 && offset > 0) await sleep(this.options.pageDelayMs, undefined, { signal: shutdown });
        if (shutdown.aborted) return;
        const page = await this.page(operation, call, { ...job.input.query, limit: pageSize, ...(cursor ? { cursor } : { offset }) });
        total = page.total ?? total;
        if (total !== undefined && total > this.options.maxItems) {
          const sizes = { total: String(total), max: String(this.options.maxItems) };
          throw new DomainError('VALIDATION', msg('job.tooLarge', sizes), { fields: [{ field: 'query', message: msg('job.tooLargeField', sizes) }] });
        }
        items.push(...page.items);
        offset += page.items.length;
        cursor = page.nextCursor;
        if (!(await this.jobs.progress(job.id, items.length, total ?? items.length))) return; // cancelled
        const more = cursor !== undefined || (total !== undefined && offset < total && page.total !== undefined);
        if (page.items.length === 0 || !more || items.length >= this.options.maxItems) break;
      }
      await this.jobs.succeed(job.id, items);
    } catch (err) {
      // Stopped by shutdown: left running, so the next start queues it again.
      if (shutdown.aborted) return;
      const failure = this.runtime.normalise(err, ctx, `job:${job.input.resource}`);
      await this.jobs.fail(job.id, failure).catch((e: unknown) => log.error({ err: e }, 'could not record a failed job'));
    }
  }
}
