import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GRAPHQL_CODES } from '../../src/protocols/graphql/spec.js';
import { TYPES } from '../../src/app/tokens.js';
import { DomainError, ERROR_KINDS } from '../../src/domain/errors.js';
import { ADMIN, ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { gql } from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());
afterEach(() => vi.restoreAllMocks());

const code = (r: Awaited<ReturnType<typeof gql>>) => r.body.errors?.[0]?.extensions?.code;

describe('error codes', () => {
  it('maps every domain error kind to a distinct extensions.code', () => {
    const codes = ERROR_KINDS.map((k) => GRAPHQL_CODES[k]);
    expect(new Set(codes).size).toBe(ERROR_KINDS.length);
    expect(GRAPHQL_CODES.VALIDATION).toBe('BAD_USER_INPUT');
    expect(GRAPHQL_CODES.INTERNAL).toBe('INTERNAL_SERVER_ERROR');
  });

  it('answers null, without an error, for a missing id in user/order/product', async () => {
    const r = await gql(s.url, '{ user(id: 999) { id } order(id: 999) { id } product(id: 999) { id } }', { token: await s.token(ADMIN) });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { user: null, order: null, product: null } });
  });

  it('NOT_FOUND for a mutation on a missing id', async () => {
    const r = await gql(s.url, 'mutation { deleteProduct(id: 999) { deleted } }', { token: await s.token(ADMIN) });
    expect(code(r)).toBe('NOT_FOUND');
    expect(r.body.errors![0]!.path).toEqual(['deleteProduct']);
    expect(r.body.data).toBeNull();
  });

  it('NOT_FOUND for the orders of a missing user (a non-null field)', async () => {
    const r = await gql(s.url, '{ orders(userId: 999) { total } }', { token: await s.token(ADMIN) });
    expect(code(r)).toBe('NOT_FOUND');
  });

  it('CONFLICT for a duplicate email', async () => {
    const r = await gql(s.url, 'mutation { createUser(name: "Twin", email: "alice@example.com") { id } }', { token: await s.token(ADMIN) });
    expect(code(r)).toBe('CONFLICT');
    expect(r.body.errors![0]!.extensions!.fields).toEqual([{ field: 'email', message: 'already in use' }]);
  });

  it('BAD_USER_INPUT with field errors from the domain', async () => {
    const r = await gql(s.url, 'mutation { createUser(name: "", email: "not-an-email") { id } }', { token: await s.token(ADMIN) });
    expect(code(r)).toBe('BAD_USER_INPUT');
    const fields = (r.body.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['email', 'name']);
  });

  it('BAD_USER_INPUT for a variable GraphQL cannot coerce, and for a malformed Decimal', async () => {
    const v = await gql(s.url, 'query Q($id: ID!) { user(id: $id) { id } }', { token: await s.token(ADMIN), variables: { id: { no: 1 } } });
    expect(code(v)).toBe('BAD_USER_INPUT');
    expect(v.body.data).toBeUndefined();
    const d = await gql(s.url, 'mutation { createProduct(name: "Pen", price: "1.234") { id } }', { token: await s.token(ADMIN) });
    expect(code(d)).toBe('BAD_USER_INPUT');
    expect(d.body.errors![0]!.extensions!.fields).toEqual([{ field: 'price', message: expect.any(String) }]);
  });

  it('keeps Decimal literals exact and answers money as strings', async () => {
    const r = await gql(s.url, 'mutation { createProduct(name: "Cable", price: 19.90) { price } }', { token: await s.token(ADMIN) });
    expect(r.body.data).toEqual({ createProduct: { price: '19.90' } });
  });

  it('UNAUTHENTICATED on domain fields without a token, while { __typename } works', async () => {
    const r = await gql(s.url, '{ __typename user(id: 1) { id } }');
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ __typename: 'Query', user: null });
    expect(code(r)).toBe('UNAUTHENTICATED');
  });

  it('UNAUTHENTICATED for the whole request with a bad token (status by media type)', async () => {
    const json = await gql(s.url, '{ __typename }', { authorization: 'Bearer not-a-token' });
    expect(json.status).toBe(200);
    expect(json.body.data).toBeUndefined();
    expect(code(json)).toBe('UNAUTHENTICATED');
    const gqlJson = await gql(s.url, '{ __typename }', { authorization: 'Basic YWRtaW46eA==', accept: 'application/graphql-response+json' });
    expect(gqlJson.status).toBe(400);
    expect(gqlJson.contentType).toContain('application/graphql-response+json');
    expect(code(gqlJson)).toBe('UNAUTHENTICATED');
  });

  it('login works without a token and its token authenticates', async () => {
    const r = await gql(s.url, 'mutation { login(username: "bob@example.com", password: "demo-password") { access_token token_type expires_in } }');
    expect(r.body.data!.login.token_type).toBe('Bearer');
    const me = await gql(s.url, '{ user(id: 2) { email } }', { token: r.body.data!.login.access_token });
    expect(me.body.data).toEqual({ user: { email: 'bob@example.com' } });
    const wrong = await gql(s.url, 'mutation { login(username: "bob@example.com", password: "wrong-password") { access_token } }');
    expect(code(wrong)).toBe('UNAUTHENTICATED');
  });

  it("FORBIDDEN for another user's order", async () => {
    const r = await gql(s.url, '{ order(id: 1) { id } }', { token: await s.token(BOB) });
    expect(code(r)).toBe('FORBIDDEN');
    expect(r.body.data).toEqual({ order: null });
  });

  it('PRECONDITION_FAILED for a stale expectedVersion', async () => {
    const r = await gql(s.url, 'mutation { patchUser(id: 1, name: "Alicia", expectedVersion: 99) { id } }', { token: await s.token(ALICE) });
    expect(code(r)).toBe('PRECONDITION_FAILED');
  });

  it('RATE_LIMITED carries retryAfter', async () => {
    const { products } = s.app.container.get(TYPES.DomainServices);
    vi.spyOn(products, 'list').mockRejectedValue(new DomainError('RATE_LIMITED', 'Slow down', { retryAfter: 7 }));
    const r = await gql(s.url, '{ products { total } }', { token: await s.token(ADMIN) });
    expect(code(r)).toBe('RATE_LIMITED');
    expect(r.body.errors![0]!.extensions!.retryAfter).toBe(7);
  });

  it('INTERNAL_SERVER_ERROR with a fixed message and no internals', async () => {
    const { products } = s.app.container.get(TYPES.DomainServices);
    vi.spyOn(products, 'getMany').mockRejectedValue(new Error('SQLITE_CORRUPT at /var/secret/db.sqlite'));
    const r = await gql(s.url, '{ order(id: 1) { items { product { name } } } }', { token: await s.token(ADMIN) });
    expect(code(r)).toBe('INTERNAL_SERVER_ERROR');
    expect(r.body.errors![0]!.message).toBe('Internal server error');
    expect(JSON.stringify(r.body)).not.toMatch(/SQLITE|secret|stack|at /);
  });

  it('BAD_REQUEST (400) for a request without a query', async () => {
    const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses mutations over GET (405)', async () => {
    const res = await fetch(`${s.url}/graphql?query=${encodeURIComponent('mutation { deleteProduct(id: 1) { id } }')}`, {
      headers: { Authorization: `Bearer ${await s.token(ADMIN)}` },
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
