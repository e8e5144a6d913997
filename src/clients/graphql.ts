import { buildSchema, getNamedType, getNullableType, GraphQLObjectType, isListType, isObjectType, type GraphQLField, type GraphQLOutputType } from 'graphql';
import { GRAPHQL_CODES, ROOT_FIELDS } from '../protocols/graphql/spec.js';
// The SDL and the operation→field map are the published contract, not server internals.
import { schemaSource } from '../protocols/graphql/docs.js';
import { operationSchemas, type JsonSchema } from '../contract/json-schema.js';
import { findOperation, pascalName, type OperationName } from '../contract/operations.js';
import type { ErrorKind } from '../domain/errors.js';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { DomainEvent, EventType } from '../domain/events.js';
import { EventChannel, EventStreamError, type EventSubscription, type SubscribeOptions } from './stream.js';
import type { Call, Outcome, ProtocolClient, Selection } from './types.js';

const KIND_BY_CODE = new Map<string, ErrorKind>(Object.entries(GRAPHQL_CODES).map(([kind, code]) => [code, kind as ErrorKind]));
// Requests GraphQL refuses before running anything are invalid input, as far as the caller is concerned.
for (const code of ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE']) KIND_BY_CODE.set(code, 'VALIDATION');

interface GraphqlError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; fields?: { field: string }[] };
}

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: GraphqlError[];
}

function failure(errors: readonly GraphqlError[]): Outcome {
  const code = errors[0]!.extensions?.code ?? '';
  const fields = errors.flatMap((e) => e.extensions?.fields?.map((f) => f.field) ?? []);
  return { ok: false, kind: KIND_BY_CODE.get(code) ?? 'INTERNAL', fields: [...new Set(fields)].sort() };
}

/** `{ a: true, b: { c: true } }` → "{ a b { c } }". */
function selectionText(selection: Selection): string {
  return `{ ${Object.entries(selection)
    .map(([field, sub]) => (sub === true ? field : `${field} ${selectionText(sub)}`))
    .join(' ')} }`;
}

/** Graph reads decode by the schema's own types: IDs come back as strings, the domain has integers there. */
function decodeByType(type: GraphQLOutputType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const t = getNullableType(type);
  if (isListType(t)) return Array.isArray(value) ? value.map((v) => decodeByType(t.ofType as GraphQLOutputType, v)) : value;
  if (isObjectType(t) && typeof value === 'object') {
    const fields = t.getFields();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fields[k] ? decodeByType(fields[k].type, v) : v]));
  }
  if (getNamedType(t).name === 'ID' && typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return value;
}

function deref(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/$defs/', '');
  return ((root.$defs as Record<string, JsonSchema>)[name] ?? {}) as JsonSchema;
}

/** A selection set naming every field of the operation's output, nested objects included. */
function selection(schema: JsonSchema, root: JsonSchema): string {
  const s = deref(schema, root);
  if (s.type === 'array') return selection(s.items as JsonSchema, root);
  if (s.type !== 'object') return '';
  const props = s.properties as Record<string, JsonSchema>;
  return `{ ${Object.entries(props)
    .map(([name, p]) => `${name} ${selection(p, root)}`.trim())
    .join(' ')} }`;
}

/**
 * GraphQL IDs come back as strings; the domain's shape has integers there.
 * A field the domain leaves out (optional, or hidden from this caller)
 * comes back as null; the domain's shape omits it.
 */
function decode(schema: JsonSchema, root: JsonSchema, value: unknown): unknown {
  const s = deref(schema, root);
  if (value === null || value === undefined) return value;
  if (s.type === 'array' && Array.isArray(value)) return value.map((v) => decode(s.items as JsonSchema, root, v));
  if (s.type === 'object' && typeof value === 'object') {
    const props = s.properties as Record<string, JsonSchema>;
    const required = new Set((s.required as string[] | undefined) ?? []);
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => v !== null || required.has(k))
        .map(([k, v]) => [k, props[k] ? decode(props[k], root, v) : v]),
    );
  }
  if (s.type === 'integer' && typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return value;
}

/**
 * ProtocolClient for GraphQL: one document per operation (and set of input
 * keys), built from the SDL's argument types and the operation's output
 * JSON Schema, so it covers every operation without a hand-written query.
 * A null answer to a single-item query is the GraphQL idiom for "no such
 * item" and comes back as NOT_FOUND.
 */
export interface GraphqlClientOptions {
  path?: string;
  /** How subscriptions travel: graphql-transport-ws over WebSocket (default) or graphql-sse (distinct connections). */
  subscriptions?: 'ws' | 'sse';
}

export class GraphqlClient implements ProtocolClient {
  readonly protocol = 'graphql' as const;
  private readonly schema = buildSchema(schemaSource());
  private readonly documents = new Map<string, string>();
  private readonly path: string;

  constructor(
    private readonly baseUrl: string,
    private readonly options: GraphqlClientOptions = {},
  ) {
    this.path = options.path ?? '/graphql';
  }

  /** The query text the client sends for an operation and input keys (exposed for tests and docs). */
  document(operation: OperationName, keys: readonly string[]): string {
    const cacheKey = `${operation}:${keys.join(',')}`;
    let text = this.documents.get(cacheKey);
    if (!text) {
      const { root } = ROOT_FIELDS[operation];
      const part = this.field(operation, keys, '', this.outputSelection(operation));
      text = `${root.toLowerCase()} ${pascalName(operation)}${part.vars ? `(${part.vars})` : ''} { ${part.text} }`;
      this.documents.set(cacheKey, text);
    }
    return text;
  }

  /** Several calls as one document, each root field under an alias (`c0`, `c1`, …), in one request. */
  batchDocument(calls: readonly Call[]): string {
    const root = this.rootOf(calls.map((c) => c.operation));
    const parts = calls.map((c, n) => this.field(c.operation, Object.keys(c.input).sort(), `c${n}`, this.outputSelection(c.operation)));
    const vars = parts.map((p) => p.vars).filter(Boolean).join(', ');
    return `${root === 'Query' ? 'query' : 'mutation'} Batch${vars ? `(${vars})` : ''} { ${parts.map((p) => p.text).join(' ')} }`;
  }

  /** A query that reads the root call's field with a caller-chosen (nested) selection. */
  graphDocument(root: Call, selection: Selection): string {
    if (ROOT_FIELDS[root.operation].root !== 'Query') throw new Error(`${root.operation} is not a query`);
    const part = this.field(root.operation, Object.keys(root.input).sort(), '', selectionText(selection));
    return `query ${pascalName(root.operation)}Graph${part.vars ? `(${part.vars})` : ''} { ${part.text} }`;
  }

  private rootOf(operations: readonly OperationName[]): 'Query' | 'Mutation' {
    const roots = new Set(operations.map((o) => ROOT_FIELDS[o].root));
    if (roots.size !== 1) throw new Error('A GraphQL document holds queries or mutations, not both');
    const [root] = roots;
    // A subscription is a stream of its own (subscribe()), never a member of a batch.
    if (root === 'Subscription') throw new Error('Subscriptions cannot be batched; use subscribe()');
    return root!;
  }

  /** The SDL carries unions (an event's data) as one field per alternative: select the typed shape. */
  private outputSelection(operation: OperationName): string {
    const output = operationSchemas(findOperation(operation)!).typedOutput;
    return selection(output, output);
  }

  private definition(operation: OperationName): GraphQLField<unknown, unknown> {
    const { root, field } = ROOT_FIELDS[operation];
    const rootType = root === 'Query' ? this.schema.getQueryType() : root === 'Mutation' ? this.schema.getMutationType() : this.schema.getSubscriptionType();
    return (rootType as GraphQLObjectType).getFields()[field] as GraphQLField<unknown, unknown>;
  }

  /** One root field with its variables; `alias` prefixes the variable names so aliased fields never share one. */
  private field(operation: OperationName, keys: readonly string[], alias: string, selected: string): { vars: string; text: string } {
    const def = this.definition(operation);
    const argTypes = new Map(def.args.map((a) => [a.name, a.type.toString()]));
    const name = (k: string) => (alias ? `${alias}_${k}` : k);
    // Keys the schema does not know are sent anyway, so the server (not the client) refuses them.
    const vars = keys.map((k) => `$${name(k)}: ${argTypes.get(k) ?? 'String'}`).join(', ');
    const args = keys.map((k) => `${k}: $${name(k)}`).join(', ');
    return { vars, text: `${alias ? `${alias}: ` : ''}${def.name}${args ? `(${args})` : ''} ${selected}` };
  }

  private async post(document: string, variables: Record<string, unknown>, operationName: string, token?: string): Promise<GraphqlBody> {
    const res = await fetch(this.baseUrl + this.path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: document, variables, operationName }),
    });
    return (await res.json()) as GraphqlBody;
  }

  async call(operation: OperationName, input: Record<string, unknown>, token?: string): Promise<Outcome> {
    const keys = Object.keys(input).sort();
    const body = await this.post(this.document(operation, keys), input, pascalName(operation), token);
    if (body.errors?.length) return failure(body.errors);
    return this.outcome(operation, body.data?.[ROOT_FIELDS[operation].field]);
  }

  /**
   * Aliases: every call is a root field of one document, so the batch is one
   * HTTP request. An error whose path starts at an alias belongs to that
   * call; one without a path (parse, validation, a bad token) fails them all.
   */
  async batch(calls: readonly Call[], token?: string): Promise<Outcome[]> {
    if (!calls.length) return [];
    const variables: Record<string, unknown> = {};
    calls.forEach((c, n) => {
      for (const [k, v] of Object.entries(c.input)) variables[`c${n}_${k}`] = v;
    });
    const body = await this.post(this.batchDocument(calls), variables, 'Batch', token);
    const errors = body.errors ?? [];
    const global = errors.filter((e) => !e.path?.length);
    return calls.map((c, n) => {
      if (global.length) return failure(global);
      const own = errors.filter((e) => e.path?.[0] === `c${n}`);
      if (own.length) return failure(own);
      return this.outcome(c.operation, body.data?.[`c${n}`]);
    });
  }

  /** One nested query: related records come from the same request (the server batches them with DataLoader). */
  async readGraph(root: Call, selection: Selection, token?: string): Promise<Outcome> {
    const body = await this.post(this.graphDocument(root, selection), root.input, `${pascalName(root.operation)}Graph`, token);
    if (body.errors?.length) return failure(body.errors);
    const def = this.definition(root.operation);
    const value = body.data?.[def.name];
    if (value === null || value === undefined) return { ok: false, kind: 'NOT_FOUND', fields: [] };
    return { ok: true, data: decodeByType(def.type, value) };
  }

  private outcome(operation: OperationName, value: unknown): Outcome {
    if (value === null || value === undefined) return { ok: false, kind: 'NOT_FOUND', fields: [] };
    const op = findOperation(operation)!;
    const output = operationSchemas(op).typedOutput;
    const data = decode(output, output, value);
    return { ok: true, data: op.typed ? op.typed.to(data) : data };
  }

  /**
   * `subscription { events(types, after) { … } }` over graphql-ws (the
   * connection_init payload carries the token) or graphql-sse; each result
   * is turned back into the domain envelope. graphql-transport-ws has no
   * per-subscription acknowledgement: `ready` means the connection was
   * acknowledged (for SSE, the stream opened); pass `after` not to miss
   * what happens in between.
   */
  subscribe(types: readonly EventType[], options: SubscribeOptions): EventSubscription {
    const op = findOperation('watchEvents')!;
    const variables: Record<string, unknown> = types.length ? { types: [...types] } : {};
    if (options.after !== undefined) variables.after = options.after;
    const query = this.document('watchEvents', Object.keys(variables).sort());
    const output = operationSchemas(op).typedOutput;
    const auth: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
    let dispose: () => void = () => {};
    const channel = new EventChannel(() => dispose());
    const sink = {
      next: (result: { data?: Record<string, unknown> | null; errors?: readonly GraphqlError[] }) => {
        const error = result.errors?.[0];
        if (error) channel.fail(new EventStreamError(error.message, error.extensions?.code ?? 'GRAPHQL_ERROR'));
        else channel.push(op.typed!.to(decode(output, output, result.data?.events)) as DomainEvent);
      },
      error: (err: unknown) => void streamError(err).then((e) => channel.fail(e)),
      complete: () => channel.end(),
    };
    const payload = { query, variables, operationName: 'WatchEvents' };
    if (this.options.subscriptions === 'sse') {
      const client = createSseClient({ url: this.baseUrl + this.path, headers: auth, retryAttempts: 0 });
      const stop = client.subscribe(payload, sink as never, { connected: () => channel.opened() });
      dispose = () => {
        stop();
        client.dispose();
      };
    } else {
      const client = createWsClient({
        url: this.baseUrl.replace(/^http/, 'ws') + this.path,
        webSocketImpl: WebSocket,
        connectionParams: auth,
        retryAttempts: 0,
        on: { connected: () => channel.opened() },
      });
      const stop = client.subscribe(payload, sink as never);
      dispose = () => {
        stop();
        void client.dispose();
      };
    }
    return channel;
  }
}

/**
 * graphql-ws reports a closed socket as a CloseEvent-like object and errors
 * as GraphQL error lists; graphql-sse a refused request as a NetworkError
 * holding the response, whose body has the GraphQL errors.
 */
async function streamError(err: unknown): Promise<EventStreamError> {
  const response = (err as { response?: { status: number; json(): Promise<unknown> } }).response;
  if (response) {
    const body = (await response.json().catch(() => ({}))) as { errors?: GraphqlError[] };
    const first = body.errors?.[0];
    return new EventStreamError(first?.message ?? `HTTP ${response.status}`, first?.extensions?.code ?? response.status);
  }
  if (Array.isArray(err)) {
    const first = err[0] as GraphqlError | undefined;
    return new EventStreamError(first?.message ?? 'GraphQL error', first?.extensions?.code ?? 'GRAPHQL_ERROR');
  }
  const close = err as { code?: number; reason?: string };
  if (typeof close?.code === 'number') return new EventStreamError(close.reason || `closed with ${close.code}`, close.code);
  return new EventStreamError(err instanceof Error ? err.message : String(err), 'TRANSPORT');
}
