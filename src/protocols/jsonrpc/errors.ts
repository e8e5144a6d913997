import type { JSONRPCError } from 'json-rpc-2.0';
import type { DomainError } from '../../domain/errors.js';
import type { Language } from '../../domain/i18n/index.js';
import { publicError } from '../../runtime/public-error.js';
import { ERROR_CODES, type ErrorData } from './spec.js';

/** A DomainError as a JSON-RPC error object, its message in the caller's language; INTERNAL never carries its real message. */
export function toErrorObject(e: DomainError, lang: Language = 'en'): JSONRPCError {
  const { message, fields } = publicError(e, lang, 'internal.rpc');
  const data: ErrorData = { kind: e.kind };
  if (fields.length) data.fields = fields;
  if (e.retryAfter !== undefined) data.retryAfter = e.retryAfter;
  return { code: ERROR_CODES[e.kind], message, data };
}
