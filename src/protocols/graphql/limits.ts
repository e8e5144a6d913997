import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getOperationAST,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type VariableDefinitionNode,
} from 'graphql';
import { msg, render, type Language, type MessageKey } from '../../domain/i18n/index.js';
import { REQUEST_CODES } from './errors.js';

export interface QueryLimits {
  /** Deepest field nesting; root fields are depth 1. */
  maxDepth: number;
  /** Most field selections, counting aliases, introspection fields and every use of a fragment. */
  maxComplexity: number;
  /** Most field values an operation may produce: the selections above with each list counted at its page size. */
  maxCost: number;
  /** Most `__type` lookups in one operation. */
  maxTypeLookups: number;
  introspection: boolean;
}

/**
 * At most one `__schema` per operation: it already answers everything, so a
 * second one can only be amplification (issue 10, finding 2).
 */
export const MAX_SCHEMA_LOOKUPS = 1;

/**
 * The paging arguments a list's size comes from, with the domain's own
 * default and maximum (domain/shapes.ts `limit`, orders/stats.ts `top`,
 * feed/schemas.ts `max`). A field taking one of them either is the list
 * (`User.orders(limit)`) or returns the page whose list field (`items`,
 * `events`, `products`) holds that many entries.
 */
const PAGE_ARGS: Record<string, { default: number; max: number }> = {
  limit: { default: 10, max: 100 },
  top: { default: 10, max: 100 },
  max: { default: 100, max: 500 },
};

interface Measure {
  depth: number;
  /** Field selections, fragments expanded. */
  fields: number;
  /** Field values the selection can produce (each list counted at its largest size). */
  cost: number;
  schemas: number;
  types: number;
}

const NOTHING: Measure = { depth: 0, fields: 0, cost: 0, schemas: 0, types: 0 };

/**
 * Largest size of each introspection list in this schema ("__Type.fields" →
 * the most fields any type has). The schema never changes while serving,
 * so an introspection list's cost is known exactly; counting it as one
 * would let aliased `fields`/`types` selections return megabytes for a
 * kilobyte of query text.
 */
function introspectionSizes(schema: GraphQLSchema): Map<string, number> {
  const types = Object.values(schema.getTypeMap());
  const most = (f: (t: GraphQLNamedType) => number) => Math.max(1, ...types.map(f));
  const directives = schema.getDirectives();
  const fieldArgs = most((t) => (isObjectType(t) || isInterfaceType(t) ? Math.max(0, ...Object.values(t.getFields()).map((f) => f.args.length)) : 0));
  const args = Math.max(fieldArgs, ...directives.map((d) => d.args.length));
  return new Map([
    ['__Schema.types', types.length],
    ['__Schema.directives', Math.max(1, directives.length)],
    ['__Type.fields', most((t) => (isObjectType(t) || isInterfaceType(t) ? Object.keys(t.getFields()).length : 0))],
    ['__Type.inputFields', most((t) => (isInputObjectType(t) ? Object.keys(t.getFields()).length : 0))],
    ['__Type.enumValues', most((t) => (isEnumType(t) ? t.getValues().length : 0))],
    ['__Type.interfaces', most((t) => (isObjectType(t) || isInterfaceType(t) ? t.getInterfaces().length : 0))],
    ['__Type.possibleTypes', most((t) => (isAbstractType(t) ? schema.getPossibleTypes(t).length : 0))],
    ['__Field.args', args],
    ['__Directive.args', args],
  ]);
}

/**
 * The variables of one operation: their definitions, and their values when
 * the request is known (at validation, cached per text, they are not).
 */
interface Variables {
  readonly definitions: ReadonlyMap<string, VariableDefinitionNode>;
  readonly values?: Readonly<Record<string, unknown>> | null | undefined;
  /** Set when a page size came from a variable whose value was not known (counted at its maximum). */
  unknown?: boolean;
}

/** The page size an argument asks for: its literal, the variable's value or default, or (unknown yet) the maximum. */
function pageSize(args: readonly ArgumentNode[] | undefined, variables: Variables, field: GraphQLField<unknown, unknown>): number | undefined {
  for (const def of field.args) {
    const bounds = PAGE_ARGS[def.name];
    if (!bounds) continue;
    const node = args?.find((a) => a.name.value === def.name)?.value;
    let n: unknown;
    if (node?.kind === Kind.VARIABLE) {
      const name = node.name.value;
      const fallback = variables.definitions.get(name)?.defaultValue;
      if (!variables.values) {
        // Validation (cached per text): any request may send up to the maximum, defaults notwithstanding.
        variables.unknown = true;
        n = bounds.max;
      } else if (Object.hasOwn(variables.values, name)) n = variables.values[name];
      else if (fallback) n = fallback.kind === Kind.INT ? Number(fallback.value) : fallback.kind === Kind.NULL ? null : bounds.max;
    } else if (node) n = node.kind === Kind.INT ? Number(node.value) : node.kind === Kind.NULL ? null : bounds.max;
    if (n === undefined || n === null) return bounds.default;
    // Out-of-range values are the domain's to refuse (with its own message); for cost they count as the nearest bound.
    return typeof n === 'number' && Number.isFinite(n) ? Math.min(bounds.max, Math.max(1, Math.trunc(n))) : bounds.max;
  }
  return undefined;
}

function fieldDef(parent: GraphQLNamedType | undefined, name: string, schema: GraphQLSchema): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/**
 * Measures one operation. Fragment results are memoised (per fragment and
 * page size), so a "fragment bomb" (each fragment spreading the next one
 * twice) costs linear time to measure while its exponential cost is still
 * what gets reported. Introspection fields count toward the cost like any
 * other (graphql-armor's cost limit ignores them by default, which is what
 * issue 10 found exploitable) but not toward the depth: the standard
 * introspection query nests `ofType` deeper than any data query, and its
 * cost already bounds what nesting can return.
 */
class Measurer {
  private readonly memo = new Map<string, Measure>();
  private readonly visiting = new Set<string>();

  constructor(
    private readonly ctx: Pick<ValidationContext, 'getSchema' | 'getFragment'>,
    private readonly sizes: ReadonlyMap<string, number>,
    private readonly variables: Variables,
  ) {}

  /** `page`: the page size the enclosing field asked for, which its list fields hold. */
  measure(set: SelectionSetNode, parent: GraphQLNamedType | undefined, page: number | undefined): Measure {
    const schema = this.ctx.getSchema();
    let depth = 0;
    let fields = 0;
    let cost = 0;
    let schemas = 0;
    let types = 0;
    for (const sel of set.selections) {
      let m: Measure;
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        const def = fieldDef(parent, name, schema);
        const meta = name.startsWith('__');
        const own = def ? pageSize(sel.arguments, this.variables, def) : undefined;
        const list = def !== undefined && isListType(getNullableType(def.type));
        // A paged list (User.orders) holds `own` items; a page object (UserPage) passes its size on to its list field.
        const inner = sel.selectionSet ? this.measure(sel.selectionSet, def ? getNamedType(def.type) : undefined, list ? undefined : own) : NOTHING;
        const times = list ? (own ?? page ?? this.sizes.get(`${parent?.name}.${name}`) ?? 1) : 1;
        m = {
          depth: meta ? 0 : inner.depth + 1,
          fields: 1 + inner.fields,
          cost: 1 + times * inner.cost,
          schemas: inner.schemas + (name === '__schema' && def === SchemaMetaFieldDef ? 1 : 0),
          types: inner.types + (name === '__type' && def === TypeMetaFieldDef ? 1 : 0),
        };
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        m = this.measure(sel.selectionSet, on, page);
      } else {
        const name = sel.name.value;
        const key = `${name}:${page ?? ''}`;
        const known = this.memo.get(key);
        const fragment = this.ctx.getFragment(name);
        // Unknown and cyclic fragments are reported by graphql's own rules.
        if (known) m = known;
        else if (!fragment || this.visiting.has(name)) m = NOTHING;
        else {
          this.visiting.add(name);
          m = this.measure(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), page);
          this.visiting.delete(name);
          this.memo.set(key, m);
        }
      }
      depth = Math.max(depth, m.depth);
      fields += m.fields;
      cost += m.cost;
      schemas += m.schemas;
      types += m.types;
    }
    return { depth, fields, cost, schemas, types };
  }
}

/** The message of each limit, by the name `extensions.limit` carries. */
const LIMIT_MESSAGES: Record<string, MessageKey> = {
  maxDepth: 'graphql.tooDeep',
  maxComplexity: 'graphql.tooComplex',
  maxCost: 'graphql.tooCostly',
  maxQueryLength: 'graphql.queryTooLong',
  maxSchemaLookups: 'graphql.tooManySchemaLookups',
  maxTypeLookups: 'graphql.tooManyTypeLookups',
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

const introspectionSizesOf = new WeakMap<GraphQLSchema, Map<string, number>>();

const definitionsOf = (op: OperationDefinitionNode) => new Map((op.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]));

function measureOperation(ctx: Pick<ValidationContext, 'getSchema' | 'getFragment'>, op: OperationDefinitionNode, variables: Variables): Measure {
  const schema = ctx.getSchema();
  let sizes = introspectionSizesOf.get(schema);
  if (!sizes) introspectionSizesOf.set(schema, (sizes = introspectionSizes(schema)));
  const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return new Measurer(ctx, sizes, variables).measure(op.selectionSet, root ?? undefined, undefined);
}

/** Valid documents whose cost depends on the page sizes their variables carry. */
const VARIABLE_COST = new WeakSet<DocumentNode>();

/**
 * For a document whose cost depends on its variables: the cost error of
 * this request (its variables' values known), or undefined when it is
 * within `maxCost`. Costs one walk of the document; documents without such
 * variables cost a WeakSet lookup.
 */
export function costOfRequest(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, values: Readonly<Record<string, unknown>> | null | undefined, maxCost: number): GraphQLError | undefined {
  if (!VARIABLE_COST.has(document)) return undefined;
  const op = getOperationAST(document, operationName);
  if (!op) return undefined;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const { cost } = measureOperation({ getSchema: () => schema, getFragment: (name) => fragments.get(name) }, op, { definitions: definitionsOf(op), values: values ?? {} });
  return cost > maxCost ? limitError(op, 'maxCost', maxCost, cost) : undefined;
}

/**
 * Rules a standard introspection query skips (see introspection.ts): its
 * text is fixed and its answer cached, while the cost bound above, which
 * multiplies each introspection list by its largest size, overstates it
 * a hundredfold.
 */
export const SKIPPED_FOR_STANDARD_INTROSPECTION = new WeakSet<ValidationRule>();

/** Rejects over-deep, over-wide and introspection-amplifying operations before anything executes. */
export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  const rule: ValidationRule = (ctx) => ({
    OperationDefinition(op) {
      const variables: Variables = { definitions: definitionsOf(op) };
      const { depth, fields, cost, schemas, types } = measureOperation(ctx, op, variables);
      if (depth > limits.maxDepth) ctx.reportError(limitError(op, 'maxDepth', limits.maxDepth, depth));
      if (fields > limits.maxComplexity) ctx.reportError(limitError(op, 'maxComplexity', limits.maxComplexity, fields));
      // A page size in a variable is known per request: over the cost at its maximum, the request's values decide (costOfRequest).
      if (cost > limits.maxCost) {
        if (variables.unknown) VARIABLE_COST.add(ctx.getDocument());
        else ctx.reportError(limitError(op, 'maxCost', limits.maxCost, cost));
      }
      if (schemas > MAX_SCHEMA_LOOKUPS) ctx.reportError(limitError(op, 'maxSchemaLookups', MAX_SCHEMA_LOOKUPS, schemas));
      if (types > limits.maxTypeLookups) ctx.reportError(limitError(op, 'maxTypeLookups', limits.maxTypeLookups, types));
      return false;
    },
  });
  SKIPPED_FOR_STANDARD_INTROSPECTION.add(rule);
  return rule;
}

/** The rules added to graphql's specified ones. */
export function limitRules(limits: QueryLimits): ValidationRule[] {
  const rules = [queryLimitsRule(limits)];
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}
