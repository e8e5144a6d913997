import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { admin, alice, anonymous, bob, domainFixture } from '../support/domain.js';

type Fixture = Awaited<ReturnType<typeof domainFixture>>;

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err.kind;
    throw err;
  }
  return 'OK';
}

describe('OrderService', () => {
  let d: Fixture;
  beforeEach(async () => {
    d = await domainFixture();
  });

  it('derives totals exactly from the demo items', async () => {
    const order = await d.orders.get(alice, { id: 1 });
    expect(order.items).toEqual([
      { productId: 1, quantity: 1, unitPrice: '50.00', lineTotal: '50.00' },
      { productId: 2, quantity: 2, unitPrice: '25.50', lineTotal: '51.00' },
    ]);
    expect(order.totalAmount).toBe('101.00');
  });

  it('lists a user\'s orders newest first, only for the owner or an admin', async () => {
    const page = await d.orders.listForUser(alice, { userId: 1 });
    expect(page.items.map((o) => o.id)).toEqual([2, 1]);
    expect(page.total).toBe(2);
    expect(await kindOf(d.orders.listForUser(bob, { userId: 1 }))).toBe('FORBIDDEN');
    expect(await kindOf(d.orders.get(bob, { id: 1 }))).toBe('FORBIDDEN');
    expect(await kindOf(d.orders.listForUser(admin, { userId: 42 }))).toBe('NOT_FOUND');
  });

  it('creates an order with catalogue prices captured at order time', async () => {
    const order = await d.orders.create(bob, { userId: 2, items: [{ productId: 2, quantity: 3 }] });
    expect(order).toMatchObject({ userId: 2, totalAmount: '76.50' });
    await d.products.update(admin, { id: 2, name: 'Mouse', price: '30.00' });
    expect((await d.orders.get(bob, { id: order.id })).totalAmount).toBe('76.50');
  });

  it('names unknown products as field errors and writes nothing', async () => {
    const before = (await d.orders.listForUser(admin, { userId: 2 })).total;
    try {
      await d.orders.create(admin, { userId: 2, items: [{ productId: 1, quantity: 1 }, { productId: 99, quantity: 1 }] });
      expect.unreachable();
    } catch (err) {
      expect((err as DomainError).fields).toEqual([{ field: 'items.1.productId', message: 'product 99 not found' }]);
    }
    expect((await d.orders.listForUser(admin, { userId: 2 })).total).toBe(before);
  });

  it('refuses orders for others, empty orders and silly quantities', async () => {
    expect(await kindOf(d.orders.create(alice, { userId: 2, items: [{ productId: 1, quantity: 1 }] }))).toBe('FORBIDDEN');
    expect(await kindOf(d.orders.create(alice, { userId: 1, items: [] }))).toBe('VALIDATION');
    expect(await kindOf(d.orders.create(alice, { userId: 1, items: [{ productId: 1, quantity: 0 }] }))).toBe('VALIDATION');
  });

  it('batches orders for many users in a fixed number of queries and hides other users\' orders', async () => {
    d.counter.reset();
    const keys = (ids: number[], page: { limit?: number; offset?: number } = {}) => ids.map((userId) => ({ userId, ...page }));
    const sizes = (lists: unknown[]) => lists.map((l) => (Array.isArray(l) ? l.length : (l as DomainError).kind));
    const lists = await d.orders.listForUsers(admin, keys([1, 2, 3]));
    expect(sizes(lists)).toEqual([2, 1, 0]);
    expect(d.counter.count).toBe(2);
    expect(sizes(await d.orders.listForUsers(bob, keys([1, 2])))).toEqual([0, 1]);
    // Pages: each key's window of its user's orders, newest first; a bad page fails only its own key.
    const second = await d.orders.listForUsers(admin, [...keys([1], { limit: 1, offset: 1 }), ...keys([1, 2], { limit: 1 }), { userId: 2, limit: 101 }]);
    expect(sizes(second)).toEqual([1, 1, 1, 'VALIDATION']);
    const [older, newest] = second as { id: number }[][];
    expect(older![0]!.id).toBeLessThan(newest![0]!.id);
  });
});

describe('ProductService', () => {
  let d: Fixture;
  beforeEach(async () => {
    d = await domainFixture();
  });

  it('lists with price range, name filter and sort', async () => {
    expect((await d.products.list(alice, { minPrice: '30' })).items.map((p) => p.name)).toEqual(['Laptop']);
    expect((await d.products.list(alice, { maxPrice: 30 })).items.map((p) => p.name)).toEqual(['Mouse']);
    expect((await d.products.list(alice, { sort: 'price' })).items.map((p) => p.price)).toEqual(['25.50', '50.00']);
    expect((await d.products.list(alice, { name: 'lap' })).total).toBe(1);
  });

  it('only admins write; money must be a two-place decimal', async () => {
    expect(await kindOf(d.products.create(alice, { name: 'Pad', price: '5.00' }))).toBe('FORBIDDEN');
    expect((await d.products.create(admin, { name: 'Pad', price: 5 })).price).toBe('5.00');
    expect(await kindOf(d.products.create(admin, { name: 'Pad', price: '5.001' }))).toBe('VALIDATION');
    expect(await kindOf(d.products.create(admin, { name: 'Pad', price: -1 }))).toBe('VALIDATION');
  });

  it('refuses to delete a product that orders refer to', async () => {
    expect(await kindOf(d.products.delete(admin, { id: 1 }))).toBe('CONFLICT');
    const p = await d.products.create(admin, { name: 'Pad', price: '5.00' });
    expect(await d.products.delete(admin, { id: p.id })).toEqual({ deleted: true, id: p.id });
    expect(await kindOf(d.products.get(admin, { id: p.id }))).toBe('NOT_FOUND');
  });

  it('getMany keeps the order asked and marks missing ids', async () => {
    expect((await d.products.getMany(alice, [2, 99, 1])).map((p) => p?.name)).toEqual(['Mouse', undefined, 'Laptop']);
  });
});

describe('AuthService', () => {
  let d: Fixture;
  beforeEach(async () => {
    d = await domainFixture();
  });

  it('logs in users by email and the admin as "admin"', async () => {
    const t = await d.auth.login({ username: 'Alice@Example.com', password: 'demo-password' });
    expect(t).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    expect(await d.auth.authenticate(t.access_token)).toEqual({ subject: 'user:1', role: 'user', userId: 1 });
    const a = await d.auth.login({ username: 'admin', password: 'admin-password' });
    expect(await d.auth.authenticate(a.access_token)).toEqual({ subject: 'admin', role: 'admin', userId: null });
  });

  it('gives one answer for a wrong password and an unknown user', async () => {
    const wrong = await kindOf(d.auth.login({ username: 'alice@example.com', password: 'nope' }));
    const unknown = await kindOf(d.auth.login({ username: 'who@example.com', password: 'nope' }));
    expect([wrong, unknown]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(await kindOf(d.auth.login({ username: 'admin', password: 'demo-password' }))).toBe('UNAUTHENTICATED');
  });

  it('rejects forged, tampered and expired tokens', async () => {
    const t = (await d.auth.login({ username: 'admin', password: 'admin-password' })).access_token;
    const [h, p, sig] = t.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'admin', role: 'admin', uid: null, iss: 'polyface', exp: 9999999999 })).toString('base64url');
    expect(await kindOf(d.auth.authenticate(`${h}.${forgedPayload}.${sig}`))).toBe('UNAUTHENTICATED');
    // Change the signature's first character: its bits all count (the last one's low bits are base64url padding).
    const tampered = `${sig![0] === 'A' ? 'B' : 'A'}${sig!.slice(1)}`;
    expect(await kindOf(d.auth.authenticate(`${h}.${p}.${tampered}`))).toBe('UNAUTHENTICATED');
    expect(await kindOf(d.auth.authenticate('not-a-jwt'))).toBe('UNAUTHENTICATED');
    const { JwtCodec } = await import('../../src/infra/tokens.js');
    const expired = await new JwtCodec('unit-test-secret-unit-test-secret', -10).sign({ subject: 'admin', role: 'admin', userId: null });
    expect(await kindOf(d.auth.authenticate(expired))).toBe('UNAUTHENTICATED');
  });

  it('a token stops working the moment its user\'s role or password changes or the user is deleted; a rename does not touch it', async () => {
    const login = async () => (await d.auth.login({ username: 'bob@example.com', password: 'demo-password' })).access_token;
    const message = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: { message: string }) => e.message));
    let token = await login();
    await d.users.patch(admin, { id: 2, name: 'Robert' });
    expect(await d.auth.authenticate(token)).toEqual({ subject: 'user:2', role: 'user', userId: 2 });
    // Setting the role it already has is not a change.
    await d.users.patch(admin, { id: 2, role: 'user' });
    expect(await d.auth.authenticate(token)).toMatchObject({ role: 'user' });

    await d.users.patch(admin, { id: 2, role: 'admin' });
    expect(await message(d.auth.authenticate(token))).toMatch(/revoked because the account's role or password changed/);
    token = await login();
    expect(await d.auth.authenticate(token)).toMatchObject({ role: 'admin' });

    await d.users.patch(bob, { id: 2, password: 'a-new-password' });
    expect(await kindOf(d.auth.authenticate(token))).toBe('UNAUTHENTICATED');
    token = (await d.auth.login({ username: 'bob@example.com', password: 'a-new-password' })).access_token;

    await d.users.delete(admin, { id: 2 });
    expect(await message(d.auth.authenticate(token))).toBe('The account behind this token no longer exists');
  });
});
