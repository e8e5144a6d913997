import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { createHandler, type Handler, type OperationArgs, type Response } from 'graphql-sse';
import { DomainError } from '../../domain/errors.js';
import { createContext } from '../../runtime/context.js';
import { fromAuthorization, fromToken } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import type { Logger } from '../../runtime/log.js';
import type { RequestInfo } from '../shared/http.js';
import { readGraphqlBody } from './body.js';
import { formatError, GRAPHQL_CODES } from './errors.js';
import type { GraphqlPreparer } from './prepare.js';

export interface GraphqlSseOptions {
  bodyLimitBytes: number;
  /** A client that leaves unsent bytes queued this long is cut off. */
  slowPeerMs: number;
  log: Logger;
}

/**
 * GraphQL over Server-Sent Events (graphql-sse), in its "distinct
 * connections" mode only: each `Accept: text/event-stream` request on
 * /graphql (POST with a JSON body, or GET with `?query=` for EventSource)
 * is one operation streamed as `next` events and a final `complete`. For
 * clients that cannot open WebSockets. graphql-sse's own node binding reads
 * bodies without a limit and writes without a slow-reader limit, so this
 * small one replaces it: the body is capped like every POST, each frame
 * waits for the socket, and a reader stuck for `slowPeerMs` is cut off.
 */
export class GraphqlSse {
  private readonly handler: Handler<IncomingMessage, RequestInfo>;

  constructor(
    private readonly runtime: Runtime,
    preparer: GraphqlPreparer,
    private readonly options: GraphqlSseOptions,
  ) {
    const internal = (cause: unknown) => runtime.normalise(cause, { log: options.log, requestId: '' }, 'graphql');
    this.handler = createHandler<IncomingMessage, RequestInfo>({
      // No reservation tokens: only the distinct connections mode.
      authenticate: () => null,
      onSubscribe: async (req, params): Promise<OperationArgs | Response> => {
        const token = new URL(req.raw.url ?? '/', 'http://localhost').searchParams.get('access_token');
        const auth = req.raw.headers.authorization;
        const language = negotiateLanguage(req.raw.headers['accept-language']);
        const credentials = auth || token === null ? fromAuthorization(auth) : fromToken(token);
        const call = createContext({ style: 'graphql', ...req.context, credentials, language });
        const prepared = await preparer.prepare(params, call);
        if (!Array.isArray(prepared)) return prepared as OperationArgs;
        const errors = prepared as readonly GraphQLError[];
        const status = errors.some((e) => e.extensions.code === GRAPHQL_CODES.UNAUTHENTICATED) ? 401 : 400;
        const headers = { 'content-type': 'application/json; charset=utf-8', 'content-language': language };
        return [JSON.stringify({ errors: errors.map((e) => formatError(e, internal, language)) }), { status, statusText: '', headers }];
      },
      onNext: (_ctx, req, result) => {
        const r = result as ExecutionResult;
        return r.errors ? { ...r, errors: r.errors.map((e) => formatError(e, internal, negotiateLanguage(req.raw.headers['accept-language']))) } : undefined;
      },
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    const body = await readGraphqlBody(req, res, this.options.bodyLimitBytes);
    if (body === undefined) return;
    const [stream, init] = await this.handler({
      method: req.method ?? 'GET',
      url: req.url ?? '/graphql',
      headers: { get: (key) => [req.headers[key] ?? []].flat().join('\n') || null },
      body,
      raw: req,
      context: info,
    });
    res.writeHead(init.status, init.statusText, { ...init.headers, ...(typeof stream === 'string' || !stream ? {} : { 'X-Accel-Buffering': 'no' }) });
    if (!stream || typeof stream === 'string') {
      res.end(stream ?? undefined);
      return;
    }
    const gone = () => void stream.return(undefined);
    res.once('close', gone);
    try {
      for await (const chunk of stream) {
        if (!res.write(chunk) && !(await drained(res, this.options.slowPeerMs))) break;
      }
    } catch (err) {
      // The operation's stream failed (the subscriber fell behind, its token expired): a last `next` with the error, then `complete`.
      const cause = err instanceof GraphQLError ? err : new GraphQLError(err instanceof Error ? err.message : String(err), { originalError: err instanceof Error ? err : undefined });
      const language = negotiateLanguage(req.headers['accept-language']);
      const formatted = formatError(cause, (c) => this.runtime.normalise(c, { log: this.options.log, requestId: info.requestId }, 'graphql'), language);
      if (!(cause.originalError instanceof DomainError)) this.options.log.debug({ err }, 'graphql-sse stream ended by an error');
      res.write(`event: next\ndata: ${JSON.stringify({ errors: [formatted] })}\n\nevent: complete\ndata: \n\n`);
    } finally {
      res.off('close', gone);
    }
    res.end();
  }
}

function drained(res: ServerResponse, slowPeerMs: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), slowPeerMs);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
