import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient } from '../../src/clients/rest.js';
import { OPERATIONS, UNARY_OPERATION_NAMES, type OperationName } from '../../src/contract/operations.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { ALICE_USER } from './helpers.js';

describe('RestClient (ProtocolClient over REST)', () => {
  let s: TestServer;
  let client: RestClient;
  let admin: string;
  let alice: string;
  beforeAll(async () => {
    s = await startServer();
    client = new RestClient(`${s.url}/`);
    admin = await s.token();
    alice = await s.token(ALICE);
  });
  afterAll(() => s.close());

  const ok = async (operation: OperationName, input: Record<string, unknown>, token?: string) => {
    const out = await client.call(operation, input, token);
    if (!out.ok) throw new Error(`${operation} failed: ${out.kind} ${out.fields.join(',')}`);
    // Exactly the domain's output shape: the contract's schema accepts it unchanged, no hypermedia left.
    const op = OPERATIONS.find((o) => o.name === operation)!;
    expect(op.output.parse(out.data)).toEqual(out.data);
    expect(JSON.stringify(out.data)).not.toContain('"links"');
    return out.data as Record<string, any>;
  };

  it('calls every operation in OPERATIONS and gets the domain shape back', async () => {
    const called = new Set<string>();
    const track = async (op: OperationName, input: Record<string, unknown>, token?: string) => {
      called.add(op);
      return ok(op, input, token);
    };
    const token = await track('login', { username: 'admin', password: 'admin-password' });
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });

    expect(await track('getUser', { id: 1 }, alice)).toEqual(ALICE_USER);
    const users = await track('listUsers', { limit: 1, offset: 1, sort: '-name' }, alice);
    expect(users).toMatchObject({ items: [{ id: 1, name: 'Alice' }], total: 2, limit: 1, offset: 1 });

    const created = await track('createUser', { name: 'Client Carl', email: 'carl@example.com', password: 'carl-password' }, admin);
    expect(created).toMatchObject({ name: 'Client Carl', role: 'user', version: 1 });
    const replaced = await track('updateUser', { id: created.id, name: 'Carl', email: 'carl@example.com', expectedVersion: 1 }, admin);
    expect(replaced).toMatchObject({ name: 'Carl', version: 2 });
    const patched = await track('patchUser', { id: created.id, email: 'carl2@example.com', expectedVersion: 2 }, admin);
    expect(patched).toMatchObject({ email: 'carl2@example.com', version: 3 });

    const order = await track('createOrder', { userId: created.id, items: [{ productId: 1, quantity: 2 }] }, admin);
    expect(order).toMatchObject({ userId: created.id, totalAmount: '100.00', items: [{ productId: 1, quantity: 2, unitPrice: '50.00', lineTotal: '100.00' }] });
    expect(await track('getOrder', { id: order.id }, admin)).toEqual(order);
    expect(await track('listUserOrders', { userId: created.id }, admin)).toEqual({ items: [order], total: 1, limit: 10, offset: 0 });

    expect(await track('deleteUser', { id: created.id, expectedVersion: 3 }, admin)).toEqual({ deleted: true, id: created.id });

    const bulk = await track('bulkCreateUsers', { items: [{ name: 'Bulk Bea', email: 'bea@example.com' }, { name: 'Dup', email: 'bob@example.com' }], handling: 'lenient' }, admin);
    expect(bulk).toMatchObject({ handling: 'lenient', succeeded: 1, failed: 1, items: [{ index: 0, ok: true }, { index: 1, ok: false, error: { kind: 'CONFLICT' } }] });
    const bea = bulk.items[0].id as number;
    expect(await track('bulkPatchUsers', { items: [{ id: bea, name: 'Bea' }] }, admin)).toMatchObject({ succeeded: 1, items: [{ user: { name: 'Bea', version: 2 } }] });
    expect(await track('bulkDeleteUsers', { items: [{ id: bea, expectedVersion: 2 }] }, admin)).toEqual({ handling: 'strict', succeeded: 1, failed: 0, items: [{ index: 0, ok: true, id: bea }] });
    expect(await track('getOrderStats', { userId: 2, top: 1 }, admin)).toMatchObject({ userId: 2, orders: 1, revenue: '100.00', products: [{ name: 'Laptop' }] });

    const product = await track('createProduct', { name: 'Cable', price: 9.5 }, admin);
    expect(product).toMatchObject({ name: 'Cable', price: '9.50' });
    expect(await track('getProduct', { id: product.id }, alice)).toEqual(product);
    expect(await track('updateProduct', { id: product.id, name: 'Cable', price: '9.99' }, admin)).toEqual({ ...product, price: '9.99' });
    const products = await track('listProducts', { minPrice: '9', sort: 'price' }, alice);
    expect(products.items.map((p: { name: string }) => p.name)).toEqual(['Cable', 'Mouse', 'Laptop']);
    expect(await track('deleteProduct', { id: product.id }, admin)).toEqual({ deleted: true, id: product.id });

    // Long polling: ?after=&max=&wait=&types=a,b → {data, links.next} → the batch and its cursor.
    const events = await track('getEvents', { after: '0', max: 3, waitSeconds: 0, types: ['product.created', 'product.deleted'] }, alice);
    expect(events).toEqual({
      events: [
        { id: expect.any(String), type: 'product.created', occurredAt: expect.any(String), data: product },
        { id: expect.any(String), type: 'product.deleted', occurredAt: expect.any(String), data: { id: product.id } },
      ],
      next: events.events[1].id,
    });

    expect([...called].sort()).toEqual([...UNARY_OPERATION_NAMES].sort());
  });

  it('recovers the canonical kind and sorted field names from problem details', async () => {
    expect(await client.call('getUser', { id: 999 }, admin)).toEqual({ ok: false, kind: 'NOT_FOUND', fields: [] });
    expect(await client.call('getUser', { id: 1 })).toEqual({ ok: false, kind: 'UNAUTHENTICATED', fields: [] });
    expect(await client.call('createProduct', { name: 'X', price: '1.00' }, alice)).toEqual({ ok: false, kind: 'FORBIDDEN', fields: [] });
    expect(await client.call('createUser', { name: '', email: 'nope' }, admin)).toEqual({ ok: false, kind: 'VALIDATION', fields: ['email', 'name'] });
    expect(await client.call('createUser', { name: 'Dup', email: 'bob@example.com' }, admin)).toEqual({ ok: false, kind: 'CONFLICT', fields: ['email'] });
    expect(await client.call('patchUser', { id: 2, name: 'Old', expectedVersion: 99 }, admin)).toEqual({ ok: false, kind: 'PRECONDITION_FAILED', fields: [] });
    expect(await client.call('listUsers', { limit: 101 }, admin)).toEqual({ ok: false, kind: 'VALIDATION', fields: ['limit'] });
    expect(await client.call('getUser', { id: 0 }, admin)).toEqual({ ok: false, kind: 'VALIDATION', fields: ['id'] });
  });
});
