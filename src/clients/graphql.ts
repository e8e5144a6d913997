import { buildSchema, GraphQLObjectType, type GraphQLField } from 'graphql';
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
import type { Outcome, ProtocolClient } from './types.js';

const KIND_BY_CODE = new Map<string, ErrorKind>(Object.entries(GRAPHQL_CODES).map(([kind, code]) => [code, kind as ErrorKind]));
// Requests GraphQL refuses before running anything are invalid input, as far as the caller is concerned.
for (const code of ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE']) KIND_BY_CODE.set(code, 'VALIDATION');

interface GraphqlError {
  message: string;
  extensions?: { code?: string; fields?: { field: string }[] };
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
      const op = findOperation(operation)!;
      const { root, field } = ROOT_FIELDS[operation];
      const rootType = root === 'Query' ? this.schema.getQueryType() : root === 'Mutation' ? this.schema.getMutationType() : this.schema.getSubscriptionType();
      const def = (rootType as GraphQLObjectType).getFields()[field] as GraphQLField<unknown, unknown>;
      const argTypes = new Map(def.args.map((a) => [a.name, a.type.toString()]));
      // Keys the schema does not know are sent anyway, so the server (not the client) refuses them.
      const vars = keys.map((k) => `$${k}: ${argTypes.get(k) ?? 'String'}`).join(', ');
      const args = keys.map((k) => `${k}: $${k}`).join(', ');
      // The SDL carries unions (an event's data) as one field per alternative: select the typed shape.
      const output = operationSchemas(op).typedOutput;
      text = `${root.toLowerCase()} ${pascalName(operation)}${vars ? `(${vars})` : ''} { ${field}${args ? `(${args})` : ''} ${selection(output, output)} }`;
      this.documents.set(cacheKey, text);
    }
    return text;
  }

  async call(operation: OperationName, input: Record<string, unknown>, token?: string): Promise<Outcome> {
    const keys = Object.keys(input).sort();
    const res = await fetch(this.baseUrl + this.path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: this.document(operation, keys), variables: input, operationName: pascalName(operation) }),
    });
    const body = (await res.json()) as { data?: Record<string, unknown> | null; errors?: GraphqlError[] };
    if (body.errors?.length) {
      const code = body.errors[0]!.extensions?.code ?? '';
      const fields = body.errors.flatMap((e) => e.extensions?.fields?.map((f) => f.field) ?? []);
      return { ok: false, kind: KIND_BY_CODE.get(code) ?? 'INTERNAL', fields: [...new Set(fields)].sort() };
    }
    const value = body.data?.[ROOT_FIELDS[operation].field];
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
