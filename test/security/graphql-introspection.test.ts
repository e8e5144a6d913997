import { getIntrospectionQuery } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { gql, graphqlBinding, graphqlConfig } from '../graphql/helpers.js';
import { startServer, type TestServer } from '../support/server.js';

/**
 * Issue 10, finding 2: introspection was free in the complexity count, so
 * an anonymous 1.4 KB query of aliased `fields`/`type` fragments returned
 * 44 MB after seconds of blocked event loop. Every case below was answered
 * (with data) by the old limits.
 */
let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});


/** Each level selects every field's type (and the types it wraps) through aliases, and the next level does it again. */
function amplifier(levels: number, aliases: number): string {
  const fragments = ['fragment T0 on __Type { name kind }'];
  for (let k = 1; k <= levels; k++) {
    const t = `...T${k - 1}`;
    const sel = Array.from({ length: aliases }, (_, n) => `a${n}: fields { name type { ${t} ofType { ${t} ofType { ${t} } } } }`).join(' ');
    fragments.push(`fragment T${k} on __Type { ${sel} }`);
  }
  return `query { __schema { types { ...T${levels} } } } ${fragments.join(' ')}`;
}

/** Anonymous, as the attacker was; a request error (no `data`) means nothing executed. */
async function refused(server: TestServer, query: string, limit: string) {
  const r = await gql(server.url, query);
  expect(r.body.data).toBeUndefined();
  const error = r.body.errors!.find((e) => e.extensions?.limit === limit);
  expect(error?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit });
  return error!;
}

describe('introspection amplification', () => {
  it('refuses the 1.4 KB aliased fields/type fragment query before execution, by its cost', async () => {
    s = await startServer();
    const query = amplifier(3, 6);
    expect(query.length).toBeGreaterThan(1300);
    expect(query.length).toBeLessThan(1500);
    const error = await refused(s, query, 'maxCost');
    expect(error.extensions!.max).toBe(10_000);
    expect(error.extensions!.actual).toBeGreaterThan(1_000_000);
    // Its selections alone, each fragment use counted, are over the field count too.
    await refused(s, query, 'maxComplexity');
  });

  it('counts aliased introspection lists at their size in this schema', async () => {
    s = await startServer();
    // 30 aliases of every type's fields: cheap to write, a few hundred thousand values to answer.
    const aliases = Array.from({ length: 30 }, (_, n) => `f${n}: fields { name }`).join(' ');
    await refused(s, `{ __schema { types { ${aliases} } } }`, 'maxCost');
    // One of them is a sane question and is answered.
    const one = await gql(s.url, '{ __schema { types { name fields { name } } } }');
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data!.__schema.types.length).toBeGreaterThan(10);
  });

  it('allows one __schema per operation, however it is reached', async () => {
    s = await startServer();
    await refused(s, '{ a: __schema { queryType { name } } b: __schema { queryType { name } } }', 'maxSchemaLookups');
    const viaFragment = await refused(s, '{ ...S ...S2 } fragment S on Query { __schema { queryType { name } } } fragment S2 on Query { ...S }', 'maxSchemaLookups');
    expect(viaFragment.extensions).toMatchObject({ max: 1, actual: 2 });
    const one = await gql(s.url, '{ __schema { queryType { name } } }');
    expect(one.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('caps __type lookups at graphql.maxTypeLookups', async () => {
    s = await startServer(graphqlConfig({ maxTypeLookups: 3 }));
    const lookups = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `t${i}: __type(name: "User") { name }`).join(' ')} }`;
    const error = await refused(s, lookups(4), 'maxTypeLookups');
    expect(error.extensions).toMatchObject({ max: 3, actual: 4 });
    expect(error.message).toBe('Query asks for __type 4 times, more than the maximum of 3');
    expect((await gql(s.url, lookups(3))).body.errors).toBeUndefined();
  });

  it('answers the standard introspection query (and what GraphiQL sends) from a cache after the first time', async () => {
    s = await startServer();
    const facade = await graphqlBinding(s);
    const graphiql = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true }).replace('IntrospectionQuery', 'MyIntrospection');
    for (const query of [getIntrospectionQuery(), graphiql]) {
      const first = await gql(s.url, query);
      expect(first.body.errors).toBeUndefined();
      expect(first.body.data!.__schema.queryType).toMatchObject({ name: 'Query' });
      const hits = facade.introspection.hits;
      const again = await gql(s.url, `# the same query, another text\n${query}`);
      expect(again.body).toEqual(first.body);
      expect(facade.introspection.hits).toBe(hits + 1);
    }
    expect(facade.introspection.size).toBe(2);
    // Anything else that looks like it runs normally and is never cached.
    const custom = await gql(s.url, '{ __schema { queryType { name } } }');
    expect(custom.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect(facade.introspection.size).toBe(2);
  });

  it('still refuses the standard query when introspection is off', async () => {
    s = await startServer(graphqlConfig({ introspection: false }));
    const r = await gql(s.url, getIntrospectionQuery());
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors![0]!.message).toMatch(/introspection has been disabled/);
  });
});

describe('no schema hints when introspection is off', () => {
  const typos = ['{ products { itemz { name } } }', '{ products(limt: 1) { total } }', '{ users(role: admn) { total } }'];

  it('graphql-js suggests names while introspection is on', async () => {
    s = await startServer();
    for (const query of typos) {
      const r = await gql(s.url, query);
      expect(r.body.errors![0]!.message).toMatch(/Did you mean/);
    }
  });

  it('strips "Did you mean …?" from validation and variable errors when it is off', async () => {
    s = await startServer(graphqlConfig({ introspection: false }));
    for (const query of typos) {
      const r = await gql(s.url, query);
      expect(r.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.body.errors![0]!.message).not.toMatch(/Did you mean|itemz?\b.*items|"items"|"limit"|"admin"/);
    }
    expect((await gql(s.url, '{ products { itemz { name } } }')).body.errors![0]!.message).toBe('Cannot query field "itemz" on type "ProductPage".');
    const variable = await gql(s.url, 'query ($r: Role) { users(role: $r) { total } }', { variables: { r: 'admn' } });
    expect(variable.body.errors![0]!.message).toMatch(/^Variable "\$r" got invalid value "admn"/);
    expect(variable.body.errors![0]!.message).not.toMatch(/Did you mean/);
  });
});
