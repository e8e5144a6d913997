import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admin, domainFixture } from '../support/domain.js';
import { TEST_ENGINE } from '../support/storage.js';

/**
 * Behaviour that must not depend on the storage engine: this file runs on
 * SQLite in every `npm test` and again on PostgreSQL when TEST_DATABASE_URL
 * is set (vitest.config.ts).
 */
describe(`storage on ${TEST_ENGINE}`, () => {
  let d: Awaited<ReturnType<typeof domainFixture>>;
  beforeEach(async () => {
    d = await domainFixture();
  });
  afterEach(() => d.db.destroy());

  it('case-insensitive name filters fold every letter, not only ASCII, and treat % and _ as text', async () => {
    for (const name of ['École', 'ÉCLAIR', 'eclipse', '50% off', 'a_b']) await d.products.create(admin, { name, price: '1.00' });
    const names = async (input: Record<string, unknown>) => (await d.products.list(admin, { ...input, sort: 'id' })).items.map((p) => p.name);
    expect(await names({ name: 'éc' })).toEqual(['École', 'ÉCLAIR']);
    expect(await names({ name: 'ÉC' })).toEqual(['École', 'ÉCLAIR']);
    expect(await names({ name: 'ec' })).toEqual(['eclipse']);
    expect(await names({ name: '%' })).toEqual(['50% off']);
    expect(await names({ name: '_' })).toEqual(['a_b']);
    expect(await names({ filter: "startswith(name, 'écl')" })).toEqual(['ÉCLAIR']);
    expect(await names({ filter: "endswith(name, 'OLE')" })).toEqual(['École']);
  });

  it('money beyond 32 bits and counts come back as exact numbers', async () => {
    const big = await d.products.create(admin, { name: 'Yacht', price: '99999999.99' });
    expect(big.price).toBe('99999999.99');
    const again = await d.products.get(admin, { id: big.id });
    expect(again.price).toBe('99999999.99');
    const page = await d.products.list(admin, { name: 'yacht' });
    expect(page.total).toBe(1);
    const order = await d.orders.create(admin, { userId: 1, items: [{ productId: big.id, quantity: 1000 }] });
    const stats = await d.orders.stats(admin, { userId: 1 });
    expect(order.items[0]).toMatchObject({ quantity: 1000 });
    expect(stats.revenue).toBe('100000000116.50');
  });
});
