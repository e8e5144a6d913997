import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { msg, render, type Language, type MessageKey } from '../../domain/i18n/index.js';
import { REQUEST_CODES } from './errors.js';

export interface QueryLimits {
  /** Deepest field nesting; root fields are depth 1. */
  maxDepth: number;
  /** Most field selections, counting aliases and every use of a fragment. */
  maxComplexity: number;
  introspection: boolean;
}

interface Measure {
  depth: number;
  fields: number;
}

/**
 * Depth and field count of a selection set, with fragments expanded where
 * they are used. Fragment results are memoised, so a "fragment bomb"
 * (each fragment spreading the next one twice) costs linear time to
 * measure while its exponential field count is still what gets reported.
 * Introspection fields (`__schema`, `__type`, `__typename`) are free: the
 * standard introspection query is deeper than a sane data query, and it is
 * switched off wholesale by config instead.
 */
function measure(set: SelectionSetNode, ctx: ValidationContext, memo: Map<string, Measure>, visiting: Set<string>): Measure {
  let depth = 0;
  let fields = 0;
  for (const sel of set.selections) {
    let m: Measure;
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue;
      const inner = sel.selectionSet ? measure(sel.selectionSet, ctx, memo, visiting) : { depth: 0, fields: 0 };
      m = { depth: inner.depth + 1, fields: inner.fields + 1 };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      m = measure(sel.selectionSet, ctx, memo, visiting);
    } else {
      const name = sel.name.value;
      const known = memo.get(name);
      const fragment = ctx.getFragment(name);
      // Unknown and cyclic fragments are reported by graphql's own rules.
      if (known) m = known;
      else if (!fragment || visiting.has(name)) m = { depth: 0, fields: 0 };
      else {
        visiting.add(name);
        m = measure(fragment.selectionSet, ctx, memo, visiting);
        visiting.delete(name);
        memo.set(name, m);
      }
    }
    depth = Math.max(depth, m.depth);
    fields += m.fields;
  }
  return { depth, fields };
}

/** The message of each limit, by the name `extensions.limit` carries. */
const LIMIT_MESSAGES: Record<string, MessageKey> = {
  maxDepth: 'graphql.tooDeep',
  maxComplexity: 'graphql.tooComplex',
  maxQueryLength: 'graphql.queryTooLong',
};

export const limitMessage = (limit: string, max: number, actual: number, lang: Language = 'en'): string =>
  render(msg(LIMIT_MESSAGES[limit]!, { max, actual }), lang);

function limitError(op: OperationDefinitionNode, limit: string, max: number, actual: number): GraphQLError {
  return new GraphQLError(limitMessage(limit, max, actual), {
    nodes: [op],
    extensions: { code: REQUEST_CODES.validationFailed, limit, max, actual },
  });
}

/**
 * Validation results are cached by query text whatever the reader's
 * language, so a limit error is rewritten in the language of each request
 * from its extensions (graphql-js's own validation messages stay English).
 */
export function localiseLimitErrors(errors: readonly GraphQLError[], lang: Language): readonly GraphQLError[] {
  if (lang === 'en') return errors;
  return errors.map((e) => {
    const { limit, max, actual } = e.extensions as { limit?: string; max?: number; actual?: number };
    if (!limit || !LIMIT_MESSAGES[limit] || max === undefined || actual === undefined) return e;
    return new GraphQLError(limitMessage(limit, max, actual, lang), { nodes: e.nodes, source: e.source, positions: e.positions, extensions: e.extensions });
  });
}

/** Rejects over-deep and over-wide operations before anything executes. */
export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (ctx) => ({
    OperationDefinition(op) {
      const { depth, fields } = measure(op.selectionSet, ctx, new Map(), new Set());
      if (depth > limits.maxDepth) {
        ctx.reportError(limitError(op, 'maxDepth', limits.maxDepth, depth));
      }
      if (fields > limits.maxComplexity) {
        ctx.reportError(limitError(op, 'maxComplexity', limits.maxComplexity, fields));
      }
      return false;
    },
  });
}

/** The rules added to graphql's specified ones. */
export function limitRules(limits: QueryLimits): ValidationRule[] {
  const rules = [queryLimitsRule(limits)];
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}
