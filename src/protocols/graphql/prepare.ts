import type { ExecutionArgs, GraphQLError, GraphQLSchema } from 'graphql';
import type { CallContext } from '../../runtime/context.js';
import type { Runtime } from '../../runtime/invoker.js';
import { publicMessage } from '../../runtime/public-error.js';
import { msg, render } from '../../domain/i18n/index.js';
import { GraphqlContext } from './context.js';
import type { DocumentCache } from './documents.js';
import { GRAPHQL_CODES, REQUEST_CODES, requestError } from './errors.js';
import { costOfRequest, limitMessage, localiseLimitErrors } from './limits.js';

export interface GraphqlParams {
  readonly query: string;
  readonly operationName?: string | null | undefined;
  readonly variables?: Record<string, unknown> | null | undefined;
}

/**
 * Everything between a GraphQL request and its execution, the same for
 * every transport (graphql-http, graphql-ws, graphql-sse): the query-length
 * limit, the document cache (parse + validate with the depth, complexity and
 * introspection rules) and authentication through the runtime — so a
 * subscription is checked exactly like a query. Its refusals are written in
 * the call's language (the upgrade's or the request's Accept-Language).
 */
export class GraphqlPreparer {
  constructor(
    private readonly runtime: Runtime,
    private readonly schema: GraphQLSchema,
    private readonly documents: DocumentCache,
    private readonly maxQueryLength: number,
    /** The cost limit for documents whose page sizes come in variables (limits.ts costOfRequest). */
    private readonly maxCost = Number.POSITIVE_INFINITY,
  ) {}

  async prepare(params: GraphqlParams, call: CallContext): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const language = call.language;
    if (typeof params.query !== 'string') return [requestError(render(msg('graphql.missingQuery'), language), REQUEST_CODES.badRequest)];
    if (params.query.length > this.maxQueryLength) {
      return [
        requestError(limitMessage('maxQueryLength', this.maxQueryLength, params.query.length, language), REQUEST_CODES.validationFailed, {
          limit: 'maxQueryLength',
          max: this.maxQueryLength,
          actual: params.query.length,
        }),
      ];
    }
    const compiled = this.documents.get(params.query);
    if (!compiled.ok) return localiseLimitErrors(compiled.errors, language);
    const tooCostly = costOfRequest(this.schema, compiled.document, params.operationName, params.variables, this.maxCost);
    if (tooCostly) return localiseLimitErrors([tooCostly], language);
    if (params.operationName) call.notes.operation(params.operationName);
    // A bad token fails the whole request; no token lets public fields (login, introspection) run.
    try {
      await this.runtime.authenticate(call);
    } catch (err) {
      const e = this.runtime.normalise(err, call);
      return [requestError(publicMessage(e, language), GRAPHQL_CODES[e.kind])];
    }
    return {
      schema: this.schema,
      document: compiled.document,
      operationName: params.operationName,
      variableValues: params.variables,
      contextValue: new GraphqlContext(call, this.runtime),
    };
  }
}
