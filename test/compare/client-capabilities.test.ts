import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlClient } from '../../src/clients/graphql.js';
import { JsonRpcClient } from '../../src/clients/jsonrpc.js';
import { createClients } from '../../src/clients/index.js';
import { ALICE_USER, BOB_USER, LAPTOP, MOUSE, ORDER_1, ORDER_2 } from '../support/demo.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';

/**
 * The optional ProtocolClient capabilities the comparison leans on: `batch`
 * (JSON-RPC batch, GraphQL aliases) and `readGraph` (GraphQL's nested
 * selection). Each must give the same outcomes as one call at a time.
 */
let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startServer();
  admin = await s.token();
});
afterAll(() => s.close());

const READS = [
  { operation: 'getUser', input: { id: 1 } },
  { operation: 'getProduct', input: { id: 2 } },
  { operation: 'getOrder', input: { id: 1 } },
  { operation: 'getUser', input: { id: 999 } },
  { operation: 'listUserOrders', input: { userId: 1, limit: 5 } },
  { operation: 'getUser', input: { id: 0 } },
] as const;

const EXPECTED = [
  { ok: true, data: ALICE_USER },
  { ok: true, data: MOUSE },
  { ok: true, data: ORDER_1 },
  { ok: false, kind: 'NOT_FOUND', fields: [] },
  { ok: true, data: { items: [ORDER_2, ORDER_1], total: 2, limit: 5, offset: 0 } },
  { ok: false, kind: 'VALIDATION', fields: ['id'] },
];

describe('batch', () => {
  it('JSON-RPC: one batch answers each call as a single call would, in order', async () => {
    const client = new JsonRpcClient(s.url);
    expect(await client.batch(READS, admin)).toEqual(EXPECTED);
    for (const [n, c] of READS.entries()) expect(await client.call(c.operation, c.input, admin)).toEqual(EXPECTED[n]);
  });

  it('JSON-RPC: concurrent batches on one client never mix their answers (ids are unique per client)', async () => {
    const client = new JsonRpcClient(s.url);
    const all = await Promise.all([1, 2, 3, 4].map(() => client.batch(READS, admin)));
    for (const out of all) expect(out).toEqual(EXPECTED);
  });

  it('GraphQL: aliased root fields in one document answer each call as a single call would', async () => {
    const client = new GraphqlClient(s.url);
    expect(client.batchDocument(READS.slice(0, 2))).toBe(
      'query Batch($c0_id: ID!, $c1_id: ID!) { c0: user(id: $c0_id) { id name email role createdAt updatedAt version } c1: product(id: $c1_id) { id name price } }',
    );
    // A null single-item read is NOT_FOUND; a VALIDATION on one alias leaves the others their data.
    // (GraphQL refuses `id: 0` per field at execution, so that alias alone carries the error.)
    expect(await client.batch(READS, admin)).toEqual(EXPECTED);
  });

  it('GraphQL: without a token every aliased domain field is UNAUTHENTICATED', async () => {
    const client = new GraphqlClient(s.url);
    const out = await client.batch(READS.slice(0, 2));
    expect(out).toEqual([
      { ok: false, kind: 'UNAUTHENTICATED', fields: [] },
      { ok: false, kind: 'UNAUTHENTICATED', fields: [] },
    ]);
  });

  it('GraphQL refuses a batch that mixes queries and mutations (one document has one root type)', async () => {
    const client = new GraphqlClient(s.url);
    await expect(client.batch([READS[0], { operation: 'deleteUser', input: { id: 5 } }], admin)).rejects.toThrow(/queries or mutations/);
  });

  it('only the styles that have one in a request offer batch', () => {
    const offered = Object.entries(createClients(s.url))
      .filter(([, c]) => typeof c.batch === 'function')
      .map(([name]) => name);
    expect(offered).toEqual(['graphql', 'jsonrpc']);
  });
});

describe('readGraph (GraphQL)', () => {
  const selection = { id: true, name: true, orders: { id: true, items: { quantity: true, product: { name: true, price: true } }, totalAmount: true } } as const;

  it('reads a user with orders, items and products in one query, ids as numbers', async () => {
    const client = new GraphqlClient(s.url);
    expect(client.graphDocument({ operation: 'getUser', input: { id: 1 } }, selection)).toBe(
      'query GetUserGraph($id: ID!) { user(id: $id) { id name orders { id items { quantity product { name price } } totalAmount } } }',
    );
    const alice = await client.readGraph({ operation: 'getUser', input: { id: 1 } }, selection, await s.token(ALICE));
    expect(alice).toEqual({
      ok: true,
      data: {
        id: 1,
        name: 'Alice',
        orders: [
          { id: 2, items: [{ quantity: 1, product: { name: MOUSE.name, price: MOUSE.price } }], totalAmount: '25.50' },
          {
            id: 1,
            items: [
              { quantity: 1, product: { name: LAPTOP.name, price: LAPTOP.price } },
              { quantity: 2, product: { name: MOUSE.name, price: MOUSE.price } },
            ],
            totalAmount: '101.00',
          },
        ],
      },
    });
  });

  it('a missing root is NOT_FOUND, an unknown field a VALIDATION failure, a mutation is refused', async () => {
    const client = new GraphqlClient(s.url);
    expect(await client.readGraph({ operation: 'getUser', input: { id: 999 } }, { id: true }, admin)).toEqual({ ok: false, kind: 'NOT_FOUND', fields: [] });
    expect(await client.readGraph({ operation: 'getUser', input: { id: 2 } }, { id: true, shoeSize: true }, admin)).toEqual({
      ok: false,
      kind: 'VALIDATION',
      fields: [],
    });
    expect(await client.readGraph({ operation: 'getUser', input: { id: 2 } }, { name: true }, admin)).toEqual({ ok: true, data: { name: BOB_USER.name } });
    expect(() => client.graphDocument({ operation: 'deleteUser', input: { id: 1 } }, { id: true })).toThrow(/not a query/);
  });
});
