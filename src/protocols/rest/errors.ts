import { DomainError, type ErrorKind, type FieldError } from '../../domain/errors.js';
import { isMessageKey, msg, render, type Language, type Text } from '../../domain/i18n/index.js';
import { publicError } from '../../runtime/public-error.js';
import { KIND_STATUS, problemType } from './spec.js';

export { KIND_STATUS, problemType };

/** A failure of HTTP itself (405, 406, 413, 415), not of the domain. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly text: Text,
    readonly headers: Record<string, string> = {},
  ) {
    super(render(text));
  }
}

/**
 * A request that cannot be read at all — malformed JSON or XML, a JSON Patch
 * document that is not one (RFC 5789 §2.2), an unparsable query expression —
 * as opposed to one that reads fine but is invalid. Still of kind VALIDATION,
 * so every style and client sees one kind, but answered 400 instead of 422.
 */
export class MalformedRequest extends DomainError {
  constructor(field: string, message: Text) {
    super('VALIDATION', msg('validation.invalid', { details: (lang) => `${field}: ${render(message, lang)}` }), { fields: [{ field, message }] });
  }
}

export const unreadable = (field: string, message: Text): MalformedRequest => new MalformedRequest(field, message);

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

/** Reason phrases (RFC 9110 §15) for the statuses HTTP-level problems use, in the reader's language. */
function reason(status: number, lang: Language): string {
  const key = `http.${status}`;
  return render(msg(isMessageKey(key) ? key : 'http.error'), lang);
}

/**
 * What the client sees of a failure, in its language (`title` and `detail`;
 * RFC 9457 §3.1.4 lets a title vary only for localization): never a
 * stack, never an internal message.
 */
export function renderProblem(err: unknown, instance: string, requestId: string, lang: Language = 'en'): RenderedProblem {
  if (err instanceof HttpProblem) {
    return {
      status: err.status,
      headers: err.headers,
      body: { type: 'about:blank', title: reason(err.status, lang), status: err.status, detail: render(err.text, lang), instance, requestId },
    };
  }
  const e = err as DomainError;
  const { status } = e instanceof MalformedRequest ? { status: 400 } : KIND_STATUS[e.kind];
  const headers: Record<string, string> = {};
  if (e.kind === 'UNAUTHENTICATED') {
    // The header is ASCII (RFC 9110 §5.5), so its description stays English whatever the body's language.
    headers['WWW-Authenticate'] = rejectedTokens.has(e) ? `${REALM}, error="invalid_token", error_description="${e.message.replace(/["\\]/g, '')}"` : REALM;
  }
  if (e.kind === 'RATE_LIMITED') headers['Retry-After'] = String(Math.max(1, Math.ceil(e.retryAfter ?? 1)));
  const { message, fields } = publicError(e, lang);
  const body: Problem = {
    type: problemType(e.kind),
    title: e instanceof MalformedRequest ? reason(400, lang) : render(msg(`kind.${e.kind}`), lang),
    status,
    detail: message,
    instance,
    code: e.kind,
  };
  if (fields.length) body.errors = fields;
  body.requestId = requestId;
  return { status, headers, body };
}

export const invalid = (field: string, message: Text): DomainError =>
  new DomainError('VALIDATION', msg('validation.invalid', { details: (lang) => `${field}: ${render(message, lang)}` }), { fields: [{ field, message }] });
