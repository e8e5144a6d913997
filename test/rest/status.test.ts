import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderProblem } from '../../src/protocols/rest/errors.js';
import { DomainError, ERROR_KINDS } from '../../src/domain/errors.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { ALICE_USER, api, freshUser, problem } from './helpers.js';

describe('REST status codes', () => {
  let s: TestServer;
  let admin: string;
  let alice: string;
  beforeAll(async () => {
    s = await startServer({ bodyLimitBytes: 2048 });
    admin = await s.token();
    alice = await s.token(ALICE);
  });
  afterAll(() => s.close());

  it('200: a user with links', async () => {
    const res = await api(s, '/users/1', { token: alice });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ ...ALICE_USER, links: { self: '/api/v1/users/1', orders: '/api/v1/users/1/orders' } });
  });

  it('HEAD answers like GET without a body', async () => {
    const res = await api(s, '/users/1', { method: 'HEAD', token: alice });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"v1"');
    expect(await res.text()).toBe('');
  });

  it('201: POST creates, with Location and the new representation', async () => {
    const res = await api(s, '/users', { method: 'POST', token: admin, body: { name: 'Dana', email: 'dana@example.com' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: number; links: { self: string } };
    expect(res.headers.get('location')).toBe(`/api/v1/users/${body.id}`);
    expect(body.links.self).toBe(res.headers.get('location'));
    const followed = await fetch(`${s.url}${res.headers.get('location')}`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as { email: string }).email).toBe('dana@example.com');
  });

  it('204: DELETE answers with no body; the user is then gone (404)', async () => {
    const { id } = await freshUser(s);
    const res = await api(s, `/users/${id}`, { method: 'DELETE', token: admin });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const gone = await api(s, `/users/${id}`, { token: admin });
    expect(gone.status).toBe(404);
    expect(await problem(gone)).toMatchObject({ code: 'NOT_FOUND', title: 'Not Found', instance: `/api/v1/users/${id}` });
  });

  it('304: If-None-Match with the current ETag', async () => {
    const first = await api(s, '/users/2', { token: alice });
    const etag = first.headers.get('etag')!;
    const again = await api(s, '/users/2', { token: alice, headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
  });

  it('400: malformed JSON is a problem naming the body', async () => {
    const res = await api(s, '/users', { method: 'POST', token: admin, body: '{"name": "Eve",' });
    expect(res.status).toBe(400);
    const p = await problem(res);
    expect(p).toMatchObject({ code: 'VALIDATION', errors: [{ field: '(body)', message: 'malformed JSON' }] });
    expect(p.type).toBe('urn:polyface:problem:validation');
  });

  it('422: well-formed but invalid fields are listed one by one', async () => {
    const res = await api(s, '/users', { method: 'POST', token: admin, body: { name: '', email: 'not-an-email', extra: 1 } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    const fields = (await problem(res)).errors!.map((e) => e.field).sort();
    expect(fields).toEqual(['email', 'extra', 'name']);
  });

  it('400 vs 422: a body that is not even an object of the media type is 400, a valid one with bad values 422', async () => {
    const notJson = await api(s, '/users', { method: 'POST', token: admin, body: 'name=Eve' });
    expect(notJson.status).toBe(400);
    expect(await problem(notJson)).toMatchObject({ title: 'Bad Request', code: 'VALIDATION' });
    const badValue = await api(s, '/users', { method: 'POST', token: admin, body: { name: 'Eve', email: 'eve' } });
    expect(badValue.status).toBe(422);
    expect(await problem(badValue)).toMatchObject({ title: 'Invalid request', code: 'VALIDATION', errors: [{ field: 'email' }] });
  });

  it('422: paging out of range or not a number', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['offset=-1', 'offset'],
      ['limit=ten', 'limit'],
      ['sort=password', 'sort'],
      ['colour=red', 'colour'],
    ] as const) {
      const res = await api(s, `/users?${query}`, { token: alice });
      expect(res.status, query).toBe(422);
      expect((await problem(res)).errors!.map((e) => e.field), query).toEqual([field]);
    }
  });

  it('401 without a token: WWW-Authenticate Bearer, no error code', async () => {
    const res = await api(s, '/users');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="polyface"');
    expect((await problem(res)).code).toBe('UNAUTHENTICATED');
  });

  it('401 with a bad token: error="invalid_token" (RFC 6750)', async () => {
    const res = await api(s, '/users', { token: 'not.a.jwt' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="polyface", error="invalid_token"/);
    await problem(res);
  });

  it('401 on wrong credentials at /auth/token, 200 with a token on right ones', async () => {
    const bad = await api(s, '/auth/token', { method: 'POST', body: { username: 'admin', password: 'wrong' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('Bearer');
    expect((await problem(bad)).detail).toBe('Invalid username or password');
    const good = await api(s, '/auth/token', { method: 'POST', body: { username: 'admin', password: 'admin-password' } });
    expect(good.status).toBe(200);
    expect(good.headers.get('cache-control')).toBe('no-store');
    expect(await good.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
  });

  it('401 vs 403: anonymous is 401, a user doing an admin thing is 403', async () => {
    const body = { name: 'Keyboard', price: '30.00' };
    const anonymous = await api(s, '/products', { method: 'POST', body });
    expect(anonymous.status).toBe(401);
    const user = await api(s, '/products', { method: 'POST', token: alice, body });
    expect(user.status).toBe(403);
    expect((await problem(user)).code).toBe('FORBIDDEN');
    const others = await api(s, '/users/2/orders', { token: alice });
    expect(others.status).toBe(403);
    const otherUser = await api(s, '/users/2', { method: 'PATCH', token: alice, body: { name: 'Robert' } });
    expect(otherUser.status).toBe(403);
    const adminDoes = await api(s, '/products', { method: 'POST', token: admin, body });
    expect(adminDoes.status).toBe(201);
  });

  it('404: missing records and unknown paths', async () => {
    for (const path of ['/users/9999', '/orders/9999', '/products/9999', '/nothing-here', '/users/1/nothing']) {
      const res = await api(s, path, { token: admin });
      expect(res.status, path).toBe(404);
      expect((await problem(res)).code).toBe('NOT_FOUND');
    }
  });

  it('405 with Allow for a known path and another method; OPTIONS lists them', async () => {
    const res = await api(s, '/users', { method: 'DELETE', token: admin });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    await problem(res);
    const patchProduct = await api(s, '/products/1', { method: 'PATCH', token: admin, body: {} });
    expect(patchProduct.status).toBe(405);
    expect(patchProduct.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
    const options = await api(s, '/users/1', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
  });

  it('406 when Accept names nothing we produce; q-values are honoured', async () => {
    const res = await api(s, '/users/1', { token: alice, headers: { Accept: 'text/csv' } });
    expect(res.status).toBe(406);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const preferJson = await api(s, '/users/1', { token: alice, headers: { Accept: 'application/xml;q=0.5, application/json' } });
    expect(preferJson.headers.get('content-type')).toContain('application/json');
    const anyApp = await api(s, '/users/1', { token: alice, headers: { Accept: 'application/*' } });
    expect(anyApp.status).toBe(200);
  });

  it('409: duplicate email, and deleting a product that orders refer to', async () => {
    const dup = await api(s, '/users', { method: 'POST', token: admin, body: { name: 'Alice 2', email: 'ALICE@example.com' } });
    expect(dup.status).toBe(409);
    expect((await problem(dup)).errors).toEqual([{ field: 'email', message: 'already in use' }]);
    const inUse = await api(s, '/products/1', { method: 'DELETE', token: admin });
    expect(inUse.status).toBe(409);
  });

  it('412: If-Match with a stale ETag changes nothing', async () => {
    const { id, etag } = await freshUser(s);
    const first = await api(s, `/users/${id}`, { method: 'PATCH', token: admin, headers: { 'If-Match': etag }, body: { name: 'Changed once' } });
    expect(first.status).toBe(200);
    const stale = await api(s, `/users/${id}`, { method: 'PUT', token: admin, headers: { 'If-Match': etag }, body: { name: 'Lost update', email: 'lost@example.com' } });
    expect(stale.status).toBe(412);
    expect((await problem(stale)).code).toBe('PRECONDITION_FAILED');
    const now = (await (await api(s, `/users/${id}`, { token: admin })).json()) as { name: string };
    expect(now.name).toBe('Changed once');
  });

  it('413 over the body limit', async () => {
    const res = await api(s, '/users', { method: 'POST', token: admin, body: { name: 'x'.repeat(3000), email: 'big@example.com' } });
    expect(res.status).toBe(413);
    expect((await problem(res)).detail).toContain('2048');
  });

  it('413 also for a streamed body with no Content-Length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 4) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${s.url}/api/v1/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    await problem(res);
  });

  it('415 for an unsupported Content-Type, naming what is accepted', async () => {
    const res = await api(s, '/users', { method: 'POST', token: admin, headers: { 'Content-Type': 'text/plain' }, body: 'name=Eve' });
    expect(res.status).toBe(415);
    expect(res.headers.get('accept-post')).toContain('application/json');
    await problem(res);
    const patchXml = await api(s, '/users/1', { method: 'PATCH', token: admin, headers: { 'Content-Type': 'application/xml' }, body: '<user/>' });
    expect(patchXml.status).toBe(415);
    expect(patchXml.headers.get('accept-patch')).toBe('application/merge-patch+json, application/json-patch+json, application/json, application/vnd.polyface.v1+json');
  });

  it('500 without details when the database is gone', async () => {
    const broken = await startServer();
    const token = await broken.token();
    await broken.app.db.destroy();
    const res = await api(broken, '/users/1', { token });
    expect(res.status).toBe(500);
    const p = await problem(res);
    expect(p).toMatchObject({ code: 'INTERNAL', detail: 'Internal server error' });
    expect(JSON.stringify(p)).not.toMatch(/sqlite|kysely|driver|destroy/i);
    await new Promise<void>((r) => broken.app.server.close(() => r()));
  });
});

describe('REST error table', () => {
  it('maps every domain kind, with Retry-After on 429 and no internal message on 500', () => {
    const statuses = ERROR_KINDS.map((k) => renderProblem(new DomainError(k, 'x'), '/i', 'r').status);
    expect(statuses).toEqual([404, 409, 422, 401, 403, 412, 429, 500]);
    const limited = renderProblem(new DomainError('RATE_LIMITED', 'slow down', { retryAfter: 7 }), '/i', 'r');
    expect(limited.headers['Retry-After']).toBe('7');
    const internal = renderProblem(new DomainError('INTERNAL', 'secret: connection string leaked'), '/i', 'r');
    expect(internal.body.detail).toBe('Internal server error');
  });
});
