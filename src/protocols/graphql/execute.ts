import { execute, getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';

type Jit = typeof import('graphql-jit');

/**
 * Executes cached documents compiled to JavaScript by graphql-jit (issue 18:
 * graphql-js's `execute` re-walks the document and re-collects fields on
 * every request; a compiled query does that work once per document). Only
 * query operations without introspection go through it — mutations run
 * their fields one after another and are dominated by the domain, and
 * introspection has its own cache (introspection.ts) — and anything
 * graphql-jit cannot compile falls back to graphql-js. graphql-jit keeps
 * graphql-js's result and error shapes (its test suite is graphql-js's own),
 * and every error still passes through the same `formatError`.
 *
 * Compiled queries hang off the DocumentNode, which lives exactly as long
 * as its entry in the document cache (documents.ts), so this holds nothing
 * the cache has evicted. With the document cache off every request would
 * compile anew, so then graphql-js runs everything.
 *
 * graphql-jit is imported on the first query, not at start: with the
 * fast-json-stringify and ajv it brings, some 370 KB to parse and run, ~40 ms
 * of a cold start (issue 18). Queries that arrive before it is in run on
 * graphql-js, and compile once it is.
 */
export class GraphqlExecutor {
  private readonly plans = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  private jit: Jit | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly enabled: boolean,
  ) {}

  /** Resolves once graphql-jit is loaded (or failed to load: then graphql-js runs every query). */
  load(): Promise<void> {
    return (this.loading ??= import('graphql-jit').then(
      (jit) => void (this.jit = jit),
      () => undefined,
    ));
  }

  /** Whether a document's operation runs compiled (null: on graphql-js; undefined: not planned yet). */
  compiled(document: DocumentNode, operationName?: string | null): boolean | undefined {
    const plan = this.plans.get(document)?.get(operationName ?? '');
    return plan === undefined ? undefined : plan !== null;
  }

  execute(args: ExecutionArgs): ExecutionResult | Promise<ExecutionResult> {
    const plan = this.enabled ? this.plan(args.document, args.operationName) : null;
    if (!plan) return execute(args);
    return plan.query(args.rootValue, args.contextValue, args.variableValues) as ExecutionResult | Promise<ExecutionResult>;
  }

  private plan(document: DocumentNode, operationName: string | null | undefined): CompiledQuery | null {
    const jit = this.jit;
    if (!jit) {
      void this.load();
      return null;
    }
    let byName = this.plans.get(document);
    if (!byName) this.plans.set(document, (byName = new Map()));
    const key = operationName ?? '';
    const known = byName.get(key);
    if (known !== undefined) return known;
    let plan: CompiledQuery | null = null;
    const op = getOperationAST(document, operationName);
    const introspects = op?.selectionSet.selections.some((s) => s.kind !== 'Field' || s.name.value.startsWith('__'));
    if (op?.operation === 'query' && !introspects) {
      const compiled = jit.compileQuery(this.schema, document, operationName ?? undefined);
      if (jit.isCompiledQuery(compiled)) plan = compiled;
    }
    byName.set(key, plan);
    return plan;
  }
}
