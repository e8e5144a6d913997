import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { ALICE_USER, LAPTOP, MOUSE, post } from './support.js';

/**
 * Every example of the JSON-RPC 2.0 specification (§7 "Examples"), with its
 * methods swapped for ours: subtract → getUser/getProduct, update/notify_* →
 * patchUser notifications, sum/get_data → getProduct/listProducts, foobar
 * stays unknown. Bodies are compared whole, ids with their JSON types.
 */
describe('JSON-RPC 2.0 specification examples', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startServer();
    token = await s.token();
  });
  afterAll(() => s.close());

  const rpc = (body: string) => post(s.url, body, { token });

  it('rpc call with positional parameters', async () => {
    const a = await rpc('{"jsonrpc": "2.0", "method": "getUser", "params": [1], "id": 1}');
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ jsonrpc: '2.0', result: ALICE_USER, id: 1 });
    const b = await rpc('{"jsonrpc": "2.0", "method": "getProduct", "params": [2], "id": 2}');
    expect(b.body).toEqual({ jsonrpc: '2.0', result: MOUSE, id: 2 });
  });

  it('rpc call with named parameters, in any order', async () => {
    const page = { items: [ALICE_USER], total: 2, limit: 1, offset: 0 };
    const a = await rpc('{"jsonrpc": "2.0", "method": "listUsers", "params": {"limit": 1, "offset": 0, "sort": "id"}, "id": 3}');
    expect(a.body).toEqual({ jsonrpc: '2.0', result: page, id: 3 });
    const b = await rpc('{"jsonrpc": "2.0", "method": "listUsers", "params": {"sort": "id", "offset": 0, "limit": 1}, "id": 4}');
    expect(b.body).toEqual({ jsonrpc: '2.0', result: page, id: 4 });
  });

  it('the source material\'s request: getUser with params {"id": …} and a numeric id', async () => {
    const r = await rpc('{"jsonrpc":"2.0","method":"getUser","params":{"id":1},"id":1}');
    expect(r.body).toEqual({ jsonrpc: '2.0', result: ALICE_USER, id: 1 });
  });

  it('echoes string and null ids with their types', async () => {
    const str = await rpc('{"jsonrpc": "2.0", "method": "getProduct", "params": {"id": 1}, "id": "abc"}');
    expect(str.body).toEqual({ jsonrpc: '2.0', result: LAPTOP, id: 'abc' });
    const numeric = await rpc('{"jsonrpc": "2.0", "method": "getProduct", "params": {"id": 1}, "id": "1"}');
    expect(numeric.body.id).toBe('1');
    const nul = await rpc('{"jsonrpc": "2.0", "method": "getProduct", "params": {"id": 1}, "id": null}');
    expect(nul.body).toEqual({ jsonrpc: '2.0', result: LAPTOP, id: null });
  });

  it('a notification is executed and never answered', async () => {
    const r = await rpc('{"jsonrpc": "2.0", "method": "patchUser", "params": {"id": 2, "name": "Robert"}}');
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    const check = await rpc('{"jsonrpc": "2.0", "method": "getUser", "params": {"id": 2}, "id": 1}');
    expect(check.body.result.name).toBe('Robert');
    const unknown = await rpc('{"jsonrpc": "2.0", "method": "foobar"}');
    expect(unknown.status).toBe(204);
    expect(unknown.text).toBe('');
  });

  it('rpc call of non-existent method', async () => {
    const r = await rpc('{"jsonrpc": "2.0", "method": "foobar", "id": "1"}');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' });
  });

  it('rpc call with invalid JSON', async () => {
    const r = await rpc('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });

  it('rpc call with invalid Request object', async () => {
    const r = await rpc('{"jsonrpc": "2.0", "method": 1, "params": "bar"}');
    expect(r.body).toEqual({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null });
  });

  it('rpc call Batch, invalid JSON', async () => {
    const r = await rpc(`[
      {"jsonrpc": "2.0", "method": "getProduct", "params": [1], "id": "1"},
      {"jsonrpc": "2.0", "method"
    ]`);
    expect(r.body).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });

  it('rpc call with an empty Array', async () => {
    const r = await rpc('[]');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null });
  });

  it('rpc call with an invalid Batch (but not empty) answers an array of one', async () => {
    const r = await rpc('[1]');
    expect(r.body).toEqual([{ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }]);
  });

  it('rpc call with invalid Batch', async () => {
    const r = await rpc('[1,2,3]');
    const invalid = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };
    expect(r.body).toEqual([invalid, invalid, invalid]);
  });

  it('rpc call Batch: calls, a notification, an invalid member and an unknown method', async () => {
    const r = await rpc(`[
      {"jsonrpc": "2.0", "method": "getProduct", "params": [1], "id": "1"},
      {"jsonrpc": "2.0", "method": "patchUser", "params": [2, "Bobby"]},
      {"jsonrpc": "2.0", "method": "getProduct", "params": {"id": 2}, "id": "2"},
      {"foo": "boo"},
      {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
      {"jsonrpc": "2.0", "method": "listProducts", "id": "9"}
    ]`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { jsonrpc: '2.0', result: LAPTOP, id: '1' },
      { jsonrpc: '2.0', result: MOUSE, id: '2' },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
      { jsonrpc: '2.0', result: { items: [LAPTOP, MOUSE], total: 2, limit: 10, offset: 0 }, id: '9' },
    ]);
    const check = await rpc('{"jsonrpc": "2.0", "method": "getUser", "params": [2], "id": 1}');
    expect(check.body.result.name).toBe('Bobby');
  });

  it('rpc call Batch (all notifications) returns nothing', async () => {
    const r = await rpc(`[
      {"jsonrpc": "2.0", "method": "patchUser", "params": {"id": 2, "name": "Bob"}},
      {"jsonrpc": "2.0", "method": "getUser", "params": [1]}
    ]`);
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
  });
});

describe('Request objects the specification forbids', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  const invalid = (id: unknown) => ({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id });

  it.each([
    ['a null request', 'null', null],
    ['a string request', '"getUser"', null],
    ['a wrong protocol version, id echoed', '{"jsonrpc": "1.0", "method": "getUser", "id": 7}', 7],
    ['no jsonrpc member', '{"method": "getUser", "id": 7}', 7],
    ['scalar params', '{"jsonrpc": "2.0", "method": "getUser", "params": 1, "id": "x"}', 'x'],
    ['null params', '{"jsonrpc": "2.0", "method": "getUser", "params": null, "id": 1}', 1],
    ['an object id, answered with null', '{"jsonrpc": "2.0", "method": "getUser", "id": {"a": 1}}', null],
    ['a boolean id, answered with null', '{"jsonrpc": "2.0", "method": "getUser", "id": true}', null],
  ])('%s is -32600', async (_name, body, id) => {
    const r = await post(s.url, body);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(invalid(id));
  });

  it('null and nested arrays inside a batch are invalid members, not a crash', async () => {
    const r = await post(s.url, '[null, [], {"jsonrpc": "2.0", "method": "foobar", "id": 3}]');
    expect(r.body).toEqual([
      invalid(null),
      invalid(null),
      { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 3 },
    ]);
  });
});
