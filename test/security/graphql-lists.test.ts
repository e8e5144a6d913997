import { afterEach, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { gql } from '../graphql/helpers.js';
import { ADMIN, ALICE, startServer, type TestServer } from '../support/server.js';

/**
 * Issue 10, finding 5: `User.orders` was unpaged, so ten aliases of it on a
 * user with many orders returned every order ten times (25 MB). It is now
 * a page (limit 1–100, default 10, offset) read in one windowed statement
 * for every user in the response, and its page size weighs in the cost.
 */
let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const ORDERS = 25;

/** Alice (user 1) gets ORDERS more orders beside her two seeded ones. */
async function withManyOrders(): Promise<{ server: TestServer; admin: string }> {
  const server = (s = await startServer());
  const alice = await server.token(ALICE);
  for (let n = 0; n < ORDERS; n++) {
    const r = await gql(server.url, `mutation { createOrder(userId: 1, items: [{ productId: 1, quantity: ${n + 1} }]) { id } }`, { token: alice });
    expect(r.body.errors).toBeUndefined();
  }
  return { server, admin: await server.token(ADMIN) };
}

const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

describe('User.orders is paged', () => {
  it('ten aliased orders lists return a page each, not every order ten times', async () => {
    const { server, admin } = await withManyOrders();
    const r = await gql(server.url, `{ user(id: 1) { ${aliases(10, 'orders { id items { quantity } }')} } }`, { token: admin });
    expect(r.body.errors).toBeUndefined();
    const user = r.body.data!.user as Record<string, { id: string }[]>;
    for (let i = 0; i < 10; i++) expect(user[`a${i}`]).toHaveLength(10);
  });

  it('pages like Query.orders: limit and offset, newest first', async () => {
    const { server, admin } = await withManyOrders();
    const r = await gql(
      server.url,
      '{ user(id: 1) { first: orders(limit: 3) { id } next: orders(limit: 3, offset: 3) { id } last: orders(limit: 100, offset: 25) { id } } orders(userId: 1, limit: 6) { total items { id } } }',
      { token: admin },
    );
    expect(r.body.errors).toBeUndefined();
    const { user, orders } = r.body.data! as { user: Record<string, { id: string }[]>; orders: { total: number; items: { id: string }[] } };
    expect(orders.total).toBe(ORDERS + 2);
    expect([...user.first!, ...user.next!]).toEqual(orders.items);
    expect(user.last!.map((o) => o.id)).toEqual(['2', '1']);
  });

  it('refuses a page size outside 1–100 on that field alone', async () => {
    const { server, admin } = await withManyOrders();
    const r = await gql(server.url, '{ user(id: 1) { name orders(limit: 101) { id } } }', { token: admin });
    expect(r.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.body.errors![0]!.path).toEqual(['user', 'orders']);
  });

  it('reads one windowed statement per page asked for, whatever the number of users', async () => {
    const { server, admin } = await withManyOrders();
    const counter = server.app.container.get(TYPES.QueryCounter);
    const statements = async (users: number) => {
      const before = counter.count;
      const r = await gql(server.url, `{ users(limit: ${users}) { items { orders(limit: 5) { id items { product { name } } } } } }`, { token: admin });
      expect(r.body.errors).toBeUndefined();
      return counter.count - before;
    };
    expect(await statements(1)).toBe(await statements(3));
  });
});

describe('list sizes weigh in the cost', () => {
  it('refuses ten aliased orders lists of 100 with their lines before execution (the attack, paged to the maximum)', async () => {
    const { server, admin } = await withManyOrders();
    const r = await gql(server.url, `{ user(id: 1) { ${aliases(10, 'orders(limit: 100) { id userId createdAt totalAmount items { productId quantity unitPrice lineTotal product { id name price } } }')} } }`, {
      token: admin,
    });
    expect(r.body.data).toBeUndefined(); // a request error: nothing executed
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxCost', max: 10_000, actual: 1 + 10 * (1 + 100 * 13) });
    expect(r.body.errors![0]!.message).toMatch(/^Query may return \d+ values/);
  });

  it('counts a page of pages at both sizes; a variable page size at its maximum', async () => {
    s = await startServer();
    const admin = await s.token(ADMIN);
    const nested = await gql(s.url, '{ users(limit: 100) { items { orders(limit: 100) { id } } } }', { token: admin });
    expect(nested.body.errors![0]!.extensions).toMatchObject({ limit: 'maxCost', actual: 2 + 100 * (1 + 100) });
    // Page sizes in variables count at the values each request sends (the document is validated once, cached).
    const variable = 'query ($n: Int, $m: Int = 5) { users(limit: $n) { items { orders(limit: $m) { id } } } }';
    const big = await gql(s.url, variable, { token: admin, variables: { n: 100, m: 100 } });
    expect(big.body.data).toBeUndefined();
    expect(big.body.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxCost', actual: 2 + 100 * (1 + 100) });
    const small = await gql(s.url, variable, { token: admin, variables: { n: 100, m: 2 } });
    expect(small.body.errors).toBeUndefined();
    // Absent, a variable's default counts, then the argument's (limit 10).
    const defaults = await gql(s.url, variable, { token: admin });
    expect(defaults.body.errors).toBeUndefined();
  });
});
