import { createJSONRPCErrorResponse, createJSONRPCSuccessResponse, type JSONRPCID, type JSONRPCRequest, type JSONRPCResponse } from 'json-rpc-2.0';
import type { Operation } from '../../contract/operation.js';
import { DomainError } from '../../domain/errors.js';
import { msg, render } from '../../domain/i18n/index.js';
import type { CallContext } from '../../runtime/context.js';
import type { Runtime } from '../../runtime/invoker.js';
import { invalidRequest, isValidRequest, methodNotFound, parseError, transportError } from './envelope.js';
import { toErrorObject } from './errors.js';
import { DISCOVER, paramNames, PROTOCOL_CODES, RPC_PATH, SUBSCRIBE, SUBSCRIPTION_OPERATION, UNSUBSCRIBE } from './spec.js';

/** What to send back: one response, a batch of them, or nothing at all (only notifications). */
export type RpcReply = JSONRPCResponse | JSONRPCResponse[] | null;

/** What a transport hands every method call: the call context and, for sessions, where to keep a new token. */
export interface RpcSession {
  /** Shared by every call of one HTTP request or WebSocket message, so credentials are checked once. */
  readonly ctx: CallContext;
  /** Transports with a session (WebSocket) keep the token a successful `login` returned for later messages. */
  adopt?(token: string): void;
  /** Transports that can push (WebSocket) run subscriptions; over HTTP there is nowhere to send events. */
  readonly subscriptions?: RpcSubscriptions;
}

/** A connection's subscriptions: the transport sends each event as a notification. */
export interface RpcSubscriptions {
  /** Sets the stream up (authentication, validation, limits: errors reject) and answers its id. */
  start(operation: string, ctx: CallContext, input: unknown): Promise<string>;
  /** False when there is no such subscription on this connection. */
  stop(id: string): boolean;
}

/**
 * Params by name, or by position in paramNames order. Extra positions are
 * invalid params; a skipped optional param cannot be expressed by position
 * (null is a value), use named params.
 */
function toInput(op: Operation, names: readonly string[], params: unknown): unknown {
  if (params === undefined) return {};
  if (!Array.isArray(params)) return params;
  if (params.length > names.length) {
    const message = msg('rpc.tooManyPositional', { method: op.name, count: names.length, names: names.join(', ') });
    throw new DomainError('VALIDATION', message, { fields: [{ field: 'params', message }] });
  }
  const input: Record<string, unknown> = {};
  for (let i = 0; i < params.length; i++) input[names[i]!] = params[i];
  return input;
}

const reply = (id: JSONRPCID | undefined, make: (id: JSONRPCID) => JSONRPCResponse): JSONRPCResponse | null =>
  id === undefined ? null : make(id);

const isResponse = (r: JSONRPCResponse | null): r is JSONRPCResponse => r !== null;

/** A method: the whole response it builds itself (never a throw for an expected failure), or null for a notification. */
type RpcMethod = (request: JSONRPCRequest, session: RpcSession) => Promise<JSONRPCResponse | null>;

/**
 * The transport-free JSON-RPC 2.0 core shared by HTTP and WebSocket: text
 * in, reply out. Envelopes are checked here (envelope.ts) and batches split
 * here, because json-rpc-2.0's server departs from the specification in
 * both: its request check is looser than §4, it returns a one-answer batch
 * unwrapped instead of as an array (§6), and it has no batch limit. With
 * those done here, all its server added was a method table and, per call,
 * a generator-based async wrapper (some µs of every call, issue 18): so the
 * table is a Map here, and json-rpc-2.0 builds the responses. Each method is
 * one operation, run through the runtime; methods build their own responses
 * rather than throwing, and a notification's outcome — success or failure —
 * is never answered (§4.1).
 */
export class RpcCore {
  private readonly methods = new Map<string, RpcMethod>();

  constructor(
    private readonly runtime: Runtime,
    private readonly maxBatch: number,
    discover: () => unknown,
  ) {
    const methods = this.methods;
    for (const op of runtime.operations) {
      if (op.kind === 'subscription') {
        if (op.name === SUBSCRIPTION_OPERATION) this.addSubscriptionMethods(op);
        continue;
      }
      // Positional parameter names come from the operation's JSON Schema, made on the method's first call rather
      // than for every operation at start (zod's JSON Schema conversion: ~12 ms of a cold start; issue 18).
      let names: string[] | undefined;
      methods.set(op.name, async (request: JSONRPCRequest, session: RpcSession) => {
        try {
          const value = await runtime.call(op.name, session.ctx, toInput(op, (names ??= paramNames(op)), request.params));
          if (op.name === 'login' && session.adopt) session.adopt((value as { access_token: string }).access_token);
          return reply(request.id, (id) => createJSONRPCSuccessResponse(id, value));
        } catch (err) {
          const { code, message, data } = toErrorObject(runtime.normalise(err, session.ctx, op.name), session.ctx.language);
          return reply(request.id, (id) => createJSONRPCErrorResponse(id, code, message, data));
        }
      });
    }
    methods.set(DISCOVER, async (request) => reply(request.id, (id) => createJSONRPCSuccessResponse(id, discover())));
  }

  /** `subscribe` (params as the subscription's input) and `unsubscribe` ({ subscription }). */
  private addSubscriptionMethods(op: Operation): void {
    let names: string[] | undefined;
    const runtime = this.runtime;
    const fail = (request: JSONRPCRequest, session: RpcSession, err: unknown) => {
      const { code, message, data } = toErrorObject(runtime.normalise(err, session.ctx, op.name), session.ctx.language);
      return reply(request.id, (id) => createJSONRPCErrorResponse(id, code, message, data));
    };
    const wsOnly = (request: JSONRPCRequest, session: RpcSession) =>
      reply(request.id, (id) =>
        createJSONRPCErrorResponse(id, PROTOCOL_CODES.METHOD_NOT_FOUND, render(msg('rpc.webSocketOnly', { method: request.method, path: RPC_PATH }), session.ctx.language)),
      );
    this.methods.set(SUBSCRIBE, async (request: JSONRPCRequest, session: RpcSession) => {
      if (!session.subscriptions) return wsOnly(request, session);
      try {
        const subscription = await session.subscriptions.start(op.name, session.ctx, toInput(op, (names ??= paramNames(op)), request.params));
        return reply(request.id, (id) => createJSONRPCSuccessResponse(id, { subscription }));
      } catch (err) {
        return fail(request, session, err);
      }
    });
    this.methods.set(UNSUBSCRIBE, async (request: JSONRPCRequest, session: RpcSession) => {
      if (!session.subscriptions) return wsOnly(request, session);
      try {
        const params = request.params as { subscription?: unknown } | unknown[] | undefined;
        const target = Array.isArray(params) ? params[0] : params?.subscription;
        if (typeof target !== 'string') {
          throw new DomainError('VALIDATION', msg('rpc.unsubscribeId'), { fields: [{ field: 'subscription', message: msg('field.subscriptionId') }] });
        }
        const stopped = session.subscriptions.stop(target);
        return reply(request.id, (id) => createJSONRPCSuccessResponse(id, stopped));
      } catch (err) {
        return fail(request, session, err);
      }
    });
  }

  async handleText(text: string, session: RpcSession): Promise<RpcReply> {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return parseError(session.ctx.language);
    }
    return this.handle(payload, session);
  }

  async handle(payload: unknown, session: RpcSession): Promise<RpcReply> {
    if (!Array.isArray(payload)) return this.single(payload, session);
    // §6: an empty batch is itself an invalid request, answered with one error, not an array.
    if (payload.length === 0) return invalidRequest(undefined, session.ctx.language);
    if (payload.length > this.maxBatch) {
      return transportError(msg('rpc.batchTooLarge', { max: this.maxBatch }), session.ctx.language, { maxBatch: this.maxBatch });
    }
    const responses = (await Promise.all(payload.map((p) => this.single(p, session)))).filter(isResponse);
    // §6: a batch of only notifications gets nothing back at all.
    return responses.length ? responses : null;
  }

  private single(payload: unknown, session: RpcSession): Promise<JSONRPCResponse | null> {
    if (!isValidRequest(payload)) return Promise.resolve(invalidRequest(payload, session.ctx.language));
    const method = this.methods.get(payload.method);
    if (!method) return Promise.resolve(payload.id === undefined ? null : methodNotFound(payload.id, session.ctx.language));
    // Only reached if a method itself throws: an internal error, logged once with its cause, never the raw message.
    return method(payload, session).catch((err: unknown) => {
      const { code, message, data } = toErrorObject(this.runtime.normalise(err instanceof DomainError ? err : new DomainError('INTERNAL', msg('internal.server'), { cause: err }), session.ctx), session.ctx.language);
      return reply(payload.id, (id) => createJSONRPCErrorResponse(id, code, message, data));
    });
  }
}
