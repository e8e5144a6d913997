import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { ADMIN, ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { gql, SOURCE_QUERY } from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

describe('nested user → orders → items → product', () => {
  it('answers the source material query in one request with exact decimal totals', async () => {
    const r = await gql(s.url, SOURCE_QUERY, { token: await s.token(ALICE) });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    const user = r.body.data!.user;
    expect(user).toMatchObject({ id: '1', name: 'Alice', email: 'alice@example.com' });
    // Newest first: order 2 then order 1.
    expect(user.orders.map((o: { id: string }) => o.id)).toEqual(['2', '1']);
    const [two, one] = user.orders;
    expect(one.totalAmount).toBe('101.00');
    expect(one.items).toEqual([
      { product: { name: 'Laptop', price: '50.00' }, quantity: 1 },
      { product: { name: 'Mouse', price: '25.50' }, quantity: 2 },
    ]);
    expect(two.totalAmount).toBe('25.50');
    expect(two.items).toEqual([{ product: { name: 'Mouse', price: '25.50' }, quantity: 1 }]);
    expect(one.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('accepts the id as an Int literal too', async () => {
    const r = await gql(s.url, '{ user(id: 2) { name orders { totalAmount } } }', { token: await s.token(BOB) });
    expect(r.body.data!.user).toEqual({ name: 'Bob', orders: [{ totalAmount: '100.00' }] });
  });

  it("shows a user's orders only to that user or an admin (empty list otherwise)", async () => {
    const r = await gql(s.url, '{ user(id: 1) { name orders { id } } }', { token: await s.token(BOB) });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.user).toEqual({ name: 'Alice', orders: [] });
  });
});

describe('batched loading (no N+1)', () => {
  const ALL = `{ users(limit: 100) { total items { id orders { id totalAmount items { quantity product { name price } } } } } }`;

  async function statementsFor(query: string, token: string): Promise<{ statements: number; data: any }> {
    const counter = s.app.container.get(TYPES.QueryCounter);
    const before = counter.count;
    const r = await gql(s.url, query, { token });
    expect(r.body.errors).toBeUndefined();
    return { statements: counter.count - before, data: r.body.data };
  }

  it('costs the same number of storage statements whatever the number of users and orders', async () => {
    const admin = await s.token(ADMIN);
    const first = await statementsFor(ALL, admin);
    expect(first.data.users.total).toBe(2);

    // Grow the data set: 8 more users with 2 orders of 2 lines each.
    const { users, orders } = s.app.container.get(TYPES.DomainServices);
    const principal = { caller: { subject: 'admin', role: 'admin' as const, userId: null } };
    for (let n = 0; n < 8; n++) {
      const u = await users.create(principal, { name: `Extra ${n}`, email: `extra${n}@example.com` });
      for (let k = 0; k < 2; k++) {
        await orders.create(principal, { userId: u.id, items: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: k + 1 }] });
      }
    }

    // Publishing those writes' events reads the outbox; let it finish so only the query is counted.
    await s.app.container.get(TYPES.OutboxRelay).flushed();
    const second = await statementsFor(ALL, admin);
    expect(second.data.users.total).toBe(10);
    const lines = second.data.users.items.flatMap((u: any) => u.orders.flatMap((o: any) => o.items));
    expect(lines.length).toBe(3 + 1 + 8 * 2 * 2);
    expect(second.statements).toBe(first.statements);
    // users page (rows + count), orders of all users, their items, the products: a handful, not one per row.
    expect(second.statements).toBeLessThanOrEqual(6);
  });
});
