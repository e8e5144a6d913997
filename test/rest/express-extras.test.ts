import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { restMiddleware } from '../../src/protocols/rest/express.js';
import { RestHttp } from '../../src/protocols/rest/http.js';
import { startServer, type TestServer } from '../support/server.js';

/** The same REST core mounted in an express app: the bindings must not differ. */
describe('REST core on the express binding: the newer resources', () => {
  let s: TestServer;
  let server: Server;
  let base: string;
  let token: string;
  beforeAll(async () => {
    s = await startServer();
    token = await s.token();
    const rest = s.app.container.getAll(TYPES.HttpBinding).find((b) => b instanceof RestHttp) as RestHttp;
    const app = express();
    app.use(restMiddleware(rest.core, () => ({ log: s.app.log })));
    app.use((_req, res) => void res.status(418).send('not REST'));
    server = await new Promise<Server>((resolve) => {
      const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await s.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}`, ...headers } });

  it('serves /api/v1 routes, query syntaxes, scalars and versioned media types', async () => {
    expect(await (await get('/api/v1/users/1')).json()).toMatchObject({ id: 1, name: 'Alice' });
    const page = (await (await get(`/api/v1/users?${encodeURI("$filter=name eq 'Bob'")}`)).json()) as { data: { name: string }[] };
    expect(page.data.map((u) => u.name)).toEqual(['Bob']);
    expect(await (await get('/api/v1/users/count')).json()).toBe(2);
    expect(await (await get('/api/v1/users/2/name')).json()).toBe('Bob');
    const versioned = await get('/api/v1/products/1', { Accept: 'application/vnd.polyface.v1+json' });
    expect(versioned.headers.get('content-type')).toBe('application/vnd.polyface.v1+json; charset=utf-8');
  });

  it('serves the source material\'s profile and its bodies', async () => {
    const auth = await fetch(`${base}/auth`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-password' }),
    });
    const { token: raw } = (await auth.json()) as { token: string };
    const users = await fetch(`${base}/users`, { headers: { Authorization: raw } });
    expect(await users.json()).toEqual({
      users: [
        { id: 1, name: 'Alice', email: 'alice@example.com' },
        { id: 2, name: 'Bob', email: 'bob@example.com' },
      ],
    });
    const created = await fetch(`${base}/users`, {
      method: 'POST',
      headers: { Authorization: raw, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Expressive', email: 'expressive@example.com' }),
    });
    expect(created.status).toBe(201);
  });

  it('leaves other paths to the next middleware', async () => {
    const res = await fetch(`${base}/elsewhere`);
    expect(res.status).toBe(418);
  });
});
