import { z } from 'zod';
import { listProductsIn } from '../catalog/schemas.js';
import type { ErrorKind, LocalisedError } from '../errors.js';
import type { Language } from '../i18n/index.js';
import { listUsersIn } from '../users/schemas.js';

/**
 * Asynchronous jobs (source 002, lines 545–551): work that takes longer
 * than a request should wait — here, exporting a whole collection — is
 * accepted at once, runs in the background, and is polled through a status
 * resource. Jobs are stored, so they survive a restart; only their owner
 * ever sees them.
 */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What can be exported, and the filters each accepts: its list operation's input without the paging. */
export const EXPORT_QUERIES = {
  users: listUsersIn.omit({ limit: true, offset: true }),
  products: listProductsIn.omit({ limit: true, offset: true }),
} as const;
export type Exportable = keyof typeof EXPORT_QUERIES;
export const EXPORTABLE = Object.keys(EXPORT_QUERIES) as [Exportable, ...Exportable[]];

export const exportIn = z.strictObject({
  resource: z.enum(EXPORTABLE),
  format: z.enum(['json', 'csv']).default('json'),
  query: z
    .record(z.string(), z.unknown())
    .default({})
    .meta({ description: "The collection's filters and order, as its list operation takes them, e.g. {\"role\": \"admin\", \"filter\": \"…\", \"sort\": \"name\"}" }),
});
export type ExportInput = z.output<typeof exportIn>;

export const jobIdIn = z.strictObject({ id: z.string().uuid() });

/** Why a job failed, kept in every language (the reader's is picked when the status is read). */
export interface JobFailure {
  kind: ErrorKind;
  text: Record<Language, LocalisedError>;
}

export interface Job {
  id: string;
  kind: 'export';
  input: ExportInput;
  status: JobStatus;
  /** Items done and, once known, the total. */
  progress: { done: number; total: number | null };
  error?: JobFailure;
  createdAt: string;
  updatedAt: string;
}

/** A finished export: the job and the items, in the shape the list operation returned them. */
export interface JobResult {
  job: Job;
  items: Record<string, unknown>[];
}
