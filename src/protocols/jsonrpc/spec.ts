import { operationSchemas, type JsonSchema } from '../../contract/json-schema.js';
import type { Operation } from '../../contract/operation.js';
import type { ErrorKind, FieldError } from '../../domain/errors.js';

/** Where JSON-RPC is served: POST for HTTP, the same path for WebSocket. */
export const RPC_PATH = '/rpc';

/** The rpc.discover document over plain GET, for browsers and tools that do not speak JSON-RPC. */
export const OPENRPC_PATH = '/rpc/openrpc.json';

/** The OpenRPC service-discovery method (OpenRPC spec §"Service Discovery Method"). */
export const DISCOVER = 'rpc.discover';

/**
 * Subscriptions (WebSocket only): `subscribe` starts one and answers
 * `{ subscription }`; each event arrives as an `event` notification
 * `{ subscription, event }`; `unsubscribe` stops one; a subscription the
 * server ends (token expired or revoked) gets one `subscriptionEnded`
 * notification `{ subscription, error }`. A subscriber that falls behind is
 * disconnected with close code 1013.
 */
export const SUBSCRIBE = 'subscribe';
export const UNSUBSCRIBE = 'unsubscribe';
export const EVENT_NOTIFICATION = 'event';
export const ENDED_NOTIFICATION = 'subscriptionEnded';
/** The contract's subscription behind `subscribe`. */
export const SUBSCRIPTION_OPERATION = 'watchEvents';

/** The codes JSON-RPC 2.0 itself defines (§5.1). */
export const PROTOCOL_CODES = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

/**
 * Domain error kinds → JSON-RPC `error.code`. Application codes sit in the
 * -32000…-32099 "server error" range, echoing the HTTP status they resemble
 * (-32004 ~ 404) so they are easy to remember; VALIDATION and INTERNAL reuse
 * the specification's own "Invalid params" and "Internal error". Typed as a
 * Record so a new kind does not compile until it is mapped here.
 */
export const ERROR_CODES: Record<ErrorKind, number> = {
  NOT_FOUND: -32004,
  CONFLICT: -32009,
  VALIDATION: PROTOCOL_CODES.INVALID_PARAMS,
  UNAUTHENTICATED: -32001,
  FORBIDDEN: -32003,
  PRECONDITION_FAILED: -32012,
  RATE_LIMITED: -32029,
  INTERNAL: PROTOCOL_CODES.INTERNAL_ERROR,
};

/** One-line descriptions for the OpenRPC document's error lists. */
export const ERROR_MESSAGES: Record<ErrorKind, string> = {
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  VALIDATION: 'Invalid params',
  UNAUTHENTICATED: 'Unauthenticated',
  FORBIDDEN: 'Forbidden',
  PRECONDITION_FAILED: 'Precondition failed',
  RATE_LIMITED: 'Rate limited',
  INTERNAL: 'Internal error',
};

/** What `error.data` holds for every domain error, so clients branch on `kind`, not on codes. */
export interface ErrorData {
  kind: ErrorKind;
  fields?: FieldError[];
  retryAfter?: number;
}

const KIND_BY_CODE = new Map<number, ErrorKind>(
  (Object.entries(ERROR_CODES) as [ErrorKind, number][]).map(([kind, code]) => [code, kind]),
);

/** For clients: the canonical kind from `error.data.kind`, else from the code. */
export function kindOf(error: { code: number; data?: unknown }): ErrorKind | undefined {
  const data = error.data as Partial<ErrorData> | undefined;
  if (data && typeof data.kind === 'string' && data.kind in ERROR_CODES) return data.kind;
  return KIND_BY_CODE.get(error.code);
}

/**
 * Positional params map onto the input schema's properties in declaration
 * order — the same order rpc.discover lists them — so `getUser [1]` is
 * `getUser {"id":1}`.
 */
export function paramNames(op: Operation): string[] {
  const props = (operationSchemas(op).input.properties ?? {}) as Record<string, JsonSchema>;
  return Object.keys(props);
}
