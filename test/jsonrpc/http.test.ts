import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startServer, type TestServer } from '../support/server.js';
import { ALICE_USER, call, notify, post } from './support.js';

const refusal = (message: string, data?: unknown) => ({
  jsonrpc: '2.0',
  id: null,
  error: data === undefined ? { code: -32600, message } : { code: -32600, message, data },
});

describe('JSON-RPC over HTTP: status mapping', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startServer();
    token = await s.token();
  });
  afterAll(() => s.close());

  it('200 with a JSON body for a response, including an error response', async () => {
    const ok = await post(s.url, call('getUser', { id: 1 }), { token });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const err = await post(s.url, call('getUser', { id: 999 }), { token });
    expect(err.status).toBe(200);
    expect(err.body.error.code).toBe(-32004);
  });

  it('204 with no body when only notifications came', async () => {
    const r = await post(s.url, [notify('getUser', { id: 1 }), notify('getProduct', { id: 1 })], { token });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
  });

  it.each(['GET', 'PUT', 'DELETE'])('405 with Allow: POST for %s', async (method) => {
    const r = await post(s.url, method === 'GET' ? undefined : call('getUser', { id: 1 }), { method, token });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(r.body).toEqual(refusal('JSON-RPC requests must be sent with POST'));
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('415 for Content-Type %s', async (type) => {
    const r = await post(s.url, call('getUser', { id: 1 }), { token, headers: { 'Content-Type': type } });
    expect(r.status).toBe(415);
    expect(r.body).toEqual(refusal('Content-Type must be application/json'));
  });

  it('415 without a Content-Type', async () => {
    const res = await fetch(`${s.url}/rpc`, { method: 'POST', body: new Uint8Array(Buffer.from(JSON.stringify(call('getUser', { id: 1 })))) });
    expect(res.status).toBe(415);
  });

  it.each(['application/json; charset=utf-8', 'application/json-rpc', 'application/jsonrequest', 'Application/JSON'])(
    'accepts Content-Type %s',
    async (type) => {
      const r = await post(s.url, call('getUser', { id: 1 }), { token, headers: { 'Content-Type': type } });
      expect(r.status).toBe(200);
      expect(r.body.result).toEqual(ALICE_USER);
    },
  );

  it('owns exactly /rpc', async () => {
    const other = await fetch(`${s.url}/rpc/extra`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(other.status).toBe(404);
  });
});

describe('JSON-RPC over HTTP: limits', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startServer({ bodyLimitBytes: 2048, jsonrpc: { maxBatch: 3 } });
    token = await s.token();
  });
  afterAll(() => s.close());

  it('a batch at the limit is served', async () => {
    const r = await post(s.url, [call('getUser', { id: 1 }, 1), call('getUser', { id: 2 }, 2), notify('getUser', { id: 1 })], { token });
    expect(r.status).toBe(200);
    expect(r.body.map((x: { id: number }) => x.id)).toEqual([1, 2]);
  });

  it('a batch over the limit is one -32600 and runs nothing', async () => {
    const batch = [
      call('patchUser', { id: 1, name: 'Mallory' }, 1),
      call('getUser', { id: 1 }, 2),
      call('getUser', { id: 1 }, 3),
      call('getUser', { id: 1 }, 4),
    ];
    const r = await post(s.url, batch, { token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(refusal('Batch too large: at most 3 requests per batch', { maxBatch: 3 }));
    const check = await post(s.url, call('getUser', { id: 1 }), { token });
    expect(check.body.result.name).toBe('Alice');
  });

  it('a body over the limit is 413 with a JSON-RPC error (declared length)', async () => {
    const r = await post(s.url, call('listUsers', { name: 'x'.repeat(3000) }), { token });
    expect(r.status).toBe(413);
    expect(r.body).toEqual(refusal('Request body exceeds 2048 bytes', { limit: 2048 }));
  });

  it('a body over the limit is 413 when streamed without a length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 3; i++) c.enqueue(chunk);
        c.close();
      },
    });
    const res = await fetch(`${s.url}/rpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(refusal('Request body exceeds 2048 bytes', { limit: 2048 }));
  });
});

describe('JSON-RPC over HTTP: authentication', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('login returns a bearer token that the next calls use', async () => {
    const r = await post(s.url, call('login', { username: ADMIN.username, password: ADMIN.password }));
    expect(r.body.result).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
    const me = await post(s.url, call('getUser', { id: 1 }, 2), { token: r.body.result.access_token });
    expect(me.body).toEqual({ jsonrpc: '2.0', id: 2, result: ALICE_USER });
  });

  it('login with positional params', async () => {
    const r = await post(s.url, call('login', ['alice@example.com', 'demo-password']));
    expect(r.body.result.token_type).toBe('Bearer');
  });

  it('a wrong password is -32001', async () => {
    const r = await post(s.url, call('login', { username: 'admin', password: 'nope' }));
    expect(r.body).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32001, message: 'Invalid username or password', data: { kind: 'UNAUTHENTICATED' } },
    });
  });

  it('no token: -32001 for a method that needs a caller', async () => {
    const r = await post(s.url, call('getUser', { id: 1 }));
    expect(r.status).toBe(200);
    expect(r.body.error).toMatchObject({ code: -32001, data: { kind: 'UNAUTHENTICATED' } });
  });

  it('a bad token answers -32001 for each call of a batch (HTTP 200), while login still works', async () => {
    const r = await post(
      s.url,
      [call('getUser', { id: 1 }, 1), call('listProducts', {}, 2), call('login', { username: 'admin', password: 'admin-password' }, 3), call('rpc.discover', undefined, 4)],
      { token: 'not-a-jwt' },
    );
    expect(r.status).toBe(200);
    expect(r.body[0]).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32001, message: 'Invalid or expired token', data: { kind: 'UNAUTHENTICATED' } } });
    expect(r.body[1]).toEqual({ jsonrpc: '2.0', id: 2, error: { code: -32001, message: 'Invalid or expired token', data: { kind: 'UNAUTHENTICATED' } } });
    expect(r.body[2].result.token_type).toBe('Bearer');
    expect(r.body[3].result.openrpc).toBe('1.3.2');
  });

  it('a scheme other than Bearer is -32001', async () => {
    const r = await post(s.url, call('getUser', { id: 1 }), { headers: { Authorization: 'Basic YWRtaW46YWRtaW4tcGFzc3dvcmQ=' } });
    expect(r.body.error).toMatchObject({ code: -32001, data: { kind: 'UNAUTHENTICATED' } });
  });
});
