import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type ProtocolClient } from '../../src/clients/index.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';

/**
 * Finding 9: totals past 2^53 cents came out rounded (a double skips odd
 * cents there). 99 lines of 1000 × 9 999 999 999.99 plus one cent must be
 * 989 999 999 999 010.01 exactly, in the order and in the statistics.
 */
const EXPECTED_TOTAL = '989999999999010.01';
// The old code's float sum of the same lines: not the exact amount.
const FLOAT_TOTAL = Array.from({ length: 99 }, () => 1000 * 999_999_999_999).reduce((t, x) => t + x, 0) + 1;

let s: TestServer;
let token: string;
let clients: ReturnType<typeof createClients>;
let big: number;
let cent: number;
let userId: number;

beforeAll(async () => {
  s = await startServer();
  token = await s.token(ADMIN);
  clients = createClients(s.url);
  const rest = clients.rest;
  const a = await rest.call('createProduct', { name: 'Yacht', price: '9999999999.99' }, token);
  const b = await rest.call('createProduct', { name: 'Sticker', price: '0.01' }, token);
  const u = await rest.call('createUser', { name: 'Big Spender', email: 'big-spender@example.com', password: 'big-spender-password' }, token);
  if (!a.ok || !b.ok || !u.ok) throw new Error(`setup failed: ${JSON.stringify([a, b, u])}`);
  big = (a.data as { id: number }).id;
  cent = (b.data as { id: number }).id;
  userId = (u.data as { id: number }).id;
});
afterAll(async () => {
  for (const c of Object.values(clients ?? {})) await c.close?.();
  await s?.close();
});

const items = () => [...Array.from({ length: 99 }, () => ({ productId: big, quantity: 1000 })), { productId: cent, quantity: 1 }];

describe('money above 2^53 cents', () => {
  it('the example really is past what a double holds', () => {
    expect(Number.isSafeInteger(FLOAT_TOTAL)).toBe(false);
    expect((FLOAT_TOTAL / 100).toFixed(2)).not.toBe(EXPECTED_TOTAL);
  });

  for (const style of ['rest', 'jsonrpc', 'graphql'] as const) {
    it(`${style}: an order's total is exact`, async () => {
      const client: ProtocolClient = clients[style];
      const created = await client.call('createOrder', { userId, items: items() }, token);
      expect(created.ok, JSON.stringify(created)).toBe(true);
      const order = (created as { data: { id: number; totalAmount: string; items: { lineTotal: string }[] } }).data;
      expect(order.totalAmount).toBe(EXPECTED_TOTAL);
      expect(order.items[0]!.lineTotal).toBe('9999999999990.00');
      const read = await client.call('getOrder', { id: order.id }, token);
      expect((read as { data: { totalAmount: string } }).data.totalAmount).toBe(EXPECTED_TOTAL);
    });
  }

  it('statistics over those orders are exact too (three orders: 3 × the total, and its average)', async () => {
    for (const style of ['rest', 'jsonrpc'] as const) {
      const stats = await clients[style].call('getOrderStats', { userId }, token);
      expect(stats.ok, JSON.stringify(stats)).toBe(true);
      const data = (stats as { data: { orders: number; revenue: string; averageOrderValue: string; products: { productId: number; revenue: string }[] } }).data;
      expect(data.orders).toBe(3);
      expect(data.revenue).toBe('2969999999997030.03');
      expect(data.averageOrderValue).toBe(EXPECTED_TOTAL);
      expect(data.products[0]).toMatchObject({ productId: big, revenue: '2969999999997030.00' });
    }
  });
});
