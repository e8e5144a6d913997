import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { SoapClient } from '../../src/clients/soap.js';
import { UNARY_OPERATION_NAMES as OPERATION_NAMES } from '../../src/contract/operations.js';
import { domainFixtures, SCENARIOS, type Fixtures, type Who } from '../conformance/scenarios.js';
import { ADMIN, ALICE, BOB, startServer, type TestServer } from '../support/server.js';

/**
 * src/clients/soap.ts against a live server: the whole protocol-neutral
 * scenario table, under SOAP 1.1 and 1.2, must come back in the domain's
 * JSON shape (numbers, "50.00" money strings, arrays, pages) or as the
 * canonical kind with sorted field names.
 */
describe.each(['1.1', '1.2'] as const)('SoapClient, SOAP %s', (version) => {
  let s: TestServer;
  let client: SoapClient;
  let fx: Fixtures;
  const tokens: Partial<Record<Who, string>> = {};

  beforeAll(async () => {
    s = await startServer();
    client = new SoapClient(s.url, { version });
    fx = domainFixtures(s.app.container.get(TYPES.DomainServices));
    tokens.admin = await s.token(ADMIN);
    tokens.alice = await s.token(ALICE);
    tokens.bob = await s.token(BOB);
  });
  afterAll(() => s.close());

  it('the scenario table reaches every operation', () => {
    expect(new Set(SCENARIOS.map((sc) => sc.operation))).toEqual(new Set(OPERATION_NAMES));
  });

  SCENARIOS.forEach((sc, i) => {
    it(`${sc.operation} as ${sc.as} → ${sc.case}`, async () => {
      const input = await sc.input(fx, `soap${version}-${i}`);
      const outcome = await client.call(sc.operation, input, tokens[sc.as]);
      if (sc.case === 'success') expect(outcome).toEqual({ ok: true, data: sc.data ? sc.data(input) : expect.anything() });
      else expect(outcome).toEqual({ ok: false, kind: sc.case, fields: sc.fields ?? expect.any(Array) });
    });
  });

  it('an empty page still has an items array', async () => {
    const { id } = await fx.user(`soap-empty-${version}`);
    const outcome = await client.call('listUserOrders', { userId: id }, tokens.admin);
    expect(outcome).toEqual({ ok: true, data: { items: [], total: 0, limit: 10, offset: 0 } });
  });
});
