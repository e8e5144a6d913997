/**
 * The seeded demo data in the domain's JSON shape, as a fresh database holds
 * it (src/infra/storage/seed.ts uses fixed timestamps). Every protocol's
 * tests compare against these.
 */
export const ALICE_USER = {
  id: 1,
  name: 'Alice',
  email: 'alice@example.com',
  role: 'user',
  createdAt: '2026-01-15T09:00:00.000Z',
  updatedAt: '2026-01-15T09:00:00.000Z',
  version: 1,
};
export const BOB_USER = {
  id: 2,
  name: 'Bob',
  email: 'bob@example.com',
  role: 'user',
  createdAt: '2026-01-15T09:01:00.000Z',
  updatedAt: '2026-01-15T09:01:00.000Z',
  version: 1,
};
export const LAPTOP = { id: 1, name: 'Laptop', price: '50.00' };
export const MOUSE = { id: 2, name: 'Mouse', price: '25.50' };
export const ORDER_1 = {
  id: 1,
  userId: 1,
  createdAt: '2026-01-15T09:10:00.000Z',
  items: [
    { productId: 1, quantity: 1, unitPrice: '50.00', lineTotal: '50.00' },
    { productId: 2, quantity: 2, unitPrice: '25.50', lineTotal: '51.00' },
  ],
  totalAmount: '101.00',
};
export const ORDER_2 = {
  id: 2,
  userId: 1,
  createdAt: '2026-01-15T09:20:00.000Z',
  items: [{ productId: 2, quantity: 1, unitPrice: '25.50', lineTotal: '25.50' }],
  totalAmount: '25.50',
};
