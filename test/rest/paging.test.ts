import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { api, problem } from './helpers.js';

interface PageBody {
  data: Record<string, unknown>[];
  page: { limit: number; offset: number; total: number };
  links: Record<string, string>;
}

/** rel → href from an RFC 8288 Link header. */
function linkHeader(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (res.headers.get('link') ?? '').split(/,\s*(?=<)/)) {
    const m = /^<([^>]*)>;\s*rel="([^"]+)"$/.exec(part.trim());
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

describe('REST paging, filters, sorting and field selection', () => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startServer();
    admin = await s.token();
    // 23 users in all: Alice, Bob and 21 more, three of them admins.
    for (let i = 1; i <= 21; i++) {
      const res = await api(s, '/users', {
        method: 'POST',
        token: admin,
        body: { name: `Member ${String(i).padStart(2, '0')}`, email: `member${i}@example.com`, role: i % 7 === 0 ? 'admin' : 'user' },
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => s.close());

  const list = async (query: string, token = admin) => {
    const res = await api(s, `/users${query}`, { token });
    expect(res.status, query).toBe(200);
    return { res, body: (await res.json()) as PageBody };
  };

  it('defaults to limit 10, offset 0, with total, links and a Link header that agree', async () => {
    const { res, body } = await list('');
    expect(body.page).toEqual({ limit: 10, offset: 0, total: 23 });
    expect(body.data).toHaveLength(10);
    expect(body.data[0]).toMatchObject({ id: 1, name: 'Alice', links: { self: '/api/v1/users/1', orders: '/api/v1/users/1/orders' } });
    expect(body.links).toEqual({
      self: '/api/v1/users?limit=10&offset=0',
      first: '/api/v1/users?limit=10&offset=0',
      last: '/api/v1/users?limit=10&offset=20',
      next: '/api/v1/users?limit=10&offset=10',
    });
    expect(linkHeader(res)).toEqual(body.links);
  });

  it('following next to the last page: the last page has prev but no next', async () => {
    const seen: number[] = [];
    let href: string | undefined = '/api/v1/users?limit=10';
    let pages = 0;
    let last: PageBody | undefined;
    while (href) {
      const res = await fetch(`${s.url}${href}`, { headers: { Authorization: `Bearer ${admin}` } });
      last = (await res.json()) as PageBody;
      seen.push(...last.data.map((u) => u.id as number));
      href = last.links.next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(last!.data).toHaveLength(3);
    expect(last!.links.next).toBeUndefined();
    expect(last!.links.prev).toBe('/api/v1/users?limit=10&offset=10');
    expect(new Set(seen).size).toBe(23);
  });

  it('an offset past the end is an empty page, not an error, and prev points back into range', async () => {
    const { body } = await list('?offset=500');
    expect(body.data).toEqual([]);
    expect(body.page).toEqual({ limit: 10, offset: 500, total: 23 });
    expect(body.links.next).toBeUndefined();
    expect(body.links.prev).toBe('/api/v1/users?offset=20&limit=10');
  });

  it('limit 100 is the maximum; 101 is a 422 naming limit', async () => {
    const { body } = await list('?limit=100');
    expect(body.data).toHaveLength(23);
    expect(body.links.next).toBeUndefined();
    expect(body.links.prev).toBeUndefined();
    const res = await api(s, '/users?limit=101', { token: admin });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toEqual([{ field: 'limit', message: expect.stringContaining('100') }]);
  });

  it('filters: name (partial, case-insensitive), email (exact), role', async () => {
    const byName = await list('?name=member%200');
    expect(byName.body.data.map((u) => u.name)).toEqual([
      'Member 01',
      'Member 02',
      'Member 03',
      'Member 04',
      'Member 05',
      'Member 06',
      'Member 07',
      'Member 08',
      'Member 09',
    ]);
    const byEmail = await list('?email=BOB@example.com');
    expect(byEmail.body.data.map((u) => u.id)).toEqual([2]);
    const admins = await list('?role=admin');
    expect(admins.body.data.map((u) => u.name)).toEqual(['Member 07', 'Member 14', 'Member 21']);
    expect(admins.body.page.total).toBe(3);
  });

  it('filters stay in the paging links', async () => {
    const { body } = await list('?role=user&limit=5');
    expect(body.page.total).toBe(20);
    expect(body.links.next).toBe('/api/v1/users?role=user&limit=5&offset=5');
  });

  it('sort=name,-createdAt and descending keys', async () => {
    const byName = await list('?sort=-name&limit=3');
    expect(byName.body.data.map((u) => u.name)).toEqual(['Member 21', 'Member 20', 'Member 19']);
    const compound = await list('?sort=role,-id&limit=4');
    expect(compound.body.data.map((u) => u.name)).toEqual(['Member 21', 'Member 14', 'Member 07', 'Member 20']);
    const spec = await list('?sort=name,-createdAt&limit=2');
    expect(spec.body.data.map((u) => u.name)).toEqual(['Alice', 'Bob']);
    expect(spec.body.links.next).toBe('/api/v1/users?sort=name,-createdAt&limit=2&offset=2');
  });

  it('fields=id,name selects fields (links stay); an unknown field is a 422', async () => {
    const { body } = await list('?fields=id,name&limit=2');
    expect(body.data).toEqual([
      { id: 1, name: 'Alice', links: { self: '/api/v1/users/1', orders: '/api/v1/users/1/orders' } },
      { id: 2, name: 'Bob', links: { self: '/api/v1/users/2', orders: '/api/v1/users/2/orders' } },
    ]);
    expect(body.links.next).toBe('/api/v1/users?fields=id,name&limit=2&offset=2');
    const bad = await api(s, '/users?fields=id,password', { token: admin });
    expect(bad.status).toBe(422);
    const p = await problem(bad);
    expect(p.errors![0]!.field).toBe('fields');
    expect(p.errors![0]!.message).toContain('"password"');
  });

  it('products page the same way, with price filters and sort', async () => {
    const res = await api(s, '/products?sort=-price&limit=1', { token: admin });
    const body = (await res.json()) as PageBody;
    expect(body.data).toEqual([{ id: 1, name: 'Laptop', price: '50.00', links: { self: '/api/v1/products/1' } }]);
    expect(body.page).toEqual({ limit: 1, offset: 0, total: 2 });
    expect(linkHeader(res).next).toBe('/api/v1/products?sort=-price&limit=1&offset=1');
    const cheap = (await (await api(s, '/products?maxPrice=30', { token: admin })).json()) as PageBody;
    expect(cheap.data.map((p) => p.name)).toEqual(['Mouse']);
    const named = (await (await api(s, '/products?fields=name', { token: admin })).json()) as PageBody;
    expect(named.data[0]).toEqual({ name: 'Laptop', links: { self: '/api/v1/products/1' } });
  });

  it("a user's orders page, newest first, each order linking to its user and products", async () => {
    const alice = await s.token(ALICE);
    const res = await api(s, '/users/1/orders?limit=1', { token: alice });
    expect(res.status).toBe(200);
    const body = (await res.json()) as PageBody;
    expect(body.page).toEqual({ limit: 1, offset: 0, total: 2 });
    expect(body.data[0]).toMatchObject({ id: 2, userId: 1, totalAmount: '25.50', links: { self: '/api/v1/orders/2', user: '/api/v1/users/1' } });
    expect((body.data[0]!.items as Record<string, unknown>[])[0]).toEqual({
      productId: 2,
      quantity: 1,
      unitPrice: '25.50',
      lineTotal: '25.50',
      links: { product: '/api/v1/products/2' },
    });
    expect(body.links.next).toBe('/api/v1/users/1/orders?limit=1&offset=1');
    const tooBig = await api(s, '/users/1/orders?limit=101', { token: alice });
    expect(tooBig.status).toBe(422);
  });
});
