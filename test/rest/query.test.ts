import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { api, problem } from './helpers.js';

interface PageBody {
  data: Record<string, unknown>[];
  page: { limit: number; offset: number; total: number };
  pagination: { totalRecords: number; totalPages: number; currentPage: number; perPage: number; maxPerPage: number };
  count?: number;
  links: Record<string, string>;
}

describe('REST query syntaxes: OData, page/perPage/sortBy, ranges and lists — one query model', () => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startServer();
    admin = await s.token();
    // 12 users: Alice, Bob, and ten more (users 3, 6 and 9 are admins).
    for (let i = 1; i <= 10; i++) {
      const res = await api(s, '/users', {
        method: 'POST',
        token: admin,
        body: { name: `Person ${String(i).padStart(2, '0')}`, email: `person${i}@example.com`, role: i % 3 === 1 ? 'admin' : 'user' },
      });
      expect(res.status).toBe(201);
    }
    for (const [name, price] of [
      ['Keyboard', '30.00'],
      ['Monitor', '199.99'],
      ['Cable', '5.00'],
    ]) {
      expect((await api(s, '/products', { method: 'POST', token: admin, body: { name, price } })).status).toBe(201);
    }
  });
  afterAll(() => s.close());

  const get = async (path: string) => {
    const res = await api(s, path, { token: admin });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return { res, body: (await res.json()) as PageBody };
  };
  const names = async (path: string) => (await get(path)).body.data.map((u) => u.name);

  it('$filter, $orderby, $top, $skip, $select and $count together', async () => {
    const q = "/users?$filter=role eq 'admin' or startswith(name,'B')&$orderby=name desc&$top=2&$skip=1&$select=id,name&$count=true";
    const { body } = await get(encodeURI(q));
    expect(body.data).toEqual([
      { id: 9, name: 'Person 07', links: expect.any(Object) },
      { id: 6, name: 'Person 04', links: expect.any(Object) },
    ]);
    expect(body.count).toBe(5);
    expect(body.page).toEqual({ limit: 2, offset: 1, total: 5 });
    expect(body.links.next).toBe(`/api/v1/users?$filter=role+eq+%27admin%27+or+startswith%28name,%27B%27%29&$orderby=name+desc&$top=2&$skip=3&$select=id,name&$count=true`);
    const next = await fetch(`${s.url}${body.links.next}`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(((await next.json()) as PageBody).data.map((u) => u.name)).toEqual(['Person 01', 'Bob']);
  });

  it('the same question in every syntax gets the same answer', async () => {
    const expected = ['Person 10', 'Person 07', 'Person 04'];
    expect(await names(encodeURI("/users?$filter=role eq 'admin' and id gt 3&$orderby=name desc"))).toEqual(expected);
    expect(await names(encodeURI("/users?filter=role eq 'admin' and id gt 3&sort=-name"))).toEqual(expected);
    expect(await names(encodeURI("/users?role=admin&$filter=id gt 3&sortBy=name.desc"))).toEqual(expected);
    expect(await names('/users?role=admin&sortBy=name&sortBy=desc&filter=id%20gt%203')).toEqual(expected);
  });

  it('page / perPage / maxPerPage, with the source material\'s pagination block and links in the same syntax', async () => {
    const { body, res } = await get('/users?page=2&perPage=5&sortBy=id.asc');
    expect(body.data.map((u) => u.id)).toEqual([6, 7, 8, 9, 10]);
    expect(body.pagination).toEqual({ totalRecords: 12, totalPages: 3, currentPage: 2, perPage: 5, maxPerPage: 100 });
    expect(body.links).toMatchObject({
      first: '/api/v1/users?page=1&perPage=5&sortBy=id.asc',
      next: '/api/v1/users?page=3&perPage=5&sortBy=id.asc',
      prev: '/api/v1/users?page=1&perPage=5&sortBy=id.asc',
      last: '/api/v1/users?page=3&perPage=5&sortBy=id.asc',
    });
    expect(res.headers.get('link')).toContain('<api/v1/users?page=3&perPage=5&sortBy=id.asc>; rel="next"'.replace('<', '</'));
    const defaults = await get('/users?page=1');
    expect(defaults.body.pagination).toMatchObject({ perPage: 10, totalPages: 2 });
  });

  it('a page past the last is 404; perPage past maxPerPage is 422 naming perPage', async () => {
    const past = await api(s, '/users?page=4&perPage=5', { token: admin });
    expect(past.status).toBe(404);
    expect((await problem(past)).detail).toBe('Page 4 is past the last page (3)');
    expect((await get('/users?page=1&perPage=5&role=nobody'.replace('role=nobody', "filter=name%20eq%20'x'"))).body.data).toEqual([]);
    const big = await api(s, '/users?perPage=101', { token: admin });
    expect(big.status).toBe(422);
    expect((await problem(big)).errors).toEqual([{ field: 'perPage', message: expect.stringContaining('100') }]);
    const zero = await api(s, '/users?page=0', { token: admin });
    expect(zero.status).toBe(422);
    expect((await problem(zero)).errors![0]!.field).toBe('page');
  });

  it('range and multi-value filters', async () => {
    const products = async (q: string) => (await get(`/products${q}`)).body.data.map((p) => p.name);
    expect(await products('?minPrice=25.50&maxPrice=50&sortBy=price.desc')).toEqual(['Laptop', 'Keyboard', 'Mouse']);
    expect(await products(encodeURI('?$filter=price ge 30 and price le 199.99&$orderby=price'))).toEqual(['Keyboard', 'Laptop', 'Monitor']);
    expect((await get('/users?role=admin,user')).body.page.total).toBe(12);
    expect((await get('/users?role=admin&role=user')).body.page.total).toBe(12);
    expect((await get('/users?role=admin')).body.page.total).toBe(4);
    // A list of roles is the `in` term of the same filter, ANDed with the client's own.
    expect(await names(`/users?role=admin,user&${encodeURI('$filter=id le 3')}`)).toEqual(['Alice', 'Bob', 'Person 01']);
    expect(await names(`/users?role=user&role=admin&${encodeURI("$filter=startswith(name,'Person 0') and id lt 6")}`)).toEqual(['Person 01', 'Person 02', 'Person 03']);
  });

  it('an unparsable expression is a 400 naming the parameter and the place', async () => {
    for (const [query, param, text] of [
      ["$filter=name eqq 'x'", '$filter', 'at character 6'],
      ["filter=(name eq 'x'", 'filter', 'at character 13'],
      ['$orderby=name sideways', '$orderby', 'at character 6'],
      ['sortBy=name.up', 'sortBy', '"name.up"'],
    ] as const) {
      const res = await api(s, `/users?${encodeURI(query)}`, { token: admin });
      expect(res.status, query).toBe(400);
      const p = await problem(res);
      expect(p.title).toBe('Bad Request');
      expect(p.errors, query).toEqual([{ field: param, message: expect.stringContaining(text) }]);
    }
  });

  it('an expression that parses but names the wrong things is a 422 under the parameter the client sent', async () => {
    for (const [query, param, text] of [
      ["$filter=colour eq 'red'", '$filter', 'unknown field "colour"'],
      ["$filter=price gt 'cheap'", '$filter', 'price is an amount'],
      ['$orderby=password', '$orderby', 'comma-separated fields'],
      ['sortBy=password.asc', 'sortBy', 'comma-separated fields'],
      ['$top=0', '$top', 'must be at least 1'],
      ['$top=1000', '$top', 'must be at most 100'],
      ['$skip=-1', '$skip', 'must be at least 0'],
      ['$select=password', '$select', 'unknown field "password"'],
      ['$count=yes', '$count', 'true or false'],
      ['role=root', 'role', 'must be one of "admin", "user"'],
      ['role=admin,root', 'role', '"root" is not one of admin, user'],
    ] as const) {
      const path = query.startsWith('$filter=price') ? '/products' : '/users';
      const res = await api(s, `${path}?${encodeURI(query)}`, { token: admin });
      expect(res.status, query).toBe(422);
      expect((await problem(res)).errors, query).toEqual([{ field: param, message: expect.stringContaining(text) }]);
    }
  });

  it('a filter may not name what the caller may not see: email is for administrators (and owners) only', async () => {
    const alice = await s.token(ALICE);
    for (const filter of ["email eq 'bob@example.com'", "startswith(email,'b') or id gt 0", "not (contains(email,'x'))"]) {
      const res = await api(s, `/users?${encodeURI(`$filter=${filter}`)}`, { token: alice });
      expect(res.status, filter).toBe(403);
      expect((await problem(res)).detail).toBe('Only administrators may filter or sort users by email');
    }
    expect((await api(s, `/users/count?${encodeURI("$filter=startswith(email,'b')")}`, { token: alice })).status).toBe(403);
    expect(await names(encodeURI("/users?$filter=email eq 'bob@example.com'"))).toEqual(['Bob']);
  });

  it('messages about expressions follow Accept-Language, the parser\'s own tokens kept', async () => {
    const ru = { 'Accept-Language': 'ru' };
    const syntax = await api(s, `/users?${encodeURI("$filter=name eqq 'x'")}`, { token: admin, headers: ru });
    expect(syntax.status).toBe(400);
    expect(syntax.headers.get('content-language')).toBe('ru');
    expect((await problem(syntax)).errors![0]!.message).toMatch(/^синтаксическая ошибка у символа 6: Expected/);
    const unknown = await api(s, `/users?${encodeURI("$filter=colour eq 'red'")}`, { token: admin, headers: ru });
    expect((await problem(unknown)).errors).toEqual([{ field: '$filter', message: 'неизвестное поле "colour"; фильтровать можно по полям id, name, email, role, createdAt, updatedAt' }]);
    const clash = await api(s, '/users?limit=1&$top=1', { token: admin, headers: ru });
    expect((await problem(clash)).errors).toEqual([{ field: '$top', message: 'нельзя сочетать с limit: выберите что-то одно' }]);
  });

  it('two syntaxes for one concern are refused, naming both', async () => {
    for (const [query, field] of [
      ['limit=5&$top=5', '$top'],
      ['page=1&offset=0', 'page'],
      ['sort=name&sortBy=name.asc', 'sortBy'],
      ['fields=id&$select=id', '$select'],
      ["filter=id eq 1&$filter=id eq 2", '$filter'],
    ] as const) {
      const res = await api(s, `/users?${encodeURI(query)}`, { token: admin });
      expect(res.status, query).toBe(422);
      const p = await problem(res);
      expect(p.errors![0]!.field, query).toBe(field);
      expect(p.errors![0]!.message).toContain('cannot be combined');
    }
  });

  it('GraphQL and JSON-RPC take the same filter text (one model in every style)', async () => {
    const gql = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: `{ users(filter: "role eq 'admin' and id gt 3", sort: "-name") { items { name } total } }` }),
    });
    expect(((await gql.json()) as { data: { users: { items: { name: string }[] } } }).data.users.items.map((u) => u.name)).toEqual([
      'Person 10',
      'Person 07',
      'Person 04',
    ]);
    const rpc = await fetch(`${s.url}/rpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'listProducts', params: { filter: "contains(name,'o') and price lt 100" } }),
    });
    expect(((await rpc.json()) as { result: { items: { name: string }[] } }).result.items.map((p) => p.name)).toEqual(['Laptop', 'Mouse', 'Keyboard']);
  });
});
