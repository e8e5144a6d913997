import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../graphql/helpers.js';
import { call, post as rpc } from '../jsonrpc/support.js';
import { api, problem } from '../rest/helpers.js';
import { envelope, post as soap } from '../soap/helpers.js';
import { ALICE, BOB, startServer, type TestServer } from '../support/server.js';

/**
 * Field visibility, decided once in the domain (users/visibility.ts): a
 * signed-in user sees another user's id, name and role but not their
 * email; the user themselves and administrators see everything. Each
 * style shows "not yours to see" in its own idiom.
 */
let s: TestServer;
let admin: string;
let alice: string;

beforeAll(async () => {
  s = await startServer();
  admin = await s.token();
  alice = await s.token(ALICE);
});
afterAll(() => s.close());

describe('REST omits the member', () => {
  it('another user: no email; yourself and an admin: the email', async () => {
    const bob = (await (await api(s, '/users/2', { token: alice })).json()) as Record<string, unknown>;
    expect(bob).toMatchObject({ id: 2, name: 'Bob', role: 'user' });
    expect(bob).not.toHaveProperty('email');
    expect(await (await api(s, '/users/1', { token: alice })).json()).toMatchObject({ email: 'alice@example.com' });
    expect(await (await api(s, '/users/2', { token: admin })).json()).toMatchObject({ email: 'bob@example.com' });
    const xml = await (await api(s, '/users/2', { token: alice, headers: { Accept: 'application/xml' } })).text();
    expect(xml).toContain('<name>Bob</name>');
    expect(xml).not.toContain('<email>');
  });

  it('in lists too, item by item, even when fields= asks for it', async () => {
    const page = (await (await api(s, '/users?fields=id,email', { token: alice })).json()) as { data: Record<string, unknown>[] };
    expect(page.data.map((u) => [u.id, u.email])).toEqual([
      [1, 'alice@example.com'],
      [2, undefined],
    ]);
  });

  it('a hidden field cannot be filtered or sorted on: 403, so the filter cannot reveal it', async () => {
    for (const query of ['email=bob@example.com', 'sort=-email']) {
      const res = await api(s, `/users?${query}`, { token: alice });
      expect(await problem(res)).toMatchObject({ status: 403, detail: 'Only administrators may filter or sort users by email' });
    }
    expect((await api(s, '/users?email=bob@example.com', { token: admin })).status).toBe(200);
  });
});

describe('GraphQL resolves the field to null, without an error', () => {
  it('users { items { name email } } as Alice', async () => {
    const r = await gql(s.url, '{ users { items { name email } } me: user(id: 1) { email } bob: user(id: 2) { email } }', { token: alice });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toEqual({
      users: { items: [{ name: 'Alice', email: 'alice@example.com' }, { name: 'Bob', email: null }] },
      me: { email: 'alice@example.com' },
      bob: { email: null },
    });
    const asAdmin = await gql(s.url, '{ user(id: 2) { email } }', { token: admin });
    expect(asAdmin.body.data).toEqual({ user: { email: 'bob@example.com' } });
  });
});

describe('JSON-RPC omits the member', () => {
  it('getUser as Bob of Alice', async () => {
    const r = await rpc(s.url, call('getUser', { id: 1 }), { token: await s.token(BOB) });
    expect(r.body.result).toEqual({ id: 1, name: 'Alice', role: 'user', createdAt: expect.any(String), updatedAt: expect.any(String), version: 1 });
  });
});

describe('SOAP omits the element, as minOccurs="0" allows', () => {
  it('ListUsers as Alice', async () => {
    const r = await soap(s.url, envelope('1.1', '<ListUsers xmlns="http://polyface.dev/user-service"/>'), { token: alice });
    expect(r.text).toContain('<email>alice@example.com</email>');
    expect(r.text).not.toContain('bob@example.com');
    const wsdl = await (await fetch(`${s.url}/soap?wsdl`)).text();
    expect(wsdl).toMatch(/<xsd:complexType name="User">[\s\S]*?<xsd:element name="email" type="xsd:string" minOccurs="0">/);
  });
});
