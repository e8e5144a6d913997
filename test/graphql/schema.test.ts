import { buildClientSchema, getIntrospectionQuery, isNonNullType, printSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_FIELDS } from '../../src/protocols/graphql/spec.js';
import { OPERATIONS } from '../../src/contract/operations.js';
import { startServer, type TestServer } from '../support/server.js';
import { graphqlBinding } from './helpers.js';

let s: TestServer;
let served: ReturnType<typeof buildClientSchema>;

beforeAll(async () => {
  s = await startServer();
  const res = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: getIntrospectionQuery({ schemaDescription: true, specifiedByUrl: true }) }),
  });
  expect(res.status).toBe(200);
  served = buildClientSchema(((await res.json()) as { data: IntrospectionQuery }).data);
});
afterAll(() => s.close());

const rootFields = (root: 'Query' | 'Mutation' | 'Subscription') =>
  Object.keys((root === 'Query' ? served.getQueryType() : root === 'Mutation' ? served.getMutationType() : served.getSubscriptionType())!.getFields()).sort();

describe('GraphQL schema versus the operation list', () => {
  it('serves every operation as a root field, and nothing else', () => {
    const expected = { Query: [] as string[], Mutation: [] as string[], Subscription: [] as string[] };
    for (const op of OPERATIONS) expected[ROOT_FIELDS[op.name].root].push(ROOT_FIELDS[op.name].field);
    expect(rootFields('Query')).toEqual(expected.Query.sort());
    expect(rootFields('Mutation')).toEqual(expected.Mutation.sort());
    expect(rootFields('Subscription')).toEqual(expected.Subscription.sort());
  });

  it('puts reads under Query, writes under Mutation and streams under Subscription', () => {
    const roots = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;
    for (const op of OPERATIONS) {
      expect([op.name, ROOT_FIELDS[op.name].root]).toEqual([op.name, roots[op.kind]]);
    }
  });

  it('makes exactly the single-item reads nullable (null means "no such id")', () => {
    const query = served.getQueryType()!.getFields();
    const nullable = Object.values(query).filter((f) => !isNonNullType(f.type)).map((f) => f.name).sort();
    expect(nullable).toEqual(['order', 'product', 'user']);
    for (const f of Object.values(served.getMutationType()!.getFields())) expect(isNonNullType(f.type)).toBe(true);
    for (const f of Object.values(served.getSubscriptionType()!.getFields())) expect(isNonNullType(f.type)).toBe(true);
  });

  it('serves the schema the facade was built from (schema.graphql)', async () => {
    const facade = await graphqlBinding(s);
    expect(printSchema(served)).toBe(printSchema(facade.schema));
  });

  it('declares money as the Decimal scalar, never Float', () => {
    expect(printSchema(served)).not.toMatch(/\bFloat\b/);
    const product = served.getType('Product') as unknown as { getFields(): Record<string, { type: unknown }> };
    expect(String(product.getFields().price!.type)).toBe('Decimal!');
  });
});
