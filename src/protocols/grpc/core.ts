import { DomainError } from '../../domain/errors.js';
import { msg, render, type Language, type Text } from '../../domain/i18n/index.js';
import { createContext, type AccessNotes, type CallContext } from '../../runtime/context.js';
import { fromAuthorization } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import type { Logger } from '../../runtime/log.js';
import { publicError } from '../../runtime/public-error.js';
import { buildMessageModel, fromDomain, toDomain, type GrpcModel } from './messages.js';
import { encodeRichStatus } from './status.js';
import { ERROR_DOMAIN, FULL_PACKAGE, GrpcStatus, protoFieldPath, SERVICE_OF, STATUS_OF, TRAILERS } from './spec.js';

/** What the binding knows of one call besides its message: the framework-free view of a grpc-js call. */
export interface GrpcCallInfo {
  /** "/package.Service/Method". */
  readonly path: string;
  readonly requestId: string;
  readonly log: Logger;
  /** The `authorization` metadata value, unverified. */
  readonly authorization: string | undefined;
  /** The `accept-language` metadata value: the language of error messages. */
  readonly acceptLanguage?: string | undefined;
  /** Aborts when the client cancels (or its deadline passes, which grpc-js reports as a cancellation). */
  readonly signal: AbortSignal;
  /** Milliseconds left until the client's deadline; undefined without one. */
  readonly timeoutMs: number | undefined;
  readonly peer: string | undefined;
  readonly notes: AccessNotes;
}

/** A call's failure as gRPC says it: status code, message, and trailers (error kind, rich status). */
export class GrpcFailure extends Error {
  constructor(
    readonly code: GrpcStatus,
    readonly details: string,
    readonly trailers: Readonly<Record<string, string | Buffer>> = {},
  ) {
    super(details);
  }
}

export type Message = Record<string, unknown>;

/** A server stream: messages to write, then trailers once they are done (read after the last message). */
export interface StreamReply {
  readonly messages: AsyncIterable<Message>;
  trailers(): Readonly<Record<string, string>>;
}

export type GrpcMethod =
  | { readonly path: string; readonly kind: 'unary'; handle(request: Message, call: GrpcCallInfo): Promise<Message> }
  | { readonly path: string; readonly kind: 'server-stream'; handle(request: Message, call: GrpcCallInfo): Promise<StreamReply> };

/**
 * The transport-free gRPC core: decoded request objects in, response
 * objects (or a GrpcFailure) out, every call through the runtime. Serves
 * the full package generically from the message model (messages.ts); the
 * source material's `user.UserService`, whose string ids and semantics
 * differ from the contract's, is mapped by hand on top of it (seed.ts).
 */
export class GrpcCore {
  readonly model: GrpcModel;
  readonly methods: readonly GrpcMethod[];

  constructor(readonly runtime: Runtime) {
    this.model = buildMessageModel(runtime.operations);
    const full: GrpcMethod[] = this.model.rpcs.map((rpc) => {
      const service = SERVICE_OF[rpc.operation.name as keyof typeof SERVICE_OF];
      if (!service) throw new Error(`No gRPC service serves ${rpc.operation.name} (spec.ts SERVICE_OF)`);
      const path = `/${FULL_PACKAGE}.${service}/${rpc.method}`;
      const name = rpc.operation.name;
      const shape = rpc.operation.typed ? rpc.operation.typed.from : (value: unknown) => value;
      if (rpc.serverStreaming) {
        return {
          path,
          kind: 'server-stream',
          handle: async (request, call) => {
            const ctx = this.context(call);
            const source = await this.guard(ctx, () => runtime.stream(name, ctx, toDomain(rpc.request, request)));
            const messages = (async function* () {
              for await (const value of source) yield fromDomain(rpc.response, shape(value) as Message);
            })();
            return { messages, trailers: () => ({}) };
          },
        };
      }
      return {
        path,
        kind: 'unary',
        handle: async (request, call) => {
          const ctx = this.context(call);
          const value = await this.guard(ctx, () => runtime.call(name, ctx, toDomain(rpc.request, request)));
          return fromDomain(rpc.response, shape(value) as Message);
        },
      };
    });
    this.methods = full;
  }

  /** One CallContext per gRPC call: credentials from metadata, the client's cancellation and deadline. */
  context(call: GrpcCallInfo): CallContext {
    return createContext({
      style: 'grpc',
      log: call.log,
      requestId: call.requestId,
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      credentials: fromAuthorization(call.authorization),
      notes: call.notes,
      peer: call.peer,
      language: negotiateLanguage(call.acceptLanguage),
    });
  }

  /**
   * Runs work for a call unless the call is already over: a call cancelled
   * or past its deadline before its turn never reaches the domain. Any
   * failure becomes a GrpcFailure.
   */
  async guard<T>(ctx: CallContext, work: () => Promise<T>): Promise<T> {
    try {
      if (ctx.signal.aborted) throw aborted(ctx.signal);
      return await work();
    } catch (err) {
      throw this.failure(err, ctx);
    }
  }

  /**
   * Anything thrown → a GrpcFailure with the error-kind trailer and a
   * google.rpc.Status (rich error model). The status message and the field
   * violations' descriptions are in the call's language, named by a
   * `content-language` trailer; codes and ErrorInfo.reason never change.
   */
  failure(err: unknown, ctx: Pick<CallContext, 'log' | 'requestId'> & { readonly language?: Language }): GrpcFailure {
    if (err instanceof GrpcFailure) return err;
    const e = this.runtime.normalise(err, ctx);
    const code = STATUS_OF[e.kind];
    const language = ctx.language ?? 'en';
    const { message, fields } = publicError(e, language);
    const details = encodeRichStatus({
      code,
      message,
      errorInfo: { reason: e.kind, domain: ERROR_DOMAIN, metadata: {} },
      fieldViolations: fields.map((f) => ({ field: protoFieldPath(f.field), description: f.message })),
      ...(e.retryAfter !== undefined ? { retryAfterSeconds: e.retryAfter } : {}),
    });
    return new GrpcFailure(code, message, { [TRAILERS.errorKind]: e.kind, [TRAILERS.statusDetails]: details, [TRAILERS.contentLanguage]: language });
  }
}

/** A call that ended before the work began: the client has its status already, this one is for the logs. */
function aborted(signal: AbortSignal): GrpcFailure {
  const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
  return timedOut ? new GrpcFailure(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded') : new GrpcFailure(GrpcStatus.CANCELLED, 'Cancelled');
}

/** A VALIDATION error naming one field, for checks the gRPC layer itself makes (the seed's string ids, page tokens). */
export function invalidField(field: string, message: Text): DomainError {
  return new DomainError('VALIDATION', msg('validation.invalid', { details: (lang) => `${field}: ${render(message, lang)}` }), { fields: [{ field, message }] });
}
