import type { JSONRPCError } from 'json-rpc-2.0';
import type { DomainError } from '../../domain/errors.js';
import { publicMessage } from '../../runtime/public-error.js';
import { ERROR_CODES, ERROR_MESSAGES, type ErrorData } from './spec.js';

/** A DomainError as a JSON-RPC error object; INTERNAL never carries its real message. */
export function toErrorObject(e: DomainError): JSONRPCError {
  const data: ErrorData = { kind: e.kind };
  if (e.fields.length) data.fields = e.fields;
  if (e.retryAfter !== undefined) data.retryAfter = e.retryAfter;
  return { code: ERROR_CODES[e.kind], message: publicMessage(e, ERROR_MESSAGES.INTERNAL), data };
}
