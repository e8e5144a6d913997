import { buildSchema, execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { formatError } from '../../src/protocols/graphql/errors.js';
import { GraphqlExecutor } from '../../src/protocols/graphql/execute.js';

// A framework-free check of the executor: graphql-jit is loaded on the first query, queries before that run on
// graphql-js, and both give the same result.
const schema = buildSchema(`
  type User { id: Int! name: String! }
  type Query { user(id: Int!): User, broken: User, crashed: Int }
  type Mutation { rename(name: String!): User }
`);
schema.getQueryType()!.getFields().user!.resolve = (_root, { id }: { id: number }) => (id === 1 ? { id: 1, name: 'Alice' } : null);
schema.getMutationType()!.getFields().rename!.resolve = (_root, { name }: { name: string }) => ({ id: 1, name });
schema.getQueryType()!.getFields().broken!.resolve = () => {
  throw new DomainError('NOT_FOUND', 'No such user');
};
schema.getQueryType()!.getFields().crashed!.resolve = () => {
  throw new TypeError('internal detail');
};
const rootValue = {};

describe('GraphqlExecutor', () => {
  it('runs on graphql-js until graphql-jit is loaded, then compiles the document', async () => {
    const executor = new GraphqlExecutor(schema, true);
    const document = parse('query Q($id: Int!) { user(id: $id) { id name } }');
    const args = { schema, document, rootValue, variableValues: { id: 1 } };
    const expected = await execute(args);

    expect(await executor.execute(args)).toEqual(expected);
    expect(executor.compiled(document)).toBeUndefined();

    await executor.load();
    expect(await executor.execute(args)).toEqual(expected);
    expect(executor.compiled(document)).toBe(true);
    expect(await executor.execute({ ...args, variableValues: { id: 2 } })).toEqual({ data: { user: null } });
  });

  it('leaves mutations, introspection and a disabled cache to graphql-js', async () => {
    const executor = new GraphqlExecutor(schema, true);
    await executor.load();
    const mutation = parse('mutation { rename(name: "Bea") { name } }');
    expect(await executor.execute({ schema, document: mutation, rootValue })).toEqual({ data: { rename: { name: 'Bea' } } });
    expect(executor.compiled(mutation)).toBe(false);
    const introspection = parse('{ __typename }');
    expect(await executor.execute({ schema, document: introspection, rootValue })).toEqual({ data: { __typename: 'Query' } });
    expect(executor.compiled(introspection)).toBe(false);

    const off = new GraphqlExecutor(schema, false);
    await off.load();
    const query = parse('{ user(id: 1) { name } }');
    expect(await off.execute({ schema, document: query, rootValue })).toEqual({ data: { user: { name: 'Alice' } } });
    expect(off.compiled(query)).toBeUndefined();
  });

  it('answers a failing field the same compiled as on graphql-js, once formatted', async () => {
    // graphql-jit's errors have no extensions and no nodes: formatting them once threw (a 500 for every failing query).
    const document = parse('{\n  broken { id }\n  crashed\n}');
    const args = { schema, document, rootValue };
    const format = (result: Awaited<ReturnType<GraphqlExecutor['execute']>>) =>
      JSON.parse(JSON.stringify({ ...result, errors: result.errors?.map((e) => formatError(e, () => undefined)) })) as unknown;
    const reference = format(await execute(args));
    expect(reference).toEqual({
      data: { broken: null, crashed: null },
      errors: [
        { message: 'No such user', locations: [{ line: 2, column: 3 }], path: ['broken'], extensions: { code: 'NOT_FOUND' } },
        { message: expect.any(String), locations: [{ line: 3, column: 3 }], path: ['crashed'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ],
    });
    const executor = new GraphqlExecutor(schema, true);
    await executor.load();
    const compiled = format(await executor.execute(args));
    expect(executor.compiled(document)).toBe(true);
    expect(compiled).toEqual(reference);
  });
});
