import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startServer, type TestServer } from '../support/server.js';

/**
 * The source material's own API at the root (000, lines 81–196): its paths,
 * bodies, statuses and `{message}` errors, the token as the whole
 * Authorization value. The walk below is its client's (lines 198–284); the
 * unchanged Python client itself runs in scripts/source-client.mjs.
 */
const SOURCE_ADMIN = { username: 'admin', password: 'password' };

describe("the source material's REST profile", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ adminPassword: 'password' });
  });
  afterAll(() => s.close());

  const call = (path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${s.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.token ? { Authorization: init.token } : {}),
        ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
    });

  it("runs its client's whole flow: auth, list, create, patch, delete", async () => {
    const auth = await call('/auth', { method: 'POST', body: { username: 'admin', password: 'password' } });
    expect(auth.status).toBe(200);
    const { token } = (await auth.json()) as { token: string };
    expect(Object.keys((await (await call('/auth', { method: 'POST', body: { username: 'admin', password: 'password' } })).json()) as object)).toEqual(['token']);

    const list = await call('/users', { token });
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('application/json');
    expect(await list.json()).toEqual({
      users: [
        { id: 1, name: 'Alice', email: 'alice@example.com' },
        { id: 2, name: 'Bob', email: 'bob@example.com' },
      ],
    });

    const created = await call('/users', { method: 'POST', token, body: { name: 'Charlie', email: 'charlie@example.com' } });
    expect(created.status).toBe(201);
    const charlie = (await created.json()) as { id: number };
    expect(charlie).toEqual({ id: expect.any(Number), name: 'Charlie', email: 'charlie@example.com' });
    expect(created.headers.get('location')).toBe(`/users/${charlie.id}`);

    const patched = await call(`/users/${charlie.id}`, { method: 'PATCH', token, body: { email: 'charlie.updated@example.com' } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toEqual({ id: charlie.id, name: 'Charlie', email: 'charlie.updated@example.com' });

    const deleted = await call(`/users/${charlie.id}`, { method: 'DELETE', token });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    const gone = await call(`/users/${charlie.id}`, { token });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ message: `User ${charlie.id} not found` });
  });

  it('the same operations underneath: a change here is visible at /api/v1 and the other way round', async () => {
    const { token } = (await (await call('/auth', { method: 'POST', body: { username: 'admin', password: 'password' } })).json()) as { token: string };
    const put = await call('/users/2', { method: 'PUT', token, body: { id: 2, name: 'Robert', email: 'bob@example.com' } });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ id: 2, name: 'Robert', email: 'bob@example.com' });
    const v1 = await fetch(`${s.url}/api/v1/users/2`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await v1.json()).toMatchObject({ id: 2, name: 'Robert', version: 2 });
    const back = await fetch(`${s.url}/api/v1/users/2`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Bob' }),
    });
    expect(back.status).toBe(200);
    expect(await (await call('/users/2', { token })).json()).toEqual({ id: 2, name: 'Bob', email: 'bob@example.com' });
  });

  it('takes the token as the whole header or as Bearer; refuses none, a bad one, and a wrong password, with {message}', async () => {
    const token = await s.token(SOURCE_ADMIN);
    expect((await call('/users', { token })).status).toBe(200);
    expect((await call('/users', { token: `Bearer ${token}` })).status).toBe(200);
    for (const [auth, status] of [
      [undefined, 401],
      ['not-a-token', 401],
      ['Basic YWRtaW46cGFzc3dvcmQ=', 401],
    ] as const) {
      const res = await call('/users', { token: auth });
      expect(res.status, String(auth)).toBe(status);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(Object.keys((await res.json()) as object)).toEqual(['message']);
    }
    const creating = await call('/users', { method: 'POST', body: { name: 'Nobody', email: 'nobody@example.com' } });
    expect(creating.status).toBe(401);
    expect(await creating.json()).toEqual({ message: 'Token is missing: send it in the Authorization header' });
    const wrong = await call('/auth', { method: 'POST', body: { username: 'admin', password: 'wrong' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ message: 'Invalid username or password' });
    const russian = await call('/users/999', { token: await s.token(SOURCE_ADMIN), headers: { 'Accept-Language': 'ru' } });
    expect(russian.headers.get('content-language')).toBe('ru');
    expect(await russian.json()).toEqual({ message: 'Пользователь 999 не найден' });
  });

  it("the domain's rules hold: a user may read but not create, and only change themself", async () => {
    const alice = await s.token(ALICE);
    expect((await call('/users/2', { token: alice })).status).toBe(200);
    const forbidden = await call('/users', { method: 'POST', token: alice, body: { name: 'Eve', email: 'eve@example.com' } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ message: 'Only administrators may do this' });
    expect((await call('/users/2', { method: 'PATCH', token: alice, body: { name: 'Bobby' } })).status).toBe(403);
    expect((await call('/users/1', { method: 'PATCH', token: alice, body: { name: 'Alice' } })).status).toBe(200);
  });

  it('bad input: malformed JSON 400, invalid fields 422 with errors, wrong type 415, a non-numeric id 404, other methods 405', async () => {
    const token = await s.token(SOURCE_ADMIN);
    const broken = await call('/users', { method: 'POST', token, body: '{"name":' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ message: 'Invalid input: (body): malformed JSON', errors: [{ field: '(body)', message: 'malformed JSON' }] });
    const invalid = await call('/users', { method: 'POST', token, body: { name: '', email: 'nope' } });
    expect(invalid.status).toBe(422);
    const body = (await invalid.json()) as { message: string; errors: { field: string }[] };
    expect(body.errors.map((e) => e.field).sort()).toEqual(['email', 'name']);
    const text = await call('/users', { method: 'POST', token, body: 'x', headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect((await call('/users/abc', { token })).status).toBe(404);
    const mismatch = await call('/users/1', { method: 'PUT', token, body: { id: 2, name: 'A', email: 'a@example.com' } });
    expect(mismatch.status).toBe(422);
    const method = await call('/auth', { token });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST, OPTIONS');
    expect(Object.keys((await method.json()) as object)).toEqual(['message']);
  });

  it('lists page past 100 users with a Link to the rest, and takes the same filters as /api/v1', async () => {
    const token = await s.token(SOURCE_ADMIN);
    const admins = await call(`/users?${encodeURI("$filter=name eq 'Alice'")}`, { token });
    expect(await admins.json()).toEqual({ users: [{ id: 1, name: 'Alice', email: 'alice@example.com' }] });
    const paged = await call('/users?limit=1', { token });
    expect(paged.headers.get('link')).toBe('</users?limit=1&offset=1>; rel="next"');
  });

  it('stays out of the way of /api/v1', async () => {
    const token = await s.token(SOURCE_ADMIN);
    const v1 = await fetch(`${s.url}/api/v1/users`, { headers: { Authorization: token } });
    expect(v1.status).toBe(401);
    expect(v1.headers.get('content-type')).toContain('application/problem+json');
  });
});
