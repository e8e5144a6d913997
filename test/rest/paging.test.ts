import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { api, problem } from './helpers.js';

interface PageBody {
  data: Record<string, unknown>[];
  page: { limit: number; offset: number; total?: number; nextCursor?: string };
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

  /** Follows rel="next" from `first` to the end; the ids in order, and every page's body. */
  const walk = async (first: string) => {
    const ids: number[] = [];
    const pages: PageBody[] = [];
    for (let next: string | undefined = first; next; ) {
      const { res, body } = await list(next.replace(/^\/api\/v1\/users/, ''));
      expect(linkHeader(res)).toEqual(body.links);
      ids.push(...body.data.map((u) => u.id as number));
      pages.push(body);
      next = body.links.next;
      expect(pages.length).toBeLessThan(30);
    }
    return { ids, pages };
  };

  it('keyset paging: cursor= starts it, rel="next" carries the cursor, and the walk meets every row once, in order, uncounted', async () => {
    const { ids, pages } = await walk('/api/v1/users?limit=5&cursor=');
    expect(ids).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(pages).toHaveLength(5);
    for (const p of pages) expect(p.page.total).toBeUndefined();
    expect(pages[0]!.links.next).toBe(`/api/v1/users?limit=5&cursor=${pages[0]!.page.nextCursor}`);
    expect(pages[0]!.links.first).toBe('/api/v1/users?limit=5&offset=0');
    expect(pages[4]!.links.next).toBeUndefined();
    expect(pages[4]!.page.nextCursor).toBeUndefined();
  });

  it('keyset paging honours mixed sort directions, ties and filters: the same rows as offset paging', async () => {
    const query = 'sort=-role,name&filter=' + encodeURIComponent("contains(name,'e')");
    const byOffset = (await list(`?limit=100&${query}`)).body.data.map((u) => u.id);
    expect(byOffset.length).toBeGreaterThan(10);
    const { ids, pages } = await walk(`/api/v1/users?limit=4&${query}&cursor=`);
    expect(ids).toEqual(byOffset);
    expect(pages[1]!.links.self).toContain('sort=-role,name');
  });

  it('totals with a cursor only when asked ($count=true or withTotal=true); $count=false leaves an offset page uncounted', async () => {
    expect((await list('?limit=5&cursor=&$count=true')).body.page).toMatchObject({ total: 23, limit: 5, offset: 0 });
    expect((await list('?limit=5&cursor=&withTotal=true')).body.page.total).toBe(23);
    const { body } = await list('?limit=5&$count=false');
    expect(body.page).toEqual({ limit: 5, offset: 0 });
    expect(body.links.last).toBeUndefined();
  });

  it('a cursor that was edited, comes from another sort or filter, or arrives with an offset is a 422 naming it', async () => {
    const first = (await list('?limit=2&cursor=')).body.page.nextCursor!;
    const [data, sum] = first.split('.');
    const edited = Buffer.from(Buffer.from(data!, 'base64url').toString('utf8').replace(/"i":\d+/, '"i":7')).toString('base64url');
    for (const [query, field] of [
      [`cursor=${edited}.${sum}`, 'cursor'],
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${'a'.repeat(601)}`, 'cursor'],
      [`cursor=${first}&sort=name`, 'cursor'],
      [`cursor=${first}&role=admin`, 'cursor'],
      [`cursor=${first}&offset=5`, 'offset'],
    ] as const) {
      const res = await api(s, `/users?limit=2&${query}`, { token: admin });
      expect(res.status, query).toBe(422);
      expect((await problem(res)).errors?.map((e) => e.field), query).toEqual([field]);
    }
  });

  it('products page by keyset too, in price order', async () => {
    const res = await api(s, '/products?limit=1&sort=-price&cursor=', { token: admin });
    const body = (await res.json()) as PageBody;
    expect(body.data.map((p) => p.name)).toEqual(['Laptop']);
    const next = await api(s, body.links.next!.replace('/api/v1', ''), { token: admin });
    const second = (await next.json()) as PageBody;
    expect(second.data.map((p) => p.name)).toEqual(['Mouse']);
    expect(second.links.next).toBeUndefined();
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
