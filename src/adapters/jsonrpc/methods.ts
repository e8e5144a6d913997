import {
  createJSONRPCErrorResponse,
  createJSONRPCSuccessResponse,
  JSONRPCServer,
  type JSONRPCID,
  type JSONRPCRequest,
  type JSONRPCResponse,
} from 'json-rpc-2.0';
import { operationSchemas, type JsonSchema } from '../../contract/json-schema.js';
import { OPERATIONS, type Operation } from '../../contract/operations.js';
import { DomainError } from '../../domain/errors.js';
import type { Caller } from '../../domain/principal.js';
import type { Logger } from '../../infra/logger.js';
import type { Invoker } from '../shared/invoker.js';
import { toErrorObject } from './errors.js';

/** What a transport hands every method call: who is calling, and (for sessions) where to keep a new token. */
export interface RpcContext {
  /** Resolved at most once per HTTP request or WebSocket message; rejects with UNAUTHENTICATED for a bad token. */
  caller(): Promise<Caller>;
  /** Transports with a session (WebSocket) keep the token a successful `login` returned for later messages. */
  adopt?(token: string): void;
}

export const DISCOVER = 'rpc.discover';

/**
 * Positional params map onto the input schema's properties in declaration
 * order — the same order rpc.discover lists them — so `getUser [1]` is
 * `getUser {"id":1}`. Extra positions are invalid params; a skipped optional
 * param cannot be expressed by position (null is a value), use named params.
 */
export function paramNames(op: Operation): string[] {
  const props = (operationSchemas(op).input.properties ?? {}) as Record<string, JsonSchema>;
  return Object.keys(props);
}

function toInput(op: Operation, names: readonly string[], params: unknown): unknown {
  if (params === undefined) return {};
  if (!Array.isArray(params)) return params;
  if (params.length > names.length) {
    const message = `${op.name} takes at most ${names.length} positional params (${names.join(', ')})`;
    throw new DomainError('VALIDATION', message, { fields: [{ field: 'params', message }] });
  }
  const input: Record<string, unknown> = {};
  for (let i = 0; i < params.length; i++) input[names[i]!] = params[i];
  return input;
}

const reply = (id: JSONRPCID | undefined, make: (id: JSONRPCID) => JSONRPCResponse): JSONRPCResponse | null =>
  id === undefined ? null : make(id);

/**
 * A json-rpc-2.0 server with one method per operation plus rpc.discover.
 * Methods build their own responses (addMethodAdvanced) rather than throwing,
 * so expected domain errors never reach the library's error listener, and a
 * notification's outcome — success or failure — is never answered (§4.1).
 */
export function buildServer(invoker: Invoker, log: Logger, discover: () => unknown): JSONRPCServer<RpcContext> {
  const server = new JSONRPCServer<RpcContext>({
    errorListener: (message, err) => log.error({ err }, message),
  });
  // Only reached if a method itself throws: never send the library's default (the raw error message, code 0).
  server.mapErrorToJSONRPCErrorResponse = (id, err) => {
    const e = invoker.normalise(err);
    const { code, message, data } = toErrorObject(e);
    return createJSONRPCErrorResponse(id, code, message, data);
  };

  for (const op of OPERATIONS as readonly Operation[]) {
    const names = paramNames(op);
    const isPublic = op.access === 'public';
    server.addMethodAdvanced(op.name, async (request: JSONRPCRequest, ctx: RpcContext) => {
      try {
        const input = toInput(op, names, request.params);
        // Public methods ignore credentials, so a client holding an expired token can still log in again.
        const caller = isPublic ? null : await ctx.caller();
        const value = await invoker.invoke(op.name, caller, input);
        if (op.name === 'login' && ctx.adopt) ctx.adopt((value as { access_token: string }).access_token);
        return reply(request.id, (id) => createJSONRPCSuccessResponse(id, value));
      } catch (err) {
        const e = err instanceof DomainError ? err : invoker.normalise(err, op.name);
        const { code, message, data } = toErrorObject(e);
        return reply(request.id, (id) => createJSONRPCErrorResponse(id, code, message, data));
      }
    });
  }

  server.addMethodAdvanced(DISCOVER, async (request) => reply(request.id, (id) => createJSONRPCSuccessResponse(id, discover())));
  return server;
}
