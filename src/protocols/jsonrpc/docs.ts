import { createRequire } from 'node:module';
import { operationSchemas, type JsonSchema } from '../../contract/json-schema.js';
import { OPERATIONS, type Operation } from '../../contract/operations.js';
import { DISCOVER, ENDED_NOTIFICATION, ERROR_CODES, ERROR_MESSAGES, EVENT_NOTIFICATION, paramNames, RPC_PATH, SUBSCRIBE, SUBSCRIPTION_OPERATION, UNSUBSCRIBE } from './spec.js';

// Three levels up from both src/protocols/jsonrpc and dist/protocols/jsonrpc.
const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

const DEFS = '#/$defs/';
const COMPONENTS = '#/components/schemas/';

/**
 * Copies a schema without `$schema`/`$defs`, collecting the definitions into
 * `defs` and pointing `$ref`s at components — OpenRPC resolves references
 * against the whole document, not against each schema.
 */
function hoist(schema: unknown, defs: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => hoist(s, defs));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if (key === '$defs') {
      for (const [name, def] of Object.entries(value as Record<string, unknown>)) defs[name] ??= hoist(def, defs);
    } else if (key === '$ref' && typeof value === 'string' && value.startsWith(DEFS)) {
      out.$ref = COMPONENTS + value.slice(DEFS.length);
    } else {
      out[key] = hoist(value, defs);
    }
  }
  return out;
}

function method(op: Operation, defs: Record<string, unknown>) {
  const { input, output } = operationSchemas(op);
  const props = (input.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((input.required as string[] | undefined) ?? []);
  return {
    name: op.name,
    summary: op.summary,
    description: `Access: ${op.access}. Params by name (an object) or by position in the order listed.`,
    paramStructure: 'either',
    params: paramNames(op).map((name) => {
      const schema = hoist(props[name], defs) as JsonSchema;
      const description = typeof schema.description === 'string' ? schema.description : undefined;
      return { name, ...(description ? { description } : {}), required: required.has(name), schema };
    }),
    result: { name: `${op.name}Result`, schema: hoist(output, defs) },
    errors: op.errors.map((kind) => ({ code: ERROR_CODES[kind], message: ERROR_MESSAGES[kind], data: { kind } })),
    'x-access': op.access,
  };
}

/**
 * `subscribe` and `unsubscribe`. OpenRPC has no notion of server-sent
 * notifications, so what `event` and `subscriptionEnded` carry is in the
 * description and, as schemas, in the `x-notifications` extension.
 */
function subscriptionMethods(op: Operation, defs: Record<string, unknown>): unknown[] {
  const base = method(op, defs) as { params: unknown[]; result: { schema: unknown }; errors: unknown[] };
  const subscription = { type: 'string', description: 'Subscription id, unique on its connection' };
  return [
    {
      name: SUBSCRIBE,
      summary: op.summary,
      description:
        `WebSocket (ws://…${RPC_PATH}) only. Access: ${op.access}; order events reach only their owner and administrators. ` +
        `Each event then arrives as a notification {"method": "${EVENT_NOTIFICATION}", "params": {"subscription", "event"}}; ` +
        `a subscription the server ends (token expired or revoked) gets one {"method": "${ENDED_NOTIFICATION}", "params": {"subscription", "error"}}; ` +
        'a connection that falls behind is closed with code 1013 (resubscribe with `after` = the last event id).',
      paramStructure: 'either',
      params: base.params,
      result: { name: 'subscribeResult', schema: { type: 'object', properties: { subscription }, required: ['subscription'] } },
      errors: base.errors,
      'x-access': op.access,
      'x-notifications': {
        [EVENT_NOTIFICATION]: { type: 'object', properties: { subscription, event: base.result.schema }, required: ['subscription', 'event'] },
        [ENDED_NOTIFICATION]: { type: 'object', properties: { subscription, error: { type: 'object' } }, required: ['subscription', 'error'] },
      },
    },
    {
      name: UNSUBSCRIBE,
      summary: 'Stop a subscription of this connection; false when there is no such subscription',
      description: `WebSocket (ws://…${RPC_PATH}) only.`,
      paramStructure: 'either',
      params: [{ name: 'subscription', required: true, schema: subscription }],
      result: { name: 'unsubscribeResult', schema: { type: 'boolean' } },
      errors: [{ code: ERROR_CODES.VALIDATION, message: ERROR_MESSAGES.VALIDATION, data: { kind: 'VALIDATION' } }],
    },
  ];
}

/**
 * The OpenRPC 1.3 document rpc.discover returns, derived from OPERATIONS and
 * their JSON Schemas so it cannot drift from what the server answers. Built
 * once at start-up.
 */
export function buildOpenRpcDocument() {
  const defs: Record<string, unknown> = {};
  const methods: unknown[] = (OPERATIONS as readonly Operation[]).filter((op) => op.kind !== 'subscription').map((op) => method(op, defs));
  const watch = (OPERATIONS as readonly Operation[]).find((op) => op.name === SUBSCRIPTION_OPERATION);
  if (watch) methods.push(...subscriptionMethods(watch, defs));
  methods.push({
    name: DISCOVER,
    summary: 'This OpenRPC document',
    params: [],
    result: { name: 'OpenRPC Schema', schema: { $ref: 'https://raw.githubusercontent.com/open-rpc/meta-schema/master/schema.json' } },
  });
  return {
    openrpc: '1.3.2',
    info: {
      title: 'polyface JSON-RPC',
      version,
      description:
        'Users, orders and products over JSON-RPC 2.0 on POST /rpc and WebSocket /rpc. ' +
        'Authenticate with `Authorization: Bearer <token>` (get one from `login`). ' +
        'Every domain error carries `error.data.kind` (NOT_FOUND, CONFLICT, VALIDATION, …).',
    },
    methods,
    components: { schemas: defs },
  };
}
