import { createJSONRPCErrorResponse, isJSONRPCID, type JSONRPCID, type JSONRPCRequest, type JSONRPCResponse } from 'json-rpc-2.0';
import { msg, render, type Language, type Message } from '../../domain/i18n/index.js';
import { PROTOCOL_CODES } from './spec.js';

/**
 * The Request-object rules of JSON-RPC 2.0 §4, checked before json-rpc-2.0
 * sees a request. The library's own check (isJSONRPCRequest) is looser than
 * the specification: it accepts a non-string `method`, a scalar `params` and
 * an object or boolean `id` (echoing it back), and it throws a TypeError on a
 * `null` request or batch member instead of answering -32600.
 */
export function isValidRequest(value: unknown): value is JSONRPCRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  if (r.jsonrpc !== '2.0' || typeof r.method !== 'string') return false;
  // §4.2: params, when present, MUST be a structured value (array or object).
  if (r.params !== undefined && (typeof r.params !== 'object' || r.params === null)) return false;
  // §4: id, when present, MUST be a String, Number or Null.
  return r.id === undefined || isJSONRPCID(r.id);
}

/** The id to answer an invalid request with: its own when well-formed, else null (§5). */
function idOf(value: unknown): JSONRPCID {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const id = (value as { id?: unknown }).id;
  return isJSONRPCID(id) ? id : null;
}

export const parseError = (lang: Language = 'en'): JSONRPCResponse =>
  createJSONRPCErrorResponse(null, PROTOCOL_CODES.PARSE_ERROR, render(msg('rpc.parseError'), lang));

export const invalidRequest = (value: unknown, lang: Language = 'en'): JSONRPCResponse =>
  createJSONRPCErrorResponse(idOf(value), PROTOCOL_CODES.INVALID_REQUEST, render(msg('rpc.invalidRequest'), lang));

/** §5.1 -32601, answered here rather than by json-rpc-2.0 so the message can be localised. */
export const methodNotFound = (id: JSONRPCID, lang: Language = 'en'): JSONRPCResponse =>
  createJSONRPCErrorResponse(id, PROTOCOL_CODES.METHOD_NOT_FOUND, render(msg('rpc.methodNotFound'), lang));

/** Transport-level refusals (wrong HTTP method, media type, size): no request could be read, so id is null. */
export const transportError = (message: Message, lang: Language = 'en', data?: Record<string, unknown>): JSONRPCResponse =>
  createJSONRPCErrorResponse(null, PROTOCOL_CODES.INVALID_REQUEST, render(message, lang), data);
