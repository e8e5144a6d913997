import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { BOB, startServer, type TestServer } from '../support/server.js';
import { ALICE_USER, LAPTOP, MOUSE, call, notify, openSocket } from './support.js';

describe('JSON-RPC over WebSocket /rpc', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startServer({ bodyLimitBytes: 4096, jsonrpc: { maxBatch: 4 } });
    token = await s.token();
  });
  afterAll(() => s.close());

  it('answers a single call, authenticated by the upgrade\'s Authorization header', async () => {
    const c = await openSocket(s.url, { token });
    c.send('{"jsonrpc":"2.0","method":"getUser","params":{"id":1},"id":1}');
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: 1, result: ALICE_USER });
    c.close();
  });

  it('answers a batch with one message, in the same shape as over HTTP', async () => {
    const c = await openSocket(s.url, { token });
    c.send([call('getProduct', [1], 'a'), notify('getUser', { id: 1 }), { foo: 'boo' }, call('getProduct', { id: 2 }, 'b')]);
    expect(await c.next()).toEqual([
      { jsonrpc: '2.0', id: 'a', result: LAPTOP },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } },
      { jsonrpc: '2.0', id: 'b', result: MOUSE },
    ]);
    c.close();
  });

  it('never answers notifications, though it runs them', async () => {
    const c = await openSocket(s.url, { token });
    c.send(notify('patchUser', { id: 2, name: 'Bobby' }));
    c.send([notify('getUser', { id: 1 }), notify('nonexistent')]);
    c.send(call('getUser', [1], 'after'));
    // The first message to arrive is the answer to the only call: nothing came for the notifications.
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: 'after', result: ALICE_USER });
    // Messages on a socket run concurrently (match answers by id), so look for the notification's effect until it shows.
    let name = '';
    for (let i = 0; i < 50 && name !== 'Bobby'; i++) {
      c.send(call('getUser', [2], i));
      name = (await c.next()).result.name;
    }
    expect(name).toBe('Bobby');
    c.close();
  });

  it('answers invalid JSON with a parse error and keeps the connection', async () => {
    const c = await openSocket(s.url, { token });
    c.send('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]');
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    c.send('[]');
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } });
    c.send(call('rpc.discover', undefined, 9));
    expect((await c.next()).result.openrpc).toBe('1.3.2');
    c.close();
  });

  it('applies the batch limit', async () => {
    const c = await openSocket(s.url, { token });
    c.send([1, 2, 3, 4, 5].map((i) => call('getUser', { id: 1 }, i)));
    expect(await c.next()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Batch too large: at most 4 requests per batch', data: { maxBatch: 4 } },
    });
    c.close();
  });

  it('accepts the token as an access_token query parameter (browsers cannot set headers)', async () => {
    const c = await openSocket(s.url, { query: `?access_token=${encodeURIComponent(token)}` });
    c.send(call('getUser', { id: 1 }));
    expect((await c.next()).result).toEqual(ALICE_USER);
    c.close();
  });

  it('without credentials calls are -32001 until a login on the socket', async () => {
    const c = await openSocket(s.url);
    c.send(call('getUser', { id: 1 }, 1));
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32001, message: 'Authentication required', data: { kind: 'UNAUTHENTICATED' } } });
    c.send(call('login', { username: 'alice@example.com', password: 'demo-password' }, 2));
    expect((await c.next()).result.token_type).toBe('Bearer');
    c.send(call('getOrder', { id: 1 }, 3));
    expect((await c.next()).result).toMatchObject({ id: 1, userId: 1, totalAmount: '101.00' });
    // The socket now acts as Alice: Bob's order is forbidden to her.
    c.send(call('getOrder', { id: 3 }, 4));
    expect((await c.next()).error).toMatchObject({ code: -32003, data: { kind: 'FORBIDDEN' } });
    c.close();
  });

  it('a bad token makes calls -32001 but login still works', async () => {
    const c = await openSocket(s.url, { token: 'garbage' });
    c.send(call('listProducts', {}, 1));
    expect((await c.next()).error).toEqual({ code: -32001, message: 'Invalid or expired token', data: { kind: 'UNAUTHENTICATED' } });
    c.send(call('login', { username: 'admin', password: 'admin-password' }, 2));
    expect((await c.next()).result.token_type).toBe('Bearer');
    c.send(call('listProducts', {}, 3));
    expect((await c.next()).result.total).toBe(2);
    c.close();
  });

  it('checks the token on every message: an open socket stops acting as a user whose password changed', async () => {
    const bob = await s.token(BOB);
    const c = await openSocket(s.url, { token: bob });
    c.send(call('getOrder', { id: 3 }, 1));
    expect((await c.next()).result).toMatchObject({ id: 3, userId: 2 });
    const admin = { caller: { subject: 'admin', role: 'admin' as const, userId: null } };
    await s.app.container.get(TYPES.DomainServices).users.patch(admin, { id: 2, password: 'bobs-new-password' });
    c.send(call('getOrder', { id: 3 }, 2));
    expect((await c.next()).error).toMatchObject({ code: -32001, data: { kind: 'UNAUTHENTICATED' } });
    c.close();
  });

  it('closes with 1009 when a message exceeds the body limit', async () => {
    const c = await openSocket(s.url, { token });
    const closed = c.closed();
    c.send(call('listUsers', { name: 'x'.repeat(5000) }));
    expect((await closed).code).toBe(1009);
  });
});

describe('JSON-RPC WebSocket shutdown', () => {
  it('sends Going Away (1001) to open sockets when the server closes', async () => {
    const s = await startServer();
    const c = await openSocket(s.url, { token: await s.token() });
    const closed = c.closed();
    await s.close();
    expect((await closed).code).toBe(1001);
  });
});
