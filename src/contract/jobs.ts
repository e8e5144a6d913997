import type { DomainContext } from '../domain/context.js';
import type { Exportable, Job, JobResult } from '../domain/jobs/schemas.js';
import type { Access, DomainServices } from './operation.js';
import type { OperationName } from './operations.js';

/**
 * Asynchronous jobs, beside the operation list rather than in it (like the
 * batch loaders): they are how HTTP's 202 → status → 303 pattern reaches
 * the domain, not operations every style should offer. They still go
 * through the runtime's door and interceptors, and the work a job does is
 * made of ordinary operation calls (an export pages through the list
 * operation named here), so no rule is implemented twice.
 */
export interface JobProcedure<O> {
  readonly name: string;
  readonly kind: 'query' | 'mutation';
  readonly access: Access;
  run(services: DomainServices, ctx: DomainContext, input: unknown): Promise<O>;
}

export const JOB_PROCEDURES = {
  submitExport: {
    name: 'submitExport',
    kind: 'mutation',
    access: 'authenticated',
    run: (d, c, i) => d.jobs.submit(c, i),
  } satisfies JobProcedure<Job>,
  getJob: { name: 'getJob', kind: 'query', access: 'authenticated', run: (d, c, i) => d.jobs.get(c, i) } satisfies JobProcedure<Job>,
  cancelJob: {
    name: 'cancelJob',
    kind: 'mutation',
    access: 'authenticated',
    run: (d, c, i) => d.jobs.cancel(c, i),
  } satisfies JobProcedure<{ cancelled: true; id: string }>,
  getJobResult: { name: 'getJobResult', kind: 'query', access: 'authenticated', run: (d, c, i) => d.jobs.result(c, i) } satisfies JobProcedure<JobResult>,
} as const;

/** The list operation an export of each collection pages through. */
export const EXPORT_OPERATIONS: Record<Exportable, OperationName> = { users: 'listUsers', products: 'listProducts' };
