import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { GraphqlClient } from '../../src/clients/graphql.js';
import { findOperation, UNARY_OPERATION_NAMES as OPERATION_NAMES } from '../../src/contract/operations.js';
import { domainFixtures, SCENARIOS, type Fixtures, type Who } from '../conformance/scenarios.js';
import { ADMIN, ALICE, BOB, startServer, type TestServer } from '../support/server.js';

let s: TestServer;
let client: GraphqlClient;
let fixtures: Fixtures;
beforeAll(async () => {
  s = await startServer();
  client = new GraphqlClient(s.url);
  fixtures = domainFixtures(s.app.container.get(TYPES.DomainServices));
});
afterAll(() => s.close());

const tokenFor = (who: Who) => (who === 'anonymous' ? undefined : s.token({ admin: ADMIN, alice: ALICE, bob: BOB }[who]));

describe('GraphqlClient', () => {
  it('has a success scenario for every operation', () => {
    const covered = new Set(SCENARIOS.filter((sc) => sc.case === 'success').map((sc) => sc.operation));
    expect([...covered].sort()).toEqual([...OPERATION_NAMES].sort());
  });

  it('sends one generated document per operation, selecting every output field', () => {
    expect(client.document('getOrder', ['id'])).toBe(
      'query GetOrder($id: ID!) { order(id: $id) { id userId createdAt items { productId quantity unitPrice lineTotal } totalAmount } }',
    );
    expect(client.document('createOrder', ['items', 'userId'])).toContain('mutation CreateOrder($items: [OrderItemInput!]!, $userId: ID!)');
  });

  SCENARIOS.forEach((sc, n) => {
    it(`${sc.operation}: ${sc.case} as ${sc.as}`, async () => {
      const input = await sc.input(fixtures, `graphql-${n}`);
      const outcome = await client.call(sc.operation, input, await tokenFor(sc.as));
      if (sc.case === 'success') {
        expect(outcome).toEqual({ ok: true, data: sc.data!(input) });
        // Exactly the domain's output shape: ids as numbers, money as strings.
        if (outcome.ok) findOperation(sc.operation)!.output.parse(outcome.data);
      } else {
        expect(outcome).toEqual({ ok: false, kind: sc.case, fields: sc.fields ?? [] });
      }
    });
  });
});
