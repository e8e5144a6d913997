import type { IncomingHttpHeaders } from 'node:http';
import type { CallContext } from '../../runtime/context.js';
import type { HttpReply } from '../shared/http.js';

/** An HTTP request as the REST core reads it; every binding (node:http, express) makes one. */
export interface RestRequest {
  readonly method: string;
  /** Path and query as received, e.g. "/api/v1/users?limit=1". */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The whole body, at most `limit` bytes (BodyTooLargeError past it); only routes that take one read it, after authentication. */
  body(limit: number): Promise<Buffer>;
}

/**
 * A resource beside the route table (scalar sub-resources, counts, jobs,
 * the source material's profile): its own handler on the same router, the
 * same context and error handling. A handler that owns its error format
 * (the profile's `{message}`) catches its own failures.
 */
export interface RestHandler {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute path in find-my-way syntax, e.g. "/api/v1/users/:id/:field". */
  readonly path: string;
  handle(params: Record<string, string>, req: RestRequest, ctx: CallContext): Promise<HttpReply>;
}
