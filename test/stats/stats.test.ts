import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_STATS_DAYS } from '../../src/domain/orders/stats.js';
import { gql } from '../graphql/helpers.js';
import { api, problem } from '../rest/helpers.js';
import { BOB, startServer, type TestServer } from '../support/server.js';

/**
 * Read-only aggregates with no id (the source material, 003 lines 80–84):
 * GET /api/v1/stats/orders, and the same operation in every style.
 */
let s: TestServer;
let admin: string;
let bob: string;
const JANUARY = 'from=2026-01-01&to=2026-01-31';

beforeAll(async () => {
  s = await startServer();
  admin = await s.token();
  bob = await s.token(BOB);
});
afterAll(() => s.close());

const stats = async (query: string, token = admin) => {
  const res = await api(s, `/stats/orders?${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Record<string, any>;
};

describe('GET /api/v1/stats/orders', () => {
  it("an administrator gets everyone's seeded orders: count, units, revenue, average, products by revenue", async () => {
    expect(await stats(JANUARY)).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      orders: 3,
      units: 6,
      revenue: '226.50',
      averageOrderValue: '75.50',
      products: [
        { productId: 1, name: 'Laptop', orders: 2, units: 3, revenue: '150.00' },
        { productId: 2, name: 'Mouse', orders: 2, units: 3, revenue: '76.50' },
      ],
      days: [],
    });
  });

  it('per day, and the best products only (top)', async () => {
    const body = await stats(`${JANUARY}&byDay=true&top=1`);
    expect(body.products).toEqual([{ productId: 1, name: 'Laptop', orders: 2, units: 3, revenue: '150.00' }]);
    expect(body.days).toEqual([{ date: '2026-01-15', orders: 3, units: 6, revenue: '226.50' }]);
  });

  it('counts new orders on the day they were placed', async () => {
    const before = await stats('');
    const today = new Date().toISOString().slice(0, 10);
    await api(s, '/users/2/orders', { method: 'POST', token: bob, body: { items: [{ productId: 2, quantity: 2 }] } });
    const after = await stats(`from=${today}&to=${today}&byDay=true`);
    expect(after).toMatchObject({ orders: 1, units: 2, revenue: '51.00', days: [{ date: today, orders: 1, units: 2, revenue: '51.00' }] });
    expect((await stats('')).orders).toBe(before.orders + 1);
  });

  it("a user sees only their own; asking for someone else's is 403", async () => {
    expect(await stats(JANUARY, bob)).toMatchObject({ userId: 2, orders: 1, revenue: '100.00', products: [{ name: 'Laptop', units: 2 }] });
    expect((await problem(await api(s, '/stats/orders?userId=1', { token: bob }))).status).toBe(403);
    expect(await stats('userId=1&to=2026-01-31')).toMatchObject({ userId: 1, orders: 2, revenue: '126.50' });
  });

  it('an empty range is all zeros', async () => {
    expect(await stats('from=2020-01-01&to=2020-01-31&byDay=true')).toMatchObject({ orders: 0, units: 0, revenue: '0.00', averageOrderValue: '0.00', products: [], days: [] });
  });

  it(`validates dates, their order, the per-day range (at most ${MAX_STATS_DAYS} days) and top`, async () => {
    const fields = async (query: string) => (await problem(await api(s, `/stats/orders?${query}`, { token: admin }))).errors!.map((e) => e.field);
    expect(await fields('from=2026-02-30')).toEqual(['from']);
    expect(await fields('from=yesterday')).toEqual(['from']);
    expect(await fields('from=2026-02-01&to=2026-01-01')).toEqual(['to']);
    expect(await fields('byDay=true&from=2025-01-01')).toEqual(['byDay']);
    expect(await fields(`byDay=true&from=2025-01-01&to=2026-01-02`)).toEqual(['byDay']);
    expect((await stats(`byDay=true&from=2025-01-02&to=2026-01-02`)).days).toEqual([]);
    expect(await fields('top=0')).toEqual(['top']);
    expect(await fields('top=101')).toEqual(['top']);
    expect(await fields('colour=red')).toEqual(['colour']);
  });

  it('XML like every other resource', async () => {
    const res = await api(s, `/stats/orders?${JANUARY}`, { token: admin, headers: { Accept: 'application/xml' } });
    expect(await res.text()).toContain('<orderStats><from>2026-01-01</from><to>2026-01-31</to><orders>3</orders><units>6</units><revenue>226.50</revenue>');
  });

  it('needs a caller', async () => {
    expect((await api(s, '/stats/orders')).status).toBe(401);
  });
});

describe('the same operation elsewhere', () => {
  it('GraphQL orderStats', async () => {
    const r = await gql(s.url, '{ orderStats(from: "2026-01-01", to: "2026-01-31", byDay: true) { orders revenue products { name revenue } days { date orders } } }', { token: admin });
    expect(r.body.data!.orderStats).toEqual({
      orders: 3,
      revenue: '226.50',
      products: [
        { name: 'Laptop', revenue: '150.00' },
        { name: 'Mouse', revenue: '76.50' },
      ],
      days: [{ date: '2026-01-15', orders: 3 }],
    });
  });
});
