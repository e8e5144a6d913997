import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { api, problem } from './helpers.js';

describe('REST scalar sub-resources: one property, and a collection count', () => {
  let s: TestServer;
  let admin: string;
  let alice: string;
  beforeAll(async () => {
    s = await startServer();
    admin = await s.token();
    alice = await s.token(ALICE);
    for (const [name, role] of [
      ['Carol', 'admin'],
      ['Dave', 'user'],
    ] as const) {
      expect((await api(s, '/users', { method: 'POST', token: admin, body: { name, email: `${name.toLowerCase()}@example.com`, role } })).status).toBe(201);
    }
  });
  afterAll(() => s.close());

  it('GET /users/1/name is the name as a JSON scalar, XML element or plain text', async () => {
    const json = await api(s, '/users/1/name', { token: alice });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.text()).toBe('"Alice"');
    const xml = await api(s, '/users/1/name', { token: alice, headers: { Accept: 'application/xml' } });
    expect(await xml.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><name>Alice</name>');
    const text = await api(s, '/users/1/name', { token: alice, headers: { Accept: 'text/plain' } });
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toBe('Alice');
  });

  it('other scalars keep their JSON types; money stays a decimal string', async () => {
    expect(await (await api(s, '/users/2/version', { token: alice })).json()).toBe(1);
    expect(await (await api(s, '/products/2/price', { token: alice })).json()).toBe('25.50');
    expect(await (await api(s, '/orders/1/totalAmount', { token: alice })).json()).toBe('101.00');
  });

  it('unknown or non-scalar properties are 404, missing records too; the getter\'s access rules apply', async () => {
    for (const path of ['/users/1/password', '/orders/1/items', '/users/999/name']) {
      const res = await api(s, path, { token: admin });
      expect(res.status, path).toBe(404);
      await problem(res);
    }
    expect((await api(s, '/users/1/name')).status).toBe(401);
    expect((await api(s, '/orders/1/totalAmount', { token: await s.token({ username: 'bob@example.com', password: 'demo-password' }) })).status).toBe(403);
    const post = await api(s, '/users/1/name', { method: 'PUT', token: admin, body: '"Alicia"' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('scalars carry validators and revalidate', async () => {
    const res = await api(s, '/users/1/email', { token: alice });
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\//);
    expect(res.headers.get('last-modified')).toBe('Thu, 15 Jan 2026 09:00:00 GMT');
    expect((await api(s, '/users/1/email', { token: alice, headers: { 'If-None-Match': etag } })).status).toBe(304);
  });

  it('GET /users/count honours the same filters as the collection, in any syntax', async () => {
    const count = async (q: string) => {
      const res = await api(s, `/users/count${q}`, { token: alice });
      expect(res.status, q).toBe(200);
      return (await res.json()) as number;
    };
    expect(await count('')).toBe(4);
    expect(await count('?role=admin')).toBe(1);
    expect(await count('?role=admin,user')).toBe(4);
    expect(await count(`?${encodeURI("$filter=startswith(name,'D') or name eq 'Alice'")}`)).toBe(2);
    expect(await count(`?${encodeURI("filter=role eq 'user'")}&name=a`)).toBe(2);
    expect(await (await api(s, '/products/count?maxPrice=30', { token: alice })).json()).toBe(1);
    expect(await (await api(s, '/users/1/orders/count', { token: alice })).json()).toBe(2);
    const xml = await api(s, '/users/count?role=user', { token: alice, headers: { Accept: 'application/xml' } });
    expect(await xml.text()).toContain('<count>3</count>');
  });

  it('a count refuses paging and takes the collection\'s errors', async () => {
    const paged = await api(s, '/users/count?limit=5', { token: alice });
    expect(paged.status).toBe(422);
    expect((await problem(paged)).errors).toEqual([{ field: 'limit', message: 'a count takes filters only' }]);
    const bad = await api(s, `/users/count?${encodeURI('$filter=name eq')}`, { token: alice });
    expect(bad.status).toBe(400);
    expect((await problem(bad)).errors![0]!.field).toBe('$filter');
    expect((await api(s, '/users/count')).status).toBe(401);
    expect((await api(s, '/users/2/orders/count', { token: alice })).status).toBe(403);
  });
});
