import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { makeServer, type Server } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { DomainError } from '../../domain/errors.js';
import { msg, render, type Language } from '../../domain/i18n/index.js';
import { createContext } from '../../runtime/context.js';
import { fromAuthorization, fromToken, type Credentials } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import type { Logger } from '../../runtime/log.js';
import type { RequestInfo } from '../shared/http.js';
import { CLOSE_TRY_AGAIN_LATER, FELL_BEHIND_REASON, type WsGuard } from '../shared/ws.js';
import { formatError, GRAPHQL_CODES } from './errors.js';
import type { GraphqlPreparer } from './prepare.js';

export interface GraphqlWsOptions {
  guard: WsGuard;
  /** Operations (subscriptions, and queries in flight) per socket. */
  maxOperationsPerConnection: number;
  log: Logger;
}

/** What graphql-ws keeps per socket for our hooks. */
interface Extra {
  readonly ws: WebSocket;
  readonly info: Omit<RequestInfo, 'signal'>;
  readonly closed: AbortSignal;
  /** The upgrade request's Accept-Language: the language of every error on this socket. */
  readonly language: Language;
  credentials: Credentials;
  /** Subscribe messages whose handler still counts against the guard's in-flight cap. */
  readonly starting: Map<string, () => void>;
  /** Open subscriptions, each holding the socket open against the idle timeout. */
  readonly held: Map<string, () => void>;
}

/**
 * GraphQL over WebSocket, the graphql-transport-ws protocol (graphql-ws's
 * server core, `makeServer`), on the /graphql upgrade and behind the
 * shared WsGuard (size, rate, in-flight and slow-peer limits). Credentials:
 * the `connection_init` payload's `Authorization: Bearer …` (what
 * graphql-ws clients send), else the upgrade's Authorization header or
 * `access_token=`; a token that is sent but bad closes the socket with 4403.
 * Every operation goes through the same preparation as over HTTP (limits,
 * document cache, authentication), and subscriptions through the runtime's
 * stream, so the same guards apply per event.
 *
 * graphql-ws keeps a subscription's message handler pending for the whole
 * subscription; the guard would count it as in flight forever and stop
 * reading the socket after a few. A subscribe message therefore stops
 * counting once its operation turns out to be a stream.
 */
export class GraphqlWebSocket {
  private readonly server: Server<Extra>;

  constructor(
    private readonly runtime: Runtime,
    private readonly preparer: GraphqlPreparer,
    private readonly options: GraphqlWsOptions,
  ) {
    const internal = (cause: unknown) => runtime.normalise(cause, { log: options.log, requestId: '' }, 'graphql');
    const format = (errors: readonly GraphQLError[], lang: Language) => errors.map((e) => formatError(e, internal, lang).toJSON());
    this.server = makeServer<Record<string, unknown> | undefined, Extra>({
      onConnect: async (ctx) => {
        const auth = authorizationOf(ctx.connectionParams);
        if (auth !== undefined) ctx.extra.credentials = fromAuthorization(auth);
        if (ctx.extra.credentials.scheme === 'none') return true;
        try {
          await runtime.authenticate(this.context(ctx.extra));
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        if (Object.keys(ctx.subscriptions).length > options.maxOperationsPerConnection) {
          const message = render(msg('graphql.tooManyOperations', { max: options.maxOperationsPerConnection }), ctx.extra.language);
          return [new GraphQLError(message, { extensions: { code: GRAPHQL_CODES.RATE_LIMITED } })];
        }
        return this.preparer.prepare(payload, this.context(ctx.extra));
      },
      onOperation: (ctx, id, _payload, _args, result) => {
        if (!isAsyncIterable(result)) return;
        ctx.extra.starting.get(id)?.();
        ctx.extra.held.set(id, options.guard.hold(ctx.extra.ws));
      },
      onNext: (ctx, _id, _payload, _args, result: ExecutionResult) =>
        result.errors ? { ...result, errors: format(result.errors, ctx.extra.language) } : undefined,
      onError: (ctx, _id, _payload, errors) => {
        const cause = errors[0]?.originalError;
        // A subscriber that fell behind is cut off, as on every streaming transport; it resumes with `after`.
        if (cause instanceof DomainError && cause.kind === 'RATE_LIMITED') {
          setTimeout(() => ctx.extra.ws.close(CLOSE_TRY_AGAIN_LATER, FELL_BEHIND_REASON), 0);
        }
        return format(errors, ctx.extra.language);
      },
      onComplete: (ctx, id) => {
        ctx.extra.held.get(id)?.();
        ctx.extra.held.delete(id);
      },
    });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): void {
    this.options.guard.upgrade(req, socket, head, (ws) => this.connected(ws, req, info));
  }

  close(): Promise<void> {
    return this.options.guard.close();
  }

  private connected(ws: WebSocket, req: IncomingMessage, info: Omit<RequestInfo, 'signal'>): void {
    const closed = new AbortController();
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('access_token');
    const extra: Extra = {
      ws,
      info,
      closed: closed.signal,
      language: negotiateLanguage(req.headers['accept-language']),
      credentials: req.headers.authorization ? fromAuthorization(req.headers.authorization) : fromToken(token),
      starting: new Map(),
      held: new Map(),
    };
    const guard = this.options.guard;
    const onClosed = this.server.opened(
      {
        protocol: ws.protocol,
        send: (data: string) => guard.send(ws, data),
        close: (code?: number, reason?: string) => ws.close(code, reason),
        onMessage: (cb: (data: string) => Promise<void>) =>
          guard.serve(ws, (data) => {
            const text = data.toString('utf8');
            const handled = cb(text);
            const id = subscribeId(text);
            if (id === undefined) return handled;
            const started = new Promise<void>((resolve) => extra.starting.set(id, resolve));
            return Promise.race([handled, started]).finally(() => extra.starting.delete(id));
          }),
      },
      extra,
    );
    ws.once('close', (code, reason) => {
      closed.abort();
      for (const release of extra.held.values()) release();
      onClosed(code, reason.toString()).catch((err: unknown) => this.options.log.error({ err }, 'graphql-ws cleanup failed'));
    });
  }

  private context(extra: Extra) {
    return createContext({
      style: 'graphql',
      log: extra.info.log,
      peer: extra.info.peer,
      signal: extra.closed,
      credentials: extra.credentials,
      language: extra.language,
    });
  }
}

/** `{ "Authorization": "Bearer …" }` in connection_init (any case of the key). */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  for (const [key, value] of Object.entries(params)) if (key.toLowerCase() === 'authorization' && typeof value === 'string') return value;
  return undefined;
}

/** The id of a `subscribe` message, without trusting it further (graphql-ws validates it). */
function subscribeId(text: string): string | undefined {
  if (!text.includes('"subscribe"')) return undefined;
  try {
    const m = JSON.parse(text) as { type?: unknown; id?: unknown };
    return m.type === 'subscribe' && typeof m.id === 'string' ? m.id : undefined;
  } catch {
    return undefined;
  }
}

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> => typeof v === 'object' && v !== null && Symbol.asyncIterator in v;

