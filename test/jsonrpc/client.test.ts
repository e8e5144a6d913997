import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRpcClient } from '../../src/clients/jsonrpc.js';
import { UNARY_OPERATION_NAMES, type OperationName } from '../../src/contract/operations.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { ALICE_USER, LAPTOP, MOUSE } from './support.js';
import { ORDER_1 } from '../support/demo.js';

describe('JsonRpcClient (json-rpc-2.0 JSONRPCClient over fetch)', () => {
  let s: TestServer;
  let client: JsonRpcClient;
  let admin: string;
  let alice: string;
  const called = new Set<OperationName>();
  const call = (op: OperationName, input: Record<string, unknown>, token?: string) => {
    called.add(op);
    return client.call(op, input, token);
  };

  beforeAll(async () => {
    s = await startServer();
    client = new JsonRpcClient(s.url);
    admin = await s.token();
    alice = await s.token(ALICE);
  });
  afterAll(() => s.close());

  it('login', async () => {
    const r = await call('login', { username: 'admin', password: 'admin-password' });
    expect(r).toEqual({ ok: true, data: { access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number) } });
  });

  it('reads: getUser, listUsers, listUserOrders, getOrder, listProducts, getProduct', async () => {
    expect(await call('getUser', { id: 1 }, admin)).toEqual({ ok: true, data: ALICE_USER });
    expect(await call('listUsers', { limit: 1 }, admin)).toEqual({ ok: true, data: { items: [ALICE_USER], total: 2, limit: 1, offset: 0 } });
    const orders = await call('listUserOrders', { userId: 1 }, alice);
    expect(orders).toMatchObject({ ok: true, data: { total: 2, limit: 10, offset: 0 } });
    expect(await call('getOrder', { id: 1 }, alice)).toEqual({ ok: true, data: ORDER_1 });
    expect(await call('listProducts', {}, alice)).toEqual({ ok: true, data: { items: [LAPTOP, MOUSE], total: 2, limit: 10, offset: 0 } });
    expect(await call('getProduct', { id: 2 }, alice)).toEqual({ ok: true, data: MOUSE });
  });

  it('user writes: createUser, updateUser, patchUser, deleteUser', async () => {
    const created = await call('createUser', { name: 'Carol', email: 'carol@example.com', password: 'carol-password' }, admin);
    expect(created).toMatchObject({ ok: true, data: { name: 'Carol', email: 'carol@example.com', role: 'user', version: 1 } });
    const id = (created as { data: { id: number } }).data.id;
    const updated = await call('updateUser', { id, name: 'Caroline', email: 'caroline@example.com', expectedVersion: 1 }, admin);
    expect(updated).toMatchObject({ ok: true, data: { id, name: 'Caroline', email: 'caroline@example.com', version: 2 } });
    expect(await call('patchUser', { id, name: 'Caz' }, admin)).toMatchObject({ ok: true, data: { id, name: 'Caz', version: 3 } });
    expect(await call('deleteUser', { id }, admin)).toEqual({ ok: true, data: { deleted: true, id } });
    expect(await call('getUser', { id }, admin)).toEqual({ ok: false, kind: 'NOT_FOUND', fields: [] });
  });

  it('product writes: createProduct, updateProduct, deleteProduct', async () => {
    const created = await call('createProduct', { name: 'Keyboard', price: 19.9 }, admin);
    expect(created).toEqual({ ok: true, data: { id: expect.any(Number), name: 'Keyboard', price: '19.90' } });
    const id = (created as { data: { id: number } }).data.id;
    expect(await call('updateProduct', { id, name: 'Keyboard Pro', price: '29.95' }, admin)).toEqual({ ok: true, data: { id, name: 'Keyboard Pro', price: '29.95' } });
    expect(await call('deleteProduct', { id }, admin)).toEqual({ ok: true, data: { deleted: true, id } });
  });

  it('createOrder', async () => {
    const r = await call('createOrder', { userId: 1, items: [{ productId: 1, quantity: 2 }] }, alice);
    expect(r).toMatchObject({ ok: true, data: { userId: 1, items: [{ productId: 1, quantity: 2, unitPrice: '50.00', lineTotal: '100.00' }], totalAmount: '100.00' } });
  });

  it('several objects and aggregates: bulkCreateUsers, bulkPatchUsers, bulkDeleteUsers, getOrderStats', async () => {
    const created = await call('bulkCreateUsers', { items: [{ name: 'Ann', email: 'ann@example.com' }, { name: 'Ben', email: 'ben@example.com' }] }, admin);
    expect(created).toMatchObject({ ok: true, data: { handling: 'strict', succeeded: 2, failed: 0 } });
    const ids = (created as { data: { items: { id: number }[] } }).data.items.map((i) => i.id);
    const patched = await call('bulkPatchUsers', { items: ids.map((id) => ({ id, role: 'admin' })), handling: 'lenient' }, admin);
    expect(patched).toMatchObject({ ok: true, data: { handling: 'lenient', succeeded: 2, items: [{ user: { role: 'admin' } }, { user: { role: 'admin' } }] } });
    expect(await call('bulkDeleteUsers', { items: ids.map((id) => ({ id })) }, admin)).toEqual({
      ok: true,
      data: { handling: 'strict', succeeded: 2, failed: 0, items: ids.map((id, index) => ({ index, ok: true, id })) },
    });
    expect(await call('getOrderStats', { to: '2026-01-31' }, alice)).toMatchObject({ ok: true, data: { userId: 1, orders: 2, revenue: '126.50', days: [] } });
  });

  it('errors come back as the canonical kind with sorted field names', async () => {
    expect(await call('getUser', { id: 1 })).toEqual({ ok: false, kind: 'UNAUTHENTICATED', fields: [] });
    expect(await call('getUser', { id: 1 }, 'bad-token')).toEqual({ ok: false, kind: 'UNAUTHENTICATED', fields: [] });
    expect(await call('getOrder', { id: 3 }, alice)).toEqual({ ok: false, kind: 'FORBIDDEN', fields: [] });
    expect(await call('createProduct', { name: 'X', price: '1.00' }, alice)).toEqual({ ok: false, kind: 'FORBIDDEN', fields: [] });
    expect(await call('createUser', { name: 'Dup', email: 'bob@example.com' }, admin)).toMatchObject({ ok: false, kind: 'CONFLICT' });
    expect(await call('patchUser', { id: 2, name: 'B', expectedVersion: 42 }, admin)).toEqual({ ok: false, kind: 'PRECONDITION_FAILED', fields: [] });
    expect(await call('createOrder', { userId: 0, items: [], note: 'x' }, admin)).toEqual({ ok: false, kind: 'VALIDATION', fields: ['items', 'note', 'userId'] });
  });

  it('getEvents', async () => {
    const r = await call('getEvents', { after: '0', types: ['order.created'] }, alice);
    // Alice sees her own order from the createOrder test, never anyone else's.
    expect(r).toMatchObject({ ok: true, data: { events: [{ type: 'order.created', data: { userId: 1, totalAmount: '100.00' } }] } });
  });

  it('called every operation in the contract', () => {
    expect([...called].sort()).toEqual([...UNARY_OPERATION_NAMES].sort());
  });
});
