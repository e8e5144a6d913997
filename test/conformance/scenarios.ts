import { expect } from 'vitest';
import type { OperationName } from '../../src/contract/operations.js';
import type { DomainServices } from '../../src/contract/operations.js';
import type { ErrorKind } from '../../src/domain/errors.js';
import { encodeCursor } from '../../src/domain/query/cursor.js';
import { ALICE_USER as ALICE, BOB_USER as BOB, LAPTOP, MOUSE, ORDER_1, ORDER_2 } from '../support/demo.js';

/**
 * The conformance matrix, in domain terms and nothing else: every protocol
 * must turn each case into the same outcome. Cases that need state make it
 * fresh, in-process through the domain, so no protocol depends on another
 * and no case on the one before it.
 */
export type Who = 'admin' | 'alice' | 'bob' | 'anonymous';
export type Case = 'success' | ErrorKind;

export interface Fixtures {
  /** A fresh user, admin-created; `tag` keeps emails unique across runs. */
  user(tag: string): Promise<{ id: number; email: string; version: number }>;
  product(tag: string): Promise<{ id: number }>;
  order(userId: number): Promise<{ id: number }>;
  /** Bumps a user's version behind the caller's back. */
  touch(userId: number): Promise<void>;
  /** The newest event id now: events after it are what comes next. */
  cursor(): Promise<string>;
}

export interface Scenario {
  operation: OperationName;
  case: Case;
  as: Who;
  /** Inputs for one run; `tag` is unique per protocol and scenario. */
  input(fx: Fixtures, tag: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** For success: the data every protocol must return (asymmetric matchers for what varies). */
  data?: (input: Record<string, unknown>) => unknown;
  /** For failures: the field names the error must name, sorted. */
  fields?: string[];
}

const AFTER_ALICE_BOB = encodeCursor({ values: [1], id: 1 }, [{ field: 'id', descending: false }], { op: 'contains', field: 'name', value: 'bob' });
const ts = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
const anyId = expect.any(Number);

const email = (tag: string) => `${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@conformance.test`;
const newUser = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: anyId,
  name: input.name,
  email: input.email,
  role: input.role ?? 'user',
  createdAt: ts,
  updatedAt: ts,
  version: 1,
  ...extra,
});
const withoutEmail = ({ email: _hidden, ...user }: typeof ALICE) => user;
const bulkResult = (handling: 'strict' | 'lenient', items: Record<string, unknown>[]) => ({
  handling,
  succeeded: items.filter((i) => i.ok).length,
  failed: items.filter((i) => !i.ok).length,
  items,
});
const ALICE_STATS = {
  userId: 1,
  from: '2026-01-01',
  to: '2026-01-31',
  orders: 2,
  units: 4,
  revenue: '126.50',
  averageOrderValue: '63.25',
  products: [
    { productId: 2, name: 'Mouse', orders: 2, units: 3, revenue: '76.50' },
    { productId: 1, name: 'Laptop', orders: 1, units: 1, revenue: '50.00' },
  ],
  days: [{ date: '2026-01-15', orders: 2, units: 4, revenue: '126.50' }],
};
const changedUser = (input: Record<string, unknown>, version: number) => ({
  id: input.id,
  name: input.name ?? expect.any(String),
  email: input.email ?? expect.any(String),
  role: input.role ?? 'user',
  createdAt: ts,
  updatedAt: ts,
  version,
});

export const SCENARIOS: Scenario[] = [
  // login
  { operation: 'login', case: 'success', as: 'anonymous', input: () => ({ username: 'alice@example.com', password: 'demo-password' }), data: () => ({ access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), token_type: 'Bearer', expires_in: 3600 }) },
  { operation: 'login', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ username: 'alice@example.com', password: 'wrong-password' }), fields: [] },
  { operation: 'login', case: 'VALIDATION', as: 'anonymous', input: () => ({ username: '', password: 'x' }), fields: ['username'] },

  // getUser: another user's record without their email; your own, or any as an admin, whole
  { operation: 'getUser', case: 'success', as: 'bob', input: () => ({ id: 1 }), data: () => withoutEmail(ALICE) },
  { operation: 'getUser', case: 'success', as: 'alice', input: () => ({ id: 1 }), data: () => ALICE },
  { operation: 'getUser', case: 'success', as: 'admin', input: () => ({ id: 2 }), data: () => BOB },
  { operation: 'getUser', case: 'NOT_FOUND', as: 'alice', input: () => ({ id: 999999 }), fields: [] },
  { operation: 'getUser', case: 'VALIDATION', as: 'alice', input: () => ({ id: 0 }), fields: ['id'] },
  { operation: 'getUser', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ id: 1 }), fields: [] },

  // listUsers
  { operation: 'listUsers', case: 'success', as: 'alice', input: () => ({ limit: 2, offset: 0, name: 'BO', role: 'user', sort: '-name,id' }), data: () => ({ items: [withoutEmail(BOB)], total: 1, limit: 2, offset: 0 }) },
  { operation: 'listUsers', case: 'success', as: 'admin', input: () => ({ email: 'bob@example.com', sort: 'email' }), data: () => ({ items: [BOB], total: 1, limit: 10, offset: 0 }) },
  { operation: 'listUsers', case: 'FORBIDDEN', as: 'alice', input: () => ({ email: 'bob@example.com' }), fields: [] },
  { operation: 'listUsers', case: 'VALIDATION', as: 'alice', input: () => ({ limit: 500 }), fields: ['limit'] },
  // Keyset paging: the cursor after Alice among the names containing "bob" is where Bob's page starts, in every style.
  { operation: 'listUsers', case: 'success', as: 'admin', input: () => ({ limit: 1, name: 'bob', cursor: AFTER_ALICE_BOB }), data: () => expect.objectContaining({ items: [BOB], limit: 1, offset: 0 }) },
  { operation: 'listUsers', case: 'success', as: 'admin', input: () => ({ limit: 1, cursor: '' }), data: () => expect.objectContaining({ items: [ALICE], limit: 1, offset: 0, nextCursor: expect.any(String) }) },
  { operation: 'listUsers', case: 'VALIDATION', as: 'alice', input: () => ({ limit: 1, cursor: 'not-a-cursor' }), fields: ['cursor'] },
  { operation: 'listUsers', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({}), fields: [] },

  // createUser
  { operation: 'createUser', case: 'success', as: 'admin', input: (_f, tag) => ({ name: 'Charlie', email: email(tag) }), data: (i) => newUser(i) },
  { operation: 'createUser', case: 'CONFLICT', as: 'admin', input: () => ({ name: 'Alice Again', email: 'alice@example.com' }), fields: ['email'] },
  { operation: 'createUser', case: 'VALIDATION', as: 'admin', input: () => ({ name: 'No Email', email: 'not-an-email' }), fields: ['email'] },
  { operation: 'createUser', case: 'FORBIDDEN', as: 'alice', input: (_f, tag) => ({ name: 'Sneaky', email: email(tag) }), fields: [] },
  { operation: 'createUser', case: 'UNAUTHENTICATED', as: 'anonymous', input: (_f, tag) => ({ name: 'Anon', email: email(tag) }), fields: [] },

  // updateUser
  { operation: 'updateUser', case: 'success', as: 'admin', input: async (f, tag) => ({ id: (await f.user(tag)).id, name: 'Renamed', email: email(`${tag}-new`) }), data: (i) => changedUser(i, 2) },
  { operation: 'updateUser', case: 'NOT_FOUND', as: 'admin', input: (_f, tag) => ({ id: 999999, name: 'Nobody', email: email(tag) }), fields: [] },
  { operation: 'updateUser', case: 'CONFLICT', as: 'admin', input: async (f, tag) => ({ id: (await f.user(tag)).id, name: 'Dup', email: 'bob@example.com' }), fields: ['email'] },
  { operation: 'updateUser', case: 'VALIDATION', as: 'admin', input: async (f, tag) => ({ id: (await f.user(tag)).id, name: '', email: email(tag) }), fields: ['name'] },
  { operation: 'updateUser', case: 'PRECONDITION_FAILED', as: 'admin', input: async (f, tag) => { const u = await f.user(tag); await f.touch(u.id); return { id: u.id, name: 'Stale', email: u.email, expectedVersion: 1 }; }, fields: [] },
  { operation: 'updateUser', case: 'FORBIDDEN', as: 'alice', input: () => ({ id: 2, name: 'Hijacked', email: 'bob@example.com' }), fields: [] },
  { operation: 'updateUser', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ id: 2, name: 'Anon', email: 'bob@example.com' }), fields: [] },

  // patchUser
  { operation: 'patchUser', case: 'success', as: 'admin', input: async (f, tag) => ({ id: (await f.user(tag)).id, name: 'Patched' }), data: (i) => changedUser(i, 2) },
  { operation: 'patchUser', case: 'NOT_FOUND', as: 'admin', input: () => ({ id: 999999, name: 'Nobody' }), fields: [] },
  { operation: 'patchUser', case: 'CONFLICT', as: 'admin', input: async (f, tag) => ({ id: (await f.user(tag)).id, email: 'alice@example.com' }), fields: ['email'] },
  { operation: 'patchUser', case: 'VALIDATION', as: 'admin', input: async (f, tag) => ({ id: (await f.user(tag)).id, email: 'broken' }), fields: ['email'] },
  { operation: 'patchUser', case: 'PRECONDITION_FAILED', as: 'admin', input: async (f, tag) => { const u = await f.user(tag); await f.touch(u.id); return { id: u.id, name: 'Stale', expectedVersion: 1 }; }, fields: [] },
  { operation: 'patchUser', case: 'FORBIDDEN', as: 'alice', input: () => ({ id: 1, role: 'admin' }), fields: [] },
  { operation: 'patchUser', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ id: 1, name: 'Anon' }), fields: [] },

  // deleteUser
  { operation: 'deleteUser', case: 'success', as: 'admin', input: async (f, tag) => ({ id: (await f.user(tag)).id }), data: (i) => ({ deleted: true, id: i.id }) },
  { operation: 'deleteUser', case: 'NOT_FOUND', as: 'admin', input: () => ({ id: 999999 }), fields: [] },
  { operation: 'deleteUser', case: 'VALIDATION', as: 'admin', input: () => ({ id: -5 }), fields: ['id'] },
  { operation: 'deleteUser', case: 'PRECONDITION_FAILED', as: 'admin', input: async (f, tag) => { const u = await f.user(tag); await f.touch(u.id); return { id: u.id, expectedVersion: 1 }; }, fields: [] },
  { operation: 'deleteUser', case: 'FORBIDDEN', as: 'bob', input: () => ({ id: 1 }), fields: [] },
  { operation: 'deleteUser', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ id: 1 }), fields: [] },

  // bulkCreateUsers: strict (all or nothing) and lenient (item by item)
  {
    operation: 'bulkCreateUsers',
    case: 'success',
    as: 'admin',
    input: (_f, tag) => ({ items: [{ name: 'Bulk A', email: email(`${tag}-a`) }, { name: 'Bulk B', email: email(`${tag}-b`), role: 'admin' }] }),
    data: (i) => bulkResult('strict', (i.items as Record<string, unknown>[]).map((item, n) => ({ index: n, ok: true, id: anyId, user: newUser(item) }))),
  },
  {
    operation: 'bulkCreateUsers',
    case: 'success',
    as: 'admin',
    input: (_f, tag) => ({ items: [{ name: 'Bulk C', email: email(`${tag}-c`) }, { name: 'Dup', email: 'alice@example.com' }], handling: 'lenient' }),
    data: (i) =>
      bulkResult('lenient', [
        { index: 0, ok: true, id: anyId, user: newUser((i.items as Record<string, unknown>[])[0]!) },
        { index: 1, ok: false, error: { kind: 'CONFLICT', message: 'User conflicts with an existing record', fields: [{ field: 'email', message: 'already in use' }] } },
      ]),
  },
  { operation: 'bulkCreateUsers', case: 'CONFLICT', as: 'admin', input: (_f, tag) => ({ items: [{ name: 'Bulk D', email: email(tag) }, { name: 'Dup', email: 'bob@example.com' }] }), fields: ['items.1.email'] },
  { operation: 'bulkCreateUsers', case: 'VALIDATION', as: 'admin', input: (_f, tag) => ({ items: [{ name: 'Bad', email: 'not-an-email' }, { name: 'Good', email: email(tag) }] }), fields: ['items.0.email'] },
  { operation: 'bulkCreateUsers', case: 'FORBIDDEN', as: 'alice', input: (_f, tag) => ({ items: [{ name: 'Sneaky', email: email(tag) }] }), fields: [] },
  { operation: 'bulkCreateUsers', case: 'UNAUTHENTICATED', as: 'anonymous', input: (_f, tag) => ({ items: [{ name: 'Anon', email: email(tag) }] }), fields: [] },

  // bulkPatchUsers
  {
    operation: 'bulkPatchUsers',
    case: 'success',
    as: 'admin',
    input: async (f, tag) => ({ items: [{ id: (await f.user(`${tag}-a`)).id, name: 'Patched A' }, { id: (await f.user(`${tag}-b`)).id, role: 'admin', expectedVersion: 1 }] }),
    data: (i) => bulkResult('strict', (i.items as Record<string, unknown>[]).map((item, n) => ({ index: n, ok: true, id: item.id, user: changedUser(item, 2) }))),
  },
  {
    operation: 'bulkPatchUsers',
    case: 'success',
    as: 'admin',
    input: async (f, tag) => ({ items: [{ id: 999999, name: 'Nobody' }, { id: (await f.user(tag)).id, name: 'Patched' }], handling: 'lenient' }),
    data: (i) =>
      bulkResult('lenient', [
        { index: 0, ok: false, id: 999999, error: { kind: 'NOT_FOUND', message: 'User 999999 not found', fields: [] } },
        { index: 1, ok: true, id: (i.items as { id: number }[])[1]!.id, user: changedUser((i.items as Record<string, unknown>[])[1]!, 2) },
      ]),
  },
  { operation: 'bulkPatchUsers', case: 'NOT_FOUND', as: 'admin', input: async (f, tag) => ({ items: [{ id: (await f.user(tag)).id, name: 'Kept' }, { id: 999999, name: 'Nobody' }] }), fields: ['items.1'] },
  { operation: 'bulkPatchUsers', case: 'CONFLICT', as: 'admin', input: async (f, tag) => ({ items: [{ id: (await f.user(tag)).id, email: 'bob@example.com' }] }), fields: ['items.0.email'] },
  { operation: 'bulkPatchUsers', case: 'VALIDATION', as: 'admin', input: async (f, tag) => ({ items: [{ id: (await f.user(tag)).id, email: 'broken' }] }), fields: ['items.0.email'] },
  { operation: 'bulkPatchUsers', case: 'PRECONDITION_FAILED', as: 'admin', input: async (f, tag) => { const u = await f.user(tag); await f.touch(u.id); return { items: [{ id: u.id, name: 'Stale', expectedVersion: 1 }] }; }, fields: ['items.0'] },
  { operation: 'bulkPatchUsers', case: 'FORBIDDEN', as: 'alice', input: () => ({ items: [{ id: 2, name: 'Hijacked' }] }), fields: ['items.0'] },
  { operation: 'bulkPatchUsers', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ items: [{ id: 1, name: 'Anon' }] }), fields: [] },

  // bulkDeleteUsers
  {
    operation: 'bulkDeleteUsers',
    case: 'success',
    as: 'admin',
    input: async (f, tag) => ({ items: [{ id: (await f.user(`${tag}-a`)).id }, { id: (await f.user(`${tag}-b`)).id, expectedVersion: 1 }] }),
    data: (i) => bulkResult('strict', (i.items as { id: number }[]).map((item, n) => ({ index: n, ok: true, id: item.id }))),
  },
  { operation: 'bulkDeleteUsers', case: 'NOT_FOUND', as: 'admin', input: async (f, tag) => ({ items: [{ id: (await f.user(tag)).id }, { id: 999999 }] }), fields: ['items.1'] },
  { operation: 'bulkDeleteUsers', case: 'VALIDATION', as: 'admin', input: () => ({ items: [{ id: -5 }] }), fields: ['items.0.id'] },
  { operation: 'bulkDeleteUsers', case: 'PRECONDITION_FAILED', as: 'admin', input: async (f, tag) => { const u = await f.user(tag); await f.touch(u.id); return { items: [{ id: u.id, expectedVersion: 1 }] }; }, fields: ['items.0'] },
  { operation: 'bulkDeleteUsers', case: 'FORBIDDEN', as: 'bob', input: () => ({ items: [{ id: 1 }] }), fields: ['items.0'] },
  { operation: 'bulkDeleteUsers', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ items: [{ id: 1 }] }), fields: [] },

  // listUserOrders
  { operation: 'listUserOrders', case: 'success', as: 'alice', input: () => ({ userId: 1, limit: 5, offset: 0 }), data: () => ({ items: [ORDER_2, ORDER_1], total: 2, limit: 5, offset: 0 }) },
  { operation: 'listUserOrders', case: 'NOT_FOUND', as: 'admin', input: () => ({ userId: 999999 }), fields: [] },
  { operation: 'listUserOrders', case: 'VALIDATION', as: 'admin', input: () => ({ userId: 1, offset: -1 }), fields: ['offset'] },
  { operation: 'listUserOrders', case: 'FORBIDDEN', as: 'bob', input: () => ({ userId: 1 }), fields: [] },
  { operation: 'listUserOrders', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ userId: 1 }), fields: [] },

  // getOrder
  { operation: 'getOrder', case: 'success', as: 'alice', input: () => ({ id: 1 }), data: () => ORDER_1 },
  { operation: 'getOrder', case: 'NOT_FOUND', as: 'admin', input: () => ({ id: 999999 }), fields: [] },
  { operation: 'getOrder', case: 'VALIDATION', as: 'admin', input: () => ({ id: 0 }), fields: ['id'] },
  { operation: 'getOrder', case: 'FORBIDDEN', as: 'bob', input: () => ({ id: 1 }), fields: [] },
  { operation: 'getOrder', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ id: 1 }), fields: [] },

  // createOrder
  {
    operation: 'createOrder',
    case: 'success',
    as: 'bob',
    input: () => ({ userId: 2, items: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 3 }] }),
    data: () => ({
      id: anyId,
      userId: 2,
      createdAt: ts,
      items: [
        { productId: 1, quantity: 1, unitPrice: '50.00', lineTotal: '50.00' },
        { productId: 2, quantity: 3, unitPrice: '25.50', lineTotal: '76.50' },
      ],
      totalAmount: '126.50',
    }),
  },
  { operation: 'createOrder', case: 'NOT_FOUND', as: 'admin', input: () => ({ userId: 999999, items: [{ productId: 1, quantity: 1 }] }), fields: [] },
  { operation: 'createOrder', case: 'VALIDATION', as: 'alice', input: () => ({ userId: 1, items: [{ productId: 1, quantity: 0 }] }), fields: ['items.0.quantity'] },
  { operation: 'createOrder', case: 'FORBIDDEN', as: 'alice', input: () => ({ userId: 2, items: [{ productId: 1, quantity: 1 }] }), fields: [] },
  { operation: 'createOrder', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ userId: 1, items: [{ productId: 1, quantity: 1 }] }), fields: [] },

  // getOrderStats: your own orders (Alice's two seeded ones), or anyone's for an admin
  { operation: 'getOrderStats', case: 'success', as: 'alice', input: () => ({ from: '2026-01-01', to: '2026-01-31', byDay: true }), data: () => ALICE_STATS },
  { operation: 'getOrderStats', case: 'success', as: 'admin', input: () => ({ userId: 1, from: '2026-01-01', to: '2026-01-31', top: 1 }), data: () => ({ ...ALICE_STATS, products: ALICE_STATS.products.slice(0, 1), days: [] }) },
  { operation: 'getOrderStats', case: 'FORBIDDEN', as: 'bob', input: () => ({ userId: 1 }), fields: [] },
  { operation: 'getOrderStats', case: 'VALIDATION', as: 'alice', input: () => ({ from: '2026-02-30', byDay: true }), fields: ['byDay', 'from'] },
  { operation: 'getOrderStats', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({}), fields: [] },

  // listProducts
  { operation: 'listProducts', case: 'success', as: 'bob', input: () => ({ limit: 10, offset: 0, minPrice: '20.00', sort: '-price' }), data: () => ({ items: [LAPTOP, MOUSE], total: 2, limit: 10, offset: 0 }) },
  { operation: 'listProducts', case: 'VALIDATION', as: 'bob', input: () => ({ limit: 0 }), fields: ['limit'] },
  { operation: 'listProducts', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({}), fields: [] },

  // getProduct
  { operation: 'getProduct', case: 'success', as: 'alice', input: () => ({ id: 2 }), data: () => MOUSE },
  { operation: 'getProduct', case: 'NOT_FOUND', as: 'alice', input: () => ({ id: 999999 }), fields: [] },
  { operation: 'getProduct', case: 'VALIDATION', as: 'alice', input: () => ({ id: 0 }), fields: ['id'] },
  { operation: 'getProduct', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ id: 2 }), fields: [] },

  // createProduct
  { operation: 'createProduct', case: 'success', as: 'admin', input: () => ({ name: 'Keyboard', price: '19.90' }), data: () => ({ id: anyId, name: 'Keyboard', price: '19.90' }) },
  { operation: 'createProduct', case: 'VALIDATION', as: 'admin', input: () => ({ name: 'Cheap', price: '0.001' }), fields: ['price'] },
  { operation: 'createProduct', case: 'FORBIDDEN', as: 'alice', input: () => ({ name: 'Mine', price: '1.00' }), fields: [] },
  { operation: 'createProduct', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ name: 'Anon', price: '1.00' }), fields: [] },

  // updateProduct
  { operation: 'updateProduct', case: 'success', as: 'admin', input: async (f, tag) => ({ id: (await f.product(tag)).id, name: 'Renamed', price: '12.34' }), data: (i) => ({ id: i.id, name: 'Renamed', price: '12.34' }) },
  { operation: 'updateProduct', case: 'NOT_FOUND', as: 'admin', input: () => ({ id: 999999, name: 'Ghost', price: '1.00' }), fields: [] },
  { operation: 'updateProduct', case: 'VALIDATION', as: 'admin', input: async (f, tag) => ({ id: (await f.product(tag)).id, name: '', price: '1.00' }), fields: ['name'] },
  { operation: 'updateProduct', case: 'FORBIDDEN', as: 'bob', input: () => ({ id: 1, name: 'Laptop', price: '0.01' }), fields: [] },
  { operation: 'updateProduct', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ id: 1, name: 'Laptop', price: '0.01' }), fields: [] },

  // deleteProduct
  { operation: 'deleteProduct', case: 'success', as: 'admin', input: async (f, tag) => ({ id: (await f.product(tag)).id }), data: (i) => ({ deleted: true, id: i.id }) },
  { operation: 'deleteProduct', case: 'NOT_FOUND', as: 'admin', input: () => ({ id: 999999 }), fields: [] },
  { operation: 'deleteProduct', case: 'CONFLICT', as: 'admin', input: () => ({ id: 1 }), fields: [] },
  { operation: 'deleteProduct', case: 'VALIDATION', as: 'admin', input: () => ({ id: 0 }), fields: ['id'] },
  { operation: 'deleteProduct', case: 'FORBIDDEN', as: 'alice', input: () => ({ id: 1 }), fields: [] },
  { operation: 'deleteProduct', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({ id: 1 }), fields: [] },

  // getEvents (long polling): what came after a cursor, here the one product.created a fixture just caused
  {
    operation: 'getEvents',
    case: 'success',
    as: 'alice',
    input: async (f, tag) => {
      const after = await f.cursor();
      await f.product(tag);
      return { after, max: 1, waitSeconds: 0, types: ['product.created'] };
    },
    data: () => ({
      events: [{ id: expect.stringMatching(/^\d+$/), type: 'product.created', occurredAt: ts, data: { id: anyId, name: expect.stringMatching(/^Fixture /), price: '1.00' } }],
      next: expect.stringMatching(/^\d+$/),
    }),
  },
  { operation: 'getEvents', case: 'VALIDATION', as: 'bob', input: () => ({ after: '01', waitSeconds: 31 }), fields: ['after', 'waitSeconds'] },
  { operation: 'getEvents', case: 'UNAUTHENTICATED', as: 'anonymous', input: () => ({}), fields: [] },
];

/** Fixtures made in-process through the domain as the administrator. */
export function domainFixtures(d: DomainServices): Fixtures {
  const admin = { caller: { subject: 'admin', role: 'admin' as const, userId: null } };
  return {
    async user(tag) {
      const u = await d.users.create(admin, { name: 'Fixture', email: email(`fx-${tag}`) });
      return { id: u.id, email: u.email!, version: u.version };
    },
    async product(tag) {
      const p = await d.products.create(admin, { name: `Fixture ${tag}`.slice(0, 100), price: '1.00' });
      return { id: p.id };
    },
    async order(userId) {
      return { id: (await d.orders.create(admin, { userId, items: [{ productId: 1, quantity: 1 }] })).id };
    },
    async touch(userId) {
      await d.users.patch(admin, { id: userId, name: 'Touched' });
    },
    async cursor() {
      return (await d.feed.poll(admin, {})).next;
    },
  };
}
