import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { createHandler, type Handler, type OperationContext } from 'graphql-http';
import { inject, injectable } from 'inversify';
import { TYPES } from '../../app/tokens.js';
import type { Config } from '../../infra/config.js';
import type { Logger } from '../../infra/logger.js';
import { BodyTooLargeError, readBody, sendJson, type HttpFacade, type RequestContext } from '../shared/http.js';
import type { Invoker } from '../shared/invoker.js';
import { GraphqlContext } from './context.js';
import { DocumentCache } from './documents.js';
import { formatError, GRAPHQL_CODES, REQUEST_CODES, requestError } from './errors.js';
import { ASSET_PREFIX, ExplorerAssets, sendExplorer, wantsExplorer } from './explorer.js';
import { limitRules } from './limits.js';
import { buildGraphqlSchema } from './schema.js';

export const GRAPHQL_PATH = '/graphql';

/**
 * GraphQL over HTTP on /graphql, with graphql-http's framework-free handler
 * bound straight to node:http. Everything between the HTTP request and
 * execution happens in `onSubscribe`: the query-length limit, the document
 * cache (parse + validate, including depth/complexity/introspection rules)
 * and authentication, each answered as GraphQL errors whose status code
 * graphql-http derives from the accepted media type (200 for
 * application/json, 400 for application/graphql-response+json).
 */
@injectable()
export class GraphqlFacade implements HttpFacade {
  readonly name = 'graphql';
  readonly schema: GraphQLSchema;
  readonly documents: DocumentCache;
  private readonly handler: Handler<IncomingMessage, RequestContext>;
  private readonly assets = new ExplorerAssets();

  constructor(
    @inject(TYPES.Invoker) private readonly invoker: Invoker,
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) private readonly log: Logger,
  ) {
    const limits = config.graphql;
    this.schema = buildGraphqlSchema(invoker);
    this.documents = new DocumentCache(this.schema, limitRules(limits), limits.documentCacheSize);
    this.handler = createHandler<IncomingMessage, RequestContext, OperationContext>({
      schema: this.schema,
      onSubscribe: async (req, params) => {
        if (params.query.length > limits.maxQueryLength) {
          return [
            requestError(`Query is ${params.query.length} characters long, more than the maximum of ${limits.maxQueryLength}`, REQUEST_CODES.validationFailed, {
              limit: 'maxQueryLength',
              max: limits.maxQueryLength,
              actual: params.query.length,
            }),
          ];
        }
        const compiled = this.documents.get(params.query);
        if (!compiled.ok) return compiled.errors;
        let caller;
        try {
          caller = await invoker.callerFrom(req.raw.headers.authorization);
        } catch (err) {
          const e = invoker.normalise(err);
          return [requestError(e.kind === 'INTERNAL' ? 'Internal server error' : e.message, GRAPHQL_CODES[e.kind])];
        }
        return {
          schema: this.schema,
          document: compiled.document,
          operationName: params.operationName,
          variableValues: params.variables,
          // graphql-http types contexts as plain records; resolvers receive the class instance.
          contextValue: new GraphqlContext(caller, invoker) as unknown as OperationContext,
        };
      },
      formatError: (err) => formatError(err, (cause) => this.log.error({ err: cause }, 'graphql resolver crashed')),
    });
  }

  matches(pathname: string): boolean {
    return pathname === GRAPHQL_PATH || pathname.startsWith(ASSET_PREFIX);
  }

  async handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    const url = req.url ?? GRAPHQL_PATH;
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    if (pathname !== GRAPHQL_PATH) {
      if (!this.assets.serve(pathname, req, res)) sendJson(res, 404, { errors: [{ message: `No explorer asset at ${pathname}` }] });
      return;
    }
    if (wantsExplorer(req)) return sendExplorer(res);

    let body: string | null = null;
    if (req.method === 'POST') {
      try {
        body = (await readBody(req, this.config.bodyLimitBytes)).toString('utf8');
      } catch (err) {
        if (!(err instanceof BodyTooLargeError)) throw err;
        const error = requestError(err.message, REQUEST_CODES.payloadTooLarge, { max: err.limit });
        return sendJson(res, 413, { errors: [error] });
      }
    }
    const [text, init] = await this.handler({ method: req.method ?? 'GET', url, headers: req.headers, body, raw: req, context: ctx });
    const headers: Record<string, string | number> = { ...init.headers, Vary: 'Accept' };
    if (text !== null) headers['Content-Length'] = Buffer.byteLength(text);
    res.writeHead(init.status ?? 200, init.statusText, headers);
    res.end(text);
  }
}
