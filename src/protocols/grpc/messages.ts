import { operationSchemas, type JsonSchema } from '../../contract/json-schema.js';
import { pascalName, type Operation, type OperationName } from '../../contract/operations.js';

/**
 * The protobuf view of the operations' JSON Schemas: one model that the
 * .proto generator (docs.ts), the server core and the client all read, so
 * what polyface.proto declares and what goes on the wire cannot disagree.
 *
 * Mapping rules (proto3, style guide naming):
 * - each operation's input is `<Operation>Request`; its output is the
 *   shared message named by the schema's $defs (User, UserPage, Order, …);
 * - field names are snake_case of the domain's names, numbered in order;
 * - integers are int64 for identifiers (`id`, `…Id`), int32 otherwise;
 *   money (strings or numbers in, "50.00" out) and timestamps are strings;
 * - string enums become proto enums (`role: "admin"` ↔ `ROLE_ADMIN`, with
 *   ROLE_UNSPECIFIED = 0 meaning "not given");
 * - an input field the schema does not require is `optional` (explicit
 *   presence), so "not sent" and "sent as 0" stay different — a `limit: 0`
 *   is refused like in every other style instead of turning into the default.
 */
export type Scalar = 'string' | 'int32' | 'int64' | 'bool';

export type FieldType =
  | { kind: 'scalar'; scalar: Scalar }
  | { kind: 'enum'; enum: EnumModel }
  | { kind: 'message'; message: MessageModel };

export interface EnumModel {
  readonly name: string;
  /** Domain values, in order; wire names are `${PREFIX}_${VALUE}` and numbers start at 1. */
  readonly values: readonly string[];
}

export interface FieldModel {
  /** The domain's property name ("expectedVersion", "access_token"). */
  readonly domain: string;
  /** The .proto field name ("expected_version"). */
  readonly proto: string;
  /** The JavaScript property protobufjs uses (lowerCamelCase of the proto name). */
  readonly js: string;
  readonly number: number;
  readonly type: FieldType;
  readonly repeated: boolean;
  /** proto3 `optional`: presence is tracked. */
  readonly optional: boolean;
  readonly doc?: string | undefined;
}

export interface MessageModel {
  readonly name: string;
  readonly fields: FieldModel[];
  /** Messages declared inside this one (objects inside an input that have no shared name). */
  readonly nested: MessageModel[];
  readonly doc?: string | undefined;
}

export interface RpcModel {
  readonly operation: Operation;
  readonly method: string;
  readonly request: MessageModel;
  readonly response: MessageModel;
  readonly serverStreaming: boolean;
}

export interface GrpcModel {
  readonly rpcs: RpcModel[];
  /** Shared top-level messages (outputs), in first-use order. */
  readonly messages: MessageModel[];
  readonly enums: EnumModel[];
}

/** RPC names other than the operation's name in PascalCase: `EventService/Watch(WatchRequest) returns (stream Event)`. */
export const METHOD_OF: Partial<Record<OperationName, string>> = { watchEvents: 'Watch' };

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const lowerCamel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const upperSnake = (s: string) => snake(s).toUpperCase();
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

export const enumWireName = (e: EnumModel, value: string) => `${upperSnake(e.name)}_${value.toUpperCase()}`;
export const enumZeroName = (e: EnumModel) => `${upperSnake(e.name)}_UNSPECIFIED`;

class Builder {
  readonly messages = new Map<string, MessageModel>();
  readonly enums = new Map<string, EnumModel>();
  private readonly prints = new Map<string, string>();

  root(schema: JsonSchema, name: string): MessageModel {
    const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
    const ref = schema.$ref as string | undefined;
    if (ref) return this.shared(ref, defs);
    return this.message(name, schema, defs);
  }

  private shared(ref: string, defs: Record<string, JsonSchema>): MessageModel {
    const name = ref.replace('#/$defs/', '');
    const schema = defs[name];
    if (!schema) throw new Error(`Unresolvable $ref ${ref}`);
    const print = JSON.stringify(schema);
    const seen = this.prints.get(name);
    if (seen !== undefined) {
      if (seen !== print) throw new Error(`Two different shapes are both named ${name}`);
      return this.messages.get(name)!;
    }
    this.prints.set(name, print);
    // Registered before its fields are converted, so self-references terminate.
    const model: MessageModel = { name, fields: [], nested: [] };
    this.messages.set(name, model);
    model.fields.push(...this.message(name, schema, defs).fields);
    return model;
  }

  private message(name: string, schema: JsonSchema, defs: Record<string, JsonSchema>, nestedIn?: MessageModel): MessageModel {
    if (schema.type !== 'object') throw new Error(`${name}: expected an object schema`);
    const required = new Set((schema.required ?? []) as string[]);
    const model: MessageModel = { name, fields: [], nested: [], doc: schema.description as string | undefined };
    let number = 0;
    for (const [domain, prop] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
      const repeated = prop.type === 'array';
      const item = repeated ? (prop.items as JsonSchema) : prop;
      const proto = snake(domain);
      const type = this.type(domain, item, defs, model, repeated);
      const money = Array.isArray(item.type) ? 'Decimal amount as text, e.g. "19.90"' : undefined;
      model.fields.push({
        domain,
        proto,
        js: lowerCamel(proto),
        number: ++number,
        type,
        repeated,
        optional: !repeated && !required.has(domain),
        doc: typeof prop.description === 'string' ? prop.description : money,
      });
    }
    nestedIn?.nested.push(model);
    return model;
  }

  private type(name: string, schema: JsonSchema, defs: Record<string, JsonSchema>, parent: MessageModel, repeated: boolean): FieldType {
    if (schema.$ref) return { kind: 'message', message: this.shared(schema.$ref as string, defs) };
    const t = schema.type;
    if (t === 'object') {
      // An unnamed object inside an input: a nested message named after its field ("items" → Item).
      const nestedName = pascalName(repeated ? name.replace(/s$/, '') : name);
      return { kind: 'message', message: this.message(nestedName, schema, defs, parent) };
    }
    // string|number is how money inputs ("50.00" or 50) appear: decimals travel as text, never as floats.
    if (Array.isArray(t) && t.length === 2 && t.includes('string') && t.includes('number')) return { kind: 'scalar', scalar: 'string' };
    // Values that cannot be protobuf identifiers ("user.created") stay strings; the domain checks them.
    if (t === 'string' && Array.isArray(schema.enum) && schema.enum.every((v) => /^[A-Za-z][A-Za-z0-9_]*$/.test(String(v)))) {
      return { kind: 'enum', enum: this.enumOf(name, schema.enum.map(String)) };
    }
    if (t === 'string') return { kind: 'scalar', scalar: 'string' };
    if (t === 'boolean') return { kind: 'scalar', scalar: 'bool' };
    if (t === 'integer') return { kind: 'scalar', scalar: name === 'id' || name.endsWith('Id') ? 'int64' : 'int32' };
    throw new Error(`No protobuf type for ${name}: ${JSON.stringify(schema)}`);
  }

  private enumOf(field: string, values: string[]): EnumModel {
    const name = pascalName(field);
    const seen = this.enums.get(name);
    if (seen) {
      if (seen.values.join() !== values.join()) throw new Error(`Two different enums are both named ${name}`);
      return seen;
    }
    const model = { name, values };
    this.enums.set(name, model);
    return model;
  }
}

/**
 * The model of every operation given, each RPC named as the operation in
 * PascalCase unless `methods` names it. Outputs are the typed view where the
 * contract has one (an event's `data` union as optional `user`, `order`,
 * `product`, `deleted_id` fields: protobuf has no untagged unions).
 */
export function buildMessageModel(operations: Iterable<Operation>, methods: Partial<Record<OperationName, string>> = METHOD_OF): GrpcModel {
  const b = new Builder();
  const rpcs: RpcModel[] = [];
  for (const op of operations) {
    const method = methods[op.name as OperationName] ?? pascalName(op.name);
    const { input, typedOutput } = operationSchemas(op);
    const request = b.root(input, `${method}Request`);
    const response = b.root(typedOutput, `${method}Response`);
    rpcs.push({ operation: op, method, request, response, serverStreaming: op.kind === 'subscription' });
  }
  return { rpcs, messages: [...b.messages.values()], enums: [...b.enums.values()] };
}

/**
 * A decoded message (protobufjs object, LOADER_OPTIONS) → the domain's JSON
 * shape. Nothing is validated here — the domain does that once — but what
 * protobuf cannot carry is put back: int64 strings become numbers (when
 * exact; otherwise the text goes on and fails validation by name), enum
 * names become domain values, an UNSPECIFIED enum means "not given".
 */
export function toDomain(model: MessageModel, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of model.fields) {
    const value = message[f.js];
    if (value === undefined || value === null) continue;
    if (f.repeated) out[f.domain] = (value as unknown[]).map((v) => valueToDomain(f.type, v));
    else {
      const v = valueToDomain(f.type, value);
      if (v !== undefined) out[f.domain] = v;
    }
  }
  return out;
}

function valueToDomain(type: FieldType, value: unknown): unknown {
  switch (type.kind) {
    case 'message':
      return toDomain(type.message, value as Record<string, unknown>);
    case 'enum': {
      if (value === enumZeroName(type.enum)) return undefined;
      const hit = type.enum.values.find((v) => enumWireName(type.enum, v) === value);
      return hit ?? value;
    }
    case 'scalar':
      if (type.scalar === 'int64' && typeof value === 'string') {
        const n = Number(value);
        return Number.isSafeInteger(n) && /^-?\d+$/.test(value) ? n : value;
      }
      return value;
  }
}

/** The domain's JSON shape → an object protobufjs encodes (fromObject). */
export function fromDomain(model: MessageModel, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of model.fields) {
    const v = value[f.domain];
    if (v === undefined || v === null) continue;
    out[f.js] = f.repeated ? (v as unknown[]).map((item) => valueFromDomain(f, item)) : valueFromDomain(f, v);
  }
  return out;
}

function valueFromDomain(f: FieldModel, value: unknown): unknown {
  const type = f.type;
  switch (type.kind) {
    case 'message':
      return fromDomain(type.message, value as Record<string, unknown>);
    case 'enum':
      return type.enum.values.includes(value as string) ? enumWireName(type.enum, value as string) : value;
    case 'scalar':
      // protobufjs would wrap an out-of-range int32 silently (value | 0); a wrong number must never go out.
      if (type.scalar === 'int32' && typeof value === 'number' && (value < INT32.min || value > INT32.max)) {
        throw new RangeError(`${f.proto} = ${value} does not fit int32`);
      }
      return value;
  }
}
