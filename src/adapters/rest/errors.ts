import { STATUS_CODES } from 'node:http';
import { DomainError, type ErrorKind, type FieldError } from '../../domain/errors.js';

/**
 * DomainError kinds → HTTP. VALIDATION is 400 everywhere (malformed JSON,
 * bad paging and field errors alike), so a client has one status to branch
 * on and reads `errors[]` for the details; DESIGN allows 400 or 422.
 */
export const KIND_STATUS: Record<ErrorKind, { status: number; title: string }> = {
  NOT_FOUND: { status: 404, title: 'Not Found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  VALIDATION: { status: 400, title: 'Invalid request' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthorized' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  PRECONDITION_FAILED: { status: 412, title: 'Precondition Failed' },
  RATE_LIMITED: { status: 429, title: 'Too Many Requests' },
  INTERNAL: { status: 500, title: 'Internal Server Error' },
};

/** RFC 9457 `type` for domain problems; protocol-level ones use about:blank. */
export const problemType = (kind: ErrorKind): string => `urn:polyface:problem:${kind.toLowerCase().replace(/_/g, '-')}`;

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
      body: { type: 'about:blank', title: STATUS_CODES[err.status] ?? 'Error', status: err.status, detail: err.message, instance, requestId },
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
    detail: e.kind === 'INTERNAL' ? 'Internal server error' : e.message,
    instance,
    code: e.kind,
  };
  if (e.fields.length) body.errors = e.fields;
  body.requestId = requestId;
  return { status, headers, body };
}

/** Errors express itself raises (a bad percent-encoding in the path…) carry a 4xx `status`. */
export function expressStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export const invalid = (field: string, message: string): DomainError =>
  new DomainError('VALIDATION', `${field}: ${message}`, { fields: [{ field, message }] });
