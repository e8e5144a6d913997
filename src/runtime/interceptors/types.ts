import type { JobProcedure } from '../../contract/jobs.js';
import type { Loader } from '../../contract/loaders.js';
import type { Operation } from '../../contract/operation.js';
import type { CallContext } from '../context.js';

/** What the runtime can call: an operation of the contract, a batch loader behind nested fields, or a job procedure. */
export type Procedure = Operation | Loader<any, any> | JobProcedure<any>;

export interface Invocation {
  readonly procedure: Procedure;
  readonly ctx: CallContext;
  readonly input: unknown;
}

/**
 * Calls the next step with an invocation. For a unary procedure the promise
 * holds its value; for a subscription, an async iterable that is already
 * set up (authenticated, limits checked) and yields until it ends.
 */
export type Handler = (invocation: Invocation) => Promise<unknown>;

/**
 * Wraps every call, whatever the style (connect-es's `(next) => next`
 * interceptors, moleculer's middlewares): it may look at or change the
 * invocation, refuse it by throwing, and see the outcome. A facade adds
 * none of its own; the composition root decides the chain.
 */
export type Interceptor = (next: Handler) => Handler;

export const isStreaming = (p: Procedure): boolean => p.kind === 'subscription';
