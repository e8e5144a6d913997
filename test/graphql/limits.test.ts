import { afterEach, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';
import { gql, graphqlBinding, graphqlConfig, SOURCE_QUERY } from './helpers.js';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function rejectedBeforeExecution(server: TestServer, query: string, accept = 'application/json') {
  const counter = server.app.container.get(TYPES.QueryCounter);
  const token = await server.token(ADMIN);
  const before = counter.count;
  const r = await gql(server.url, query, { token, accept });
  expect(counter.count).toBe(before); // nothing touched storage
  expect(r.body.data).toBeUndefined(); // request error: no execution at all
  return r;
}


describe('hostile-query limits', () => {
  it('rejects a query deeper than graphql.maxDepth', async () => {
    s = await startServer(graphqlConfig({ maxDepth: 4 }));
    // The source query is 5 deep: user > orders > items > product > name.
    const r = await rejectedBeforeExecution(s, SOURCE_QUERY, 'application/graphql-response+json');
    expect(r.status).toBe(400);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxDepth', max: 4, actual: 5 });
    expect(r.body.errors![0]!.message).toBe('Query depth 5 exceeds the maximum of 4');
    const ok = await gql(s.url, '{ user(id: 1) { orders { id } } }', { token: await s.token(ADMIN) });
    expect(ok.body.errors).toBeUndefined();
  });

  it('counts depth through fragments', async () => {
    s = await startServer(graphqlConfig({ maxDepth: 3 }));
    const r = await rejectedBeforeExecution(s, '{ user(id: 1) { ...U } } fragment U on User { orders { ... on Order { items { quantity } } } }');
    expect(r.body.errors![0]!.extensions).toMatchObject({ limit: 'maxDepth', actual: 4 });
  });

  it('rejects an alias flood past graphql.maxComplexity (fields counted per alias)', async () => {
    s = await startServer(graphqlConfig({ maxComplexity: 20 }));
    const aliases = Array.from({ length: 11 }, (_, n) => `a${n}: users { total }`).join(' ');
    const r = await rejectedBeforeExecution(s, `{ ${aliases} }`);
    expect(r.status).toBe(200); // application/json: GraphQL errors travel with 200
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxComplexity', max: 20, actual: 22 });
  });

  it('measures a fragment bomb without expanding it (default limits)', async () => {
    s = await startServer();
    const frags = ['fragment F0 on Query { users { total } }'];
    for (let n = 1; n <= 40; n++) frags.push(`fragment F${n} on Query { ...F${n - 1} ...F${n - 1} }`);
    const r = await rejectedBeforeExecution(s, `{ ...F40 } ${frags.join(' ')}`);
    const error = r.body.errors!.find((e) => e.extensions?.limit === 'maxComplexity')!;
    expect(error.extensions).toMatchObject({ max: 1000, actual: 2 ** 41 });
  });

  it('rejects a query text longer than graphql.maxQueryLength before parsing it', async () => {
    s = await startServer(graphqlConfig({ maxQueryLength: 100 }));
    const long = `{ __typename ${' '.repeat(100)} }`;
    const r = await rejectedBeforeExecution(s, long, 'application/graphql-response+json');
    expect(r.status).toBe(400);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxQueryLength', max: 100, actual: long.length });
    expect((await graphqlBinding(s)).documents.size).toBe(0);
  });

  it('answers 413 past the body limit', async () => {
    s = await startServer({ bodyLimitBytes: 200 });
    const r = await gql(s.url, `{ __typename } # ${'x'.repeat(300)}`);
    expect(r.status).toBe(413);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', max: 200 });
  });

  it('answers 413 past the body limit over graphql-sse too, in the client\'s language, and closes', async () => {
    s = await startServer({ bodyLimitBytes: 200 });
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', 'Accept-Language': 'ru' },
      body: JSON.stringify({ query: `subscription { events { id } } # ${'x'.repeat(300)}` }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(res.headers.get('content-language')).toBe('ru');
    const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', max: 200 });
    expect(body.errors[0]!.message).toMatch(/[а-я]/);
  });

  it('serves introspection by default and refuses it when graphql.introspection is false', async () => {
    s = await startServer();
    const on = await gql(s.url, '{ __schema { queryType { name } } }');
    expect(on.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    await s.close();

    s = await startServer(graphqlConfig({ introspection: false }));
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "User") { name } }']) {
      const off = await rejectedBeforeExecution(s, query);
      expect(off.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(off.body.errors![0]!.message).toMatch(/introspection has been disabled/);
    }
    const typename = await gql(s.url, '{ __typename }');
    expect(typename.body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('document cache', () => {
  it('keeps at most graphql.documentCacheSize parsed documents, least recently used out first', async () => {
    s = await startServer(graphqlConfig({ documentCacheSize: 2 }));
    const cache = (await graphqlBinding(s)).documents;
    const token = await s.token(ADMIN);
    for (const q of ['{ a: __typename }', '{ b: __typename }', '{ a: __typename }', '{ c: __typename }']) {
      const r = await gql(s.url, q, { token });
      expect(r.body.errors).toBeUndefined();
    }
    expect(cache.size).toBe(2);
    // "a" was used again after "b", so "b" was the least recently used when "c" arrived.
    expect([cache.has('{ a: __typename }'), cache.has('{ b: __typename }'), cache.has('{ c: __typename }')]).toEqual([true, false, true]);
    const a1 = cache.get('{ a: __typename }');
    const a2 = cache.get('{ a: __typename }');
    expect(a1.ok && a2.ok && a1.document === a2.document).toBe(true);
  });

  it('caches failed documents with their errors', async () => {
    s = await startServer();
    const r = await gql(s.url, '{ nope }');
    expect(r.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await graphqlBinding(s)).documents.has('{ nope }')).toBe(true);
  });

  it('a size of 0 turns the cache off', async () => {
    s = await startServer(graphqlConfig({ documentCacheSize: 0 }));
    const r = await gql(s.url, '{ nope }');
    expect(r.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const parse = await gql(s.url, '{');
    expect(parse.body.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    expect((await graphqlBinding(s)).documents.size).toBe(0);
  });
});
