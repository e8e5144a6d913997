import { stringify } from 'csv-stringify/sync';
import { JOB_PROCEDURES } from '../../contract/jobs.js';
import { DomainError } from '../../domain/errors.js';
import { msg, render } from '../../domain/i18n/index.js';
import type { Job, JobResult } from '../../domain/jobs/schemas.js';
import type { CallContext } from '../../runtime/context.js';
import type { Runtime } from '../../runtime/invoker.js';
import type { HttpReply } from '../shared/http.js';
import { validated } from './conditional.js';
import { renderProblem } from './errors.js';
import { readJsonObject } from './media.js';
import { SELECTABLE } from './representation.js';
import type { RestHandler, RestRequest } from './request.js';
import { API_BASE } from './spec.js';

/**
 * Asynchronous operations as the source material describes them (002,
 * lines 545–551), for exports of a whole collection:
 *
 *   POST /api/v1/exports {resource, format, query}  → 202 Accepted, Location: /api/v1/jobs/{id}
 *   GET  /api/v1/jobs/{id}   → 200 with progress while queued or running (Retry-After says when to ask again)
 *                            → 303 See Other, Location: /api/v1/jobs/{id}/result, when done
 *                            → problem details, with the failure's own status, when it failed
 *   GET  /api/v1/jobs/{id}/result → the export (JSON array or CSV)
 *   DELETE /api/v1/jobs/{id} → 204: cancelled (a running export stops at its next page) or forgotten
 *
 * Jobs are stored, so they outlive a restart, and only their owner sees
 * them; anyone else gets 404.
 */
const JOBS = `${API_BASE}/jobs`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How long a poller should wait before asking again, in seconds. */
const POLL_AFTER = '1';

const RESOURCE_OF = { users: 'user', products: 'product' } as const;

function view(job: Job): Record<string, unknown> {
  const self = `${JOBS}/${job.id}`;
  const { done, total } = job.progress;
  const percent = job.status === 'succeeded' ? 100 : total ? Math.floor((done * 100) / total) : 0;
  return {
    id: job.id,
    kind: job.kind,
    resource: job.input.resource,
    format: job.input.format,
    status: job.status,
    progress: { done, total, percent },
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    links: { self, ...(job.status === 'succeeded' ? { result: `${self}/result` } : { cancel: self }) },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string>): HttpReply => ({
  status,
  headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  body: JSON.stringify(body),
});

function jobId(params: Record<string, string>): { id: string } {
  // Anything that is not a job id names no job: 404, not a validation error about a path.
  if (!UUID.test(params.id ?? '')) throw new DomainError('NOT_FOUND', msg('job.notFound', { id: params.id ?? '' }));
  return { id: params.id!.toLowerCase() };
}

/** A failed job's status resource: the failure as problem details, with the status that failure has anywhere else. */
function failed(job: Job, req: RestRequest, ctx: CallContext): HttpReply {
  const kind = job.error?.kind ?? 'INTERNAL';
  const text = job.error?.text[ctx.language] ?? job.error?.text.en ?? { message: render(msg('internal.server'), ctx.language), fields: [] };
  const problem = renderProblem(new DomainError(kind, text.message, { fields: text.fields }), req.url, ctx.requestId, ctx.language);
  const body = { ...problem.body, jobId: job.id, jobStatus: job.status, links: { self: `${JOBS}/${job.id}` } };
  const headers = { ...problem.headers, 'Content-Type': 'application/problem+json; charset=utf-8', 'Content-Language': ctx.language, 'Cache-Control': 'no-store' };
  return { status: problem.status, headers, body: JSON.stringify(body) };
}

function download(result: JobResult): HttpReply {
  const { job, items } = result;
  const name = `${job.input.resource}-${job.id}`;
  if (job.input.format === 'csv') {
    const columns = [...SELECTABLE[RESOURCE_OF[job.input.resource]]];
    // escape_formulas: a cell starting with = + - @ is not run as a formula by a spreadsheet (CSV injection).
    const text = stringify(items, { header: true, columns, escape_formulas: true });
    return { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8; header=present', 'Content-Disposition': `attachment; filename="${name}.csv"` }, body: text };
  }
  return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}.json"` }, body: JSON.stringify(items) };
}

export function jobHandlers(runtime: Runtime, bodyLimitBytes: number): RestHandler[] {
  return [
    {
      method: 'POST',
      path: `${API_BASE}/exports`,
      async handle(_p, req, ctx) {
        // Refused before the body is read, like every write.
        if (!(await runtime.authenticate(ctx))) throw new DomainError('UNAUTHENTICATED', msg('rest.authRequired'));
        const input = await readJsonObject(req.headers, (n) => req.body(n), bodyLimitBytes);
        const job = await runtime.invoke(JOB_PROCEDURES.submitExport, ctx, input);
        return json(202, view(job), { Location: `${JOBS}/${job.id}`, 'Retry-After': POLL_AFTER });
      },
    },
    {
      method: 'GET',
      path: `${JOBS}/:id`,
      async handle(params, req, ctx) {
        const job = await runtime.invoke(JOB_PROCEDURES.getJob, ctx, jobId(params));
        if (job.status === 'succeeded') return json(303, view(job), { Location: `${JOBS}/${job.id}/result` });
        if (job.status === 'failed') return failed(job, req, ctx);
        return json(200, view(job), { 'Retry-After': POLL_AFTER });
      },
    },
    {
      method: 'DELETE',
      path: `${JOBS}/:id`,
      async handle(params, _req, ctx) {
        await runtime.invoke(JOB_PROCEDURES.cancelJob, ctx, jobId(params));
        return { status: 204, headers: {} };
      },
    },
    {
      method: 'GET',
      path: `${JOBS}/:id/result`,
      async handle(params, req, ctx) {
        const result = await runtime.invoke(JOB_PROCEDURES.getJobResult, ctx, jobId(params));
        // A result never changes: its validators let a client keep it.
        return validated(req.headers, download(result), undefined, Date.parse(result.job.updatedAt));
      },
    },
  ];
}
