import {
  buildSchema,
  GraphQLError,
  GraphQLObjectType,
  GraphQLScalarType,
  isNonNullType,
  Kind,
  type GraphQLField,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { operationSchemas } from '../../contract/json-schema.js';
import { OPERATIONS, type Operation, type OperationName } from '../../contract/operations.js';
import type { OrderItem } from '../../domain/orders/schemas.js';
import { DomainError } from '../../domain/errors.js';
import type { User } from '../../domain/users/schemas.js';
import type { Runtime } from '../../runtime/invoker.js';
import { coerceText } from '../shared/coerce.js';
import type { GraphqlContext } from './context.js';
import { schemaSource } from './docs.js';
import { ROOT_FIELDS } from './spec.js';

const DECIMAL_HINT = 'Decimal must be a string like "50.00" or a number';

/**
 * Literals keep their source text ("25.50" stays "25.50", never a binary
 * float); the domain's money parser validates and converts to cents.
 */
function wireDecimal(scalar: GraphQLScalarType): void {
  scalar.serialize = (value) => {
    if (typeof value === 'string') return value;
    throw new TypeError(`Decimal output must be a string, got ${typeof value}`);
  };
  scalar.parseValue = (value) => {
    if (typeof value === 'string' || typeof value === 'number') return value;
    throw new GraphQLError(DECIMAL_HINT);
  };
  scalar.parseLiteral = (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value;
    throw new GraphQLError(DECIMAL_HINT, { nodes: [ast] });
  };
}

function fieldOf(schema: GraphQLSchema, type: string, field: string): GraphQLField<unknown, GraphqlContext> {
  const t = schema.getType(type);
  const f = t instanceof GraphQLObjectType ? t.getFields()[field] : undefined;
  if (!f) throw new Error(`schema.graphql lacks ${type}.${field}`);
  return f;
}

/** GraphQL treats an explicit null argument like an absent one; the domain's strict inputs want it absent. */
function withoutNulls(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** Whether the field being resolved selects `name` directly, through inline fragments or named ones. */
function selects(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((sel) => {
      if (sel.kind === Kind.FIELD) return sel.name.value === name;
      if (sel.kind === Kind.INLINE_FRAGMENT) return walk(sel.selectionSet);
      if (seen.has(sel.name.value)) return false;
      seen.add(sel.name.value);
      return walk(info.fragments[sel.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => walk(node.selectionSet));
}

/**
 * The executable schema: the SDL plus resolvers generated from the
 * operation list. Built once per process. A nullable Query field answers
 * null for NOT_FOUND (`user(id: 999)` → null); everything else surfaces the
 * domain error.
 */
export function buildGraphqlSchema(runtime: Runtime): GraphQLSchema {
  const schema = buildSchema(schemaSource());
  wireDecimal(schema.getType('Decimal') as GraphQLScalarType);

  for (const op of OPERATIONS as readonly Operation[]) {
    const { root, field } = ROOT_FIELDS[op.name as OperationName];
    const def = fieldOf(schema, root, field);
    // IDs arrive as strings; the operation's JSON Schema says which inputs are integers.
    const inputSchema = operationSchemas(op).input;
    // Unions (an event's `data`) become one field per alternative in the SDL: the contract says how.
    const shape = op.typed ? op.typed.from : (value: unknown) => value;
    if (op.kind === 'subscription') {
      def.subscribe = (_source, args: Record<string, unknown>, ctx) => runtime.stream(op.name, ctx.call, coerceText(inputSchema, withoutNulls(args)));
      def.resolve = (payload, _args, ctx) => {
        ctx.fresh();
        return shape(payload);
      };
      continue;
    }
    const nullWhenMissing = root === 'Query' && !isNonNullType(def.type);
    // A page's total costs a count of every matching row: asked for exactly when the query selects it.
    const counts = Boolean((inputSchema.properties as Record<string, unknown> | undefined)?.withTotal);
    def.resolve = async (_source, args: Record<string, unknown>, ctx, info) => {
      const input = coerceText(inputSchema, withoutNulls(args)) as Record<string, unknown>;
      if (counts) input.withTotal = selects(info, 'total');
      try {
        return shape(await runtime.call(op.name, ctx.call, input));
      } catch (err) {
        if (nullWhenMissing && err instanceof DomainError && err.kind === 'NOT_FOUND') return null;
        throw err;
      }
    };
  }

  fieldOf(schema, 'User', 'orders').resolve = (user, args: { limit?: number | null; offset?: number | null }, ctx) =>
    ctx.ordersByUser.load({ userId: (user as User).id, limit: args.limit ?? undefined, offset: args.offset ?? undefined });
  fieldOf(schema, 'OrderItem', 'product').resolve = (item, _args, ctx) => ctx.products.load((item as OrderItem).productId);
  return schema;
}
