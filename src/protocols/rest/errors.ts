import { DomainError, type ErrorKind, type FieldError } from '../../domain/errors.js';
import { publicMessage } from '../../runtime/public-error.js';
import { KIND_STATUS, problemType } from './spec.js';

export { KIND_STATUS, problemType };

/** Reason phrases (RFC 9110 §15) for the statuses HTTP-level problems use. */
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
};

/** A failure of HTTP itself (405, 406, 413, 415), not of the domain. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Bearer tokens that were presented and refused get `error="invalid_token"` (RFC 6750 §3.1). */
const rejectedTokens = new WeakSet<DomainError>();
export function markTokenRejected(err: DomainError): DomainError {
  rejectedTokens.add(err);
  return err;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: ErrorKind;
  errors?: FieldError[];
  requestId?: string;
}

export interface RenderedProblem {
  status: number;
  headers: Record<string, string>;
  body: Problem;
}

const REALM = 'Bearer realm="polyface"';

/** What the client sees of a failure: never a stack, never an internal message. */
export function renderProblem(err: unknown, instance: string, requestId: string): RenderedProblem {
  if (err instanceof HttpProblem) {
    return {
      status: err.status,
      headers: err.headers,
      body: { type: 'about:blank', title: REASONS[err.status] ?? 'Error', status: err.status, detail: err.message, instance, requestId },
    };
  }
  const e = err as DomainError;
  const { status, title } = KIND_STATUS[e.kind];
  const headers: Record<string, string> = {};
  if (e.kind === 'UNAUTHENTICATED') {
    headers['WWW-Authenticate'] = rejectedTokens.has(e) ? `${REALM}, error="invalid_token", error_description="${e.message.replace(/["\\]/g, '')}"` : REALM;
  }
  if (e.kind === 'RATE_LIMITED') headers['Retry-After'] = String(Math.max(1, Math.ceil(e.retryAfter ?? 1)));
  const body: Problem = {
    type: problemType(e.kind),
    title,
    status,
    detail: publicMessage(e),
    instance,
    code: e.kind,
  };
  if (e.fields.length) body.errors = e.fields;
  body.requestId = requestId;
  return { status, headers, body };
}

export const invalid = (field: string, message: string): DomainError =>
  new DomainError('VALIDATION', `${field}: ${message}`, { fields: [{ field, message }] });
