import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { execute, getOperationAST, type ExecutionArgs, type ExecutionResult, type GraphQLError, type GraphQLSchema } from 'graphql';
import { createHandler, type Handler, type OperationContext } from 'graphql-http';
import { msg, render } from '../../domain/i18n/index.js';
import { createContext } from '../../runtime/context.js';
import { fromAuthorization } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import type { Logger } from '../../runtime/log.js';
import type { Face } from '../shared/face.js';
import { pathOf, sendJson, varyWith, writeReply, type HttpBinding, type RequestInfo } from '../shared/http.js';
import type { WsGuard } from '../shared/ws.js';
import type { GraphqlContext } from './context.js';
import { schemaSource } from './docs.js';
import { DocumentCache } from './documents.js';
import { readGraphqlBody } from './body.js';
import { formatError, REQUEST_CODES, requestError, withoutSuggestions } from './errors.js';
import { ASSET_PREFIX, EXPLORER_PAGE, ExplorerAssets, wantsExplorer, type ExplorerLogin } from './explorer.js';
import { GraphqlExecutor } from './execute.js';
import { IntrospectionAnswers } from './introspection.js';
import { limitRules, type QueryLimits } from './limits.js';
import { GraphqlPreparer } from './prepare.js';
import { buildGraphqlSchema } from './schema.js';
import { GraphqlSse } from './sse.js';
import { GRAPHQL_FACE, GRAPHQL_PATH, SDL_PATH } from './spec.js';
import { GraphqlWebSocket } from './ws.js';

export interface GraphqlOptions extends QueryLimits {
  maxQueryLength: number;
  documentCacheSize: number;
  bodyLimitBytes: number;
  /** For failures graphql-js reports outside any runtime call (an output that fails to serialise). */
  log: Logger;
  /** The explorer's prefilled Login; without one it shows Alice with a password placeholder. */
  explorerLogin?: ExplorerLogin | undefined;
  /** The shared WebSocket limits for graphql-transport-ws on this path. */
  ws: WsGuard;
  /** Operations at once on one WebSocket. */
  maxOperationsPerConnection: number;
  /** A Server-Sent Events reader stuck this long is cut off. */
  slowPeerMs: number;
}

/**
 * GraphQL over HTTP on /graphql, with graphql-http's framework-free handler
 * bound straight to node:http. Everything between the HTTP request and
 * execution happens in `onSubscribe`: the query-length limit, the document
 * cache (parse + validate, including depth/complexity/introspection rules)
 * and authentication, each answered as GraphQL errors whose status code
 * graphql-http derives from the accepted media type (200 for
 * application/json, 400 for application/graphql-response+json).
 */
export class GraphqlHttp implements HttpBinding {
  readonly name = 'graphql';
  readonly paths = [GRAPHQL_PATH, SDL_PATH];
  readonly prefixes = [ASSET_PREFIX];
  readonly face: Face = GRAPHQL_FACE;
  private readonly sdl = schemaSource();
  readonly schema: GraphQLSchema;
  readonly documents: DocumentCache;
  readonly introspection = new IntrospectionAnswers();
  private readonly executor: GraphqlExecutor;
  private readonly handler: Handler<IncomingMessage, RequestInfo>;
  private readonly assets: ExplorerAssets;
  private readonly preparer: GraphqlPreparer;
  private readonly sse: GraphqlSse;
  private readonly socket: GraphqlWebSocket;
  /** Requests whose answer carries errors, in the language their Accept-Language chose (for Content-Language). */
  private readonly erred = new WeakSet<IncomingMessage>();

  constructor(
    runtime: Runtime,
    private readonly options: GraphqlOptions,
  ) {
    this.assets = new ExplorerAssets(options.explorerLogin ?? { username: 'alice@example.com', password: undefined });
    this.schema = buildGraphqlSchema(runtime);
    this.documents = new DocumentCache(this.schema, limitRules(options), options.documentCacheSize, !options.introspection);
    this.executor = new GraphqlExecutor(this.schema, options.documentCacheSize > 0);
    this.preparer = new GraphqlPreparer(runtime, this.schema, this.documents, options.maxQueryLength, options.maxCost);
    this.sse = new GraphqlSse(runtime, this.preparer, options);
    this.socket = new GraphqlWebSocket(runtime, this.preparer, { guard: options.ws, maxOperationsPerConnection: options.maxOperationsPerConnection, log: options.log });
    this.handler = createHandler<IncomingMessage, RequestInfo, OperationContext>({
      schema: this.schema,
      execute: (args) => this.execute(args),
      onSubscribe: async (req, params) => {
        const language = negotiateLanguage(req.raw.headers['accept-language']);
        const call = createContext({ style: 'graphql', ...req.context, credentials: fromAuthorization(req.raw.headers.authorization), language });
        const prepared = await this.preparer.prepare(params, call);
        if (Array.isArray(prepared)) {
          this.erred.add(req.raw);
          return prepared as readonly GraphQLError[];
        }
        // One answer per request cannot carry a stream: say where subscriptions are served.
        if (getOperationAST((prepared as ExecutionArgs).document, params.operationName)?.operation === 'subscription') {
          this.erred.add(req.raw);
          return [requestError(render(msg('graphql.subscriptionsElsewhere'), language), REQUEST_CODES.badRequest)];
        }
        // graphql-http types contexts as plain records; resolvers receive the class instance.
        return prepared as ExecutionArgs & { contextValue: OperationContext };
      },
      // Errors of an executed operation are formatted here, where the request's language is known; formatError passes them on.
      onOperation: (req, args, result) => {
        if (!('errors' in result) || !result.errors?.length) return;
        this.erred.add(req.raw);
        const { call } = args.contextValue as unknown as GraphqlContext;
        // Variable coercion ("Value … does not exist in "Role" enum. Did you mean …?") happens here, after validation.
        const hide = (e: GraphQLError) => (options.introspection ? e : withoutSuggestions(e));
        // Errors first, as graphql-js orders them (GraphQL spec §7.1 suggests it); graphql-jit's results put data first.
        const { errors, ...rest } = result;
        return { errors: errors.map((e) => hide(formatError(e, (cause) => runtime.normalise(cause, call, 'graphql'), call.language))), ...rest };
      },
      formatError: (err) => formatError(err, (cause) => runtime.normalise(cause, { log: options.log, requestId: '' }, 'graphql')),
    });
  }

  /** The standard introspection query from memory after its first run; everything else compiled or by graphql-js. */
  private execute(args: ExecutionArgs) {
    const introspection = this.documents.introspectionOf(args.document);
    if (introspection === undefined) return this.executor.execute(args);
    const known = this.introspection.get(introspection);
    if (known) return known;
    // Introspection resolvers are synchronous: the result is a value, never a promise.
    const result = execute(args) as ExecutionResult;
    this.introspection.set(introspection, result);
    return result;
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    const url = req.url ?? GRAPHQL_PATH;
    const pathname = pathOf(url);
    if (pathname === SDL_PATH) return writeReply(res, this.sdlReply(req.method));
    if (pathname !== GRAPHQL_PATH) {
      const asset = this.assets.reply(pathname, req.method, req.headers['accept-encoding']);
      if (asset) writeReply(res, asset);
      else sendJson(res, 404, { errors: [{ message: `No explorer asset at ${pathname}` }] });
      return;
    }
    if (wantsExplorer(req.method, req.headers.accept)) return writeReply(res, EXPLORER_PAGE);
    // graphql-sse's distinct connections mode: exactly this Accept, as its clients and EventSource send it.
    if (req.headers.accept === 'text/event-stream') return this.sse.handle(req, res, info);

    const body = await readGraphqlBody(req, res, this.options.bodyLimitBytes);
    if (body === undefined) return;
    const [text, init] = await this.handler({ method: req.method ?? 'GET', url, headers: req.headers, body, raw: req, context: info });
    const headers: Record<string, string | number> = { ...init.headers, Vary: varyWith(res, 'Accept, Accept-Language') };
    if (this.erred.has(req)) headers['Content-Language'] = negotiateLanguage(req.headers['accept-language']);
    if (text !== null) headers['Content-Length'] = Buffer.byteLength(text);
    res.writeHead(init.status ?? 200, init.statusText, headers);
    res.end(text);
  }

  private sdlReply(method: string | undefined) {
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { Allow: 'GET, HEAD' } };
    const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(this.sdl), 'Cache-Control': 'no-cache' };
    return { status: 200, headers, body: method === 'HEAD' ? undefined : this.sdl };
  }

  /** graphql-transport-ws (graphql-ws) on the same path. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: Omit<RequestInfo, 'signal'>): boolean {
    this.socket.upgrade(req, socket, head, info);
    return true;
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}
