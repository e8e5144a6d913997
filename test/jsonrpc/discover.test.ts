import metaSchema from '@open-rpc/meta-schema';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import jsonSchemaToolsMeta from '@json-schema-tools/meta-schema';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/protocols/jsonrpc/spec.js';
import { operationSchemas } from '../../src/contract/json-schema.js';
import { UNARY_OPERATIONS as OPERATIONS, UNARY_OPERATION_NAMES as OPERATION_NAMES } from '../../src/contract/operations.js';
import { startServer, type TestServer } from '../support/server.js';
import { call, post } from './support.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsPlugin.default;

/**
 * The OpenRPC meta-schema describes embedded JSON Schemas by reference to
 * https://meta.json-schema.tools (@json-schema-tools/meta-schema), whose own
 * `$schema` is itself; ajv needs it registered under both spellings of its id.
 */
const { $schema: _self, ...jsonSchemaTools } = jsonSchemaToolsMeta as unknown as Record<string, unknown>;

interface MethodObject {
  name: string;
  params: { name: string; required?: boolean; schema: object }[];
  result: { name: string; schema: object };
  errors?: { code: number; message: string; data?: { kind: string } }[];
}

describe('rpc.discover', () => {
  let s: TestServer;
  let token: string;
  let doc: { openrpc: string; methods: MethodObject[]; components: { schemas: Record<string, object> } };
  beforeAll(async () => {
    s = await startServer();
    token = await s.token();
    // Discovery needs no credentials.
    const r = await post(s.url, call('rpc.discover', undefined));
    expect(r.body.error).toBeUndefined();
    doc = r.body.result;
  });
  afterAll(() => s.close());

  it('is a valid OpenRPC document by the OpenRPC meta-schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // Referenced both with and without the trailing slash, which ajv treats as two documents.
    ajv.addSchema({ ...jsonSchemaTools, $id: 'https://meta.json-schema.tools' });
    ajv.addSchema({ ...jsonSchemaTools, $id: 'https://meta.json-schema.tools/' });
    const { $schema: _ignored, ...schema } = metaSchema as unknown as Record<string, unknown>;
    const validate = ajv.compile(schema);
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(doc.openrpc).toBe('1.3.2');
    // The validator has teeth: a method without params, or a param without a schema, is rejected.
    expect(validate({ ...doc, methods: [{ name: 'x', result: { name: 'r', schema: {} } }] })).toBe(false);
    expect(validate({ ...doc, methods: [{ name: 'x', params: [{ name: 'p' }], result: { name: 'r', schema: {} } }] })).toBe(false);
  });

  it('lists exactly the operations, in order, plus rpc.discover', () => {
    // subscribe/unsubscribe stand for the watchEvents subscription (WebSocket only).
    expect(doc.methods.map((m) => m.name)).toEqual([...OPERATION_NAMES, 'subscribe', 'unsubscribe', 'rpc.discover']);
  });

  it('every listed method is answered, and a method it does not list is not', async () => {
    const names = doc.methods.map((m) => m.name);
    const batch = [...names, 'getUsers', 'rpc.other'].map((name, i) => call(name, {}, i));
    const r = await post(s.url, batch, { token });
    const codeOf = (i: number) => r.body.find((x: { id: number }) => x.id === i)?.error?.code;
    const messageOf = (i: number) => r.body.find((x: { id: number }) => x.id === i)?.error?.message;
    names.forEach((name, i) => {
      // Over HTTP there is nowhere to push events: the subscription methods say where they are answered.
      if (name === 'subscribe' || name === 'unsubscribe') expect(messageOf(i), name).toMatch(/WebSocket transport only/);
      else expect(codeOf(i), name).not.toBe(-32601);
    });
    expect(codeOf(names.length)).toBe(-32601);
    expect(codeOf(names.length + 1)).toBe(-32601);
  });

  it('describes each method\'s params, result and errors from the operation list', () => {
    for (const op of OPERATIONS) {
      const m = doc.methods.find((x) => x.name === op.name)!;
      const input = operationSchemas(op).input as { properties: Record<string, unknown>; required?: string[] };
      expect(m.params.map((p) => p.name), op.name).toEqual(Object.keys(input.properties));
      expect(m.params.filter((p) => p.required).map((p) => p.name), op.name).toEqual(input.required ?? []);
      expect(m.errors!.map((e) => e.code), op.name).toEqual(op.errors.map((k) => ERROR_CODES[k]));
      expect(m.errors!.map((e) => e.data?.kind), op.name).toEqual([...op.errors]);
    }
    expect(JSON.stringify(doc)).not.toContain('$defs');
    expect(Object.keys(doc.components.schemas).sort()).toEqual(
      [
        'DayStats',
        'Deleted',
        'DeletedRef',
        'Event',
        'EventBatch',
        'FieldError',
        'ItemError',
        'Order',
        'OrderItem',
        'OrderPage',
        'OrderStats',
        'Product',
        'ProductPage',
        'ProductStats',
        'Token',
        'User',
        'UserBulkItem',
        'UserBulkResult',
        'UserPage',
      ].sort(),
    );
  });

  it('result schemas, with their references into components, match what the methods return', async () => {
    const ajv = new Ajv2020({ strict: false, validateSchema: false });
    ajv.addSchema(doc, 'openrpc');
    const resultOf = (name: string) => ajv.compile({ $ref: `openrpc#/methods/${doc.methods.findIndex((m) => m.name === name)}/result/schema` });
    const samples: [string, unknown][] = [
      ['login', { username: 'admin', password: 'admin-password' }],
      ['getUser', { id: 1 }],
      ['listUsers', {}],
      ['listUserOrders', { userId: 1 }],
      ['getOrder', { id: 1 }],
      ['listProducts', {}],
      ['getProduct', { id: 2 }],
    ];
    const r = await post(s.url, samples.map(([name, params], i) => call(name, params, i)), { token });
    for (const [i, [name]] of samples.entries()) {
      const validate = resultOf(name);
      const { result } = r.body[i];
      expect(validate(result), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    // The check has teeth: a wrong shape fails.
    expect(resultOf('getProduct')({ id: 2, name: 'Mouse', price: 25.5 })).toBe(false);
  });
});
