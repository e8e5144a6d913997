import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, pascalName, type OperationName } from '../../src/contract/operations.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { SOAP11, SOAP12, TNS } from './helpers.js';

/**
 * The `soap` npm client pointed at the served WSDL, with nothing hand-edited,
 * calls every operation under both SOAP versions and gets typed values back:
 * numbers where the XSD says int/long/decimal, Dates where it says
 * dateTime, booleans, arrays for repeated elements.
 */
type Ctx = { created: Record<string, number>; version: '1.1' | '1.2' };
interface Step {
  input(ctx: Ctx): Record<string, unknown>;
  check(result: any, ctx: Ctx): void;
}

const ts = expect.any(Date);

/** SOAP has no streams: subscriptions are not SOAP operations (GetEvents is the long poll). */
const SOAP_OPERATIONS = OPERATIONS.filter((o) => o.kind !== 'subscription').map((o) => o.name);

const STEPS: Record<Exclude<OperationName, 'watchEvents'>, Step> = {
  login: {
    input: () => ({ username: 'admin', password: 'admin-password' }),
    check: (r) => expect(r.Token).toEqual({ access_token: expect.stringMatching(/\./), token_type: 'Bearer', expires_in: 3600 }),
  },
  getUser: {
    input: () => ({ id: 1 }),
    check: (r) => {
      expect(r.User).toEqual({ id: 1, name: 'Alice', email: 'alice@example.com', role: 'user', createdAt: ts, updatedAt: ts, version: 1 });
      // xsd:dateTime: the toolkit parses the timestamp into a Date at the same instant.
      expect((r.User.createdAt as Date).toISOString()).toBe('2026-01-15T09:00:00.000Z');
    },
  },
  listUsers: {
    input: () => ({ limit: 1, sort: '-id' }),
    check: (r) => {
      expect(r.UserPage).toMatchObject({ total: 2, limit: 1, offset: 0 });
      // A single repeated element still comes back as an array, as maxOccurs="unbounded" says.
      expect(r.UserPage.items).toEqual([expect.objectContaining({ id: 2, name: 'Bob' })]);
    },
  },
  createUser: {
    input: (c) => ({ name: 'Carol', email: `carol-${c.version}@example.com`, role: 'user', password: 'carol-password' }),
    check: (r, c) => {
      expect(r.User).toMatchObject({ id: expect.any(Number), name: 'Carol', email: `carol-${c.version}@example.com`, role: 'user', version: 1 });
      c.created.user = r.User.id;
    },
  },
  updateUser: {
    input: (c) => ({ id: c.created.user, name: 'Carol Ann', email: `carol-${c.version}@example.com`, expectedVersion: 1 }),
    check: (r) => expect(r.User).toMatchObject({ name: 'Carol Ann', version: 2 }),
  },
  patchUser: {
    input: (c) => ({ id: c.created.user, role: 'admin' }),
    check: (r) => expect(r.User).toMatchObject({ name: 'Carol Ann', role: 'admin', version: 3 }),
  },
  deleteUser: {
    input: (c) => ({ id: c.created.user }),
    check: (r, c) => expect(r.Deleted).toEqual({ deleted: true, id: c.created.user }),
  },
  bulkCreateUsers: {
    input: (c) => ({ items: [{ name: 'Dora', email: `dora-${c.version}@example.com` }, { name: 'Dup', email: 'bob@example.com' }], handling: 'lenient' }),
    check: (r, c) => {
      expect(r.UserBulkResult).toMatchObject({ handling: 'lenient', succeeded: 1, failed: 1 });
      const [created, refused] = r.UserBulkResult.items;
      expect(created).toMatchObject({ index: 0, ok: true, id: expect.any(Number), user: { name: 'Dora', role: 'user', version: 1 } });
      // A one-element repeated <fields> still comes back as an array.
      expect(refused).toEqual({ index: 1, ok: false, error: { kind: 'CONFLICT', message: expect.any(String), fields: [{ field: 'email', message: 'already in use' }] } });
      c.created.bulk = created.id;
    },
  },
  bulkPatchUsers: {
    input: (c) => ({ items: [{ id: c.created.bulk, name: 'Dora B.', expectedVersion: 1 }] }),
    check: (r, c) => expect(r.UserBulkResult).toMatchObject({ handling: 'strict', succeeded: 1, failed: 0, items: [{ index: 0, ok: true, id: c.created.bulk, user: { name: 'Dora B.', version: 2 } }] }),
  },
  bulkDeleteUsers: {
    input: (c) => ({ items: [{ id: c.created.bulk }], handling: 'strict' }),
    check: (r, c) => expect(r.UserBulkResult).toEqual({ handling: 'strict', succeeded: 1, failed: 0, items: [{ index: 0, ok: true, id: c.created.bulk }] }),
  },
  listUserOrders: {
    input: () => ({ userId: 1, limit: 5 }),
    check: (r) => {
      expect(r.OrderPage).toMatchObject({ total: 2, limit: 5, offset: 0 });
      expect(r.OrderPage.items.map((o: any) => o.id)).toEqual([2, 1]);
      expect(r.OrderPage.items[1].items).toHaveLength(2);
    },
  },
  getOrder: {
    input: () => ({ id: 2 }),
    check: (r) =>
      expect(r.Order).toEqual({
        id: 2,
        userId: 1,
        createdAt: ts,
        items: [{ productId: 2, quantity: 1, unitPrice: 25.5, lineTotal: 25.5 }],
        totalAmount: 25.5,
      }),
  },
  createOrder: {
    input: () => ({ userId: 2, items: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 2 }] }),
    check: (r) => expect(r.Order).toMatchObject({ userId: 2, totalAmount: 101, items: [{ lineTotal: 50 }, { lineTotal: 51 }] }),
  },
  getOrderStats: {
    input: () => ({ userId: 1, from: '2026-01-01', to: '2026-01-31', byDay: true }),
    check: (r) =>
      expect(r.OrderStats).toEqual({
        userId: 1,
        from: '2026-01-01',
        to: '2026-01-31',
        orders: 2,
        units: 4,
        revenue: 126.5,
        averageOrderValue: 63.25,
        products: [
          { productId: 2, name: 'Mouse', orders: 2, units: 3, revenue: 76.5 },
          { productId: 1, name: 'Laptop', orders: 1, units: 1, revenue: 50 },
        ],
        days: [{ date: '2026-01-15', orders: 2, units: 4, revenue: 126.5 }],
      }),
  },
  listProducts: {
    input: () => ({ minPrice: '30', sort: 'price' }),
    check: (r) => expect(r.ProductPage).toEqual({ items: [{ id: 1, name: 'Laptop', price: 50 }], total: 1, limit: 10, offset: 0 }),
  },
  getProduct: {
    input: () => ({ id: 2 }),
    check: (r) => expect(r.Product).toEqual({ id: 2, name: 'Mouse', price: 25.5 }),
  },
  createProduct: {
    input: (c) => ({ name: `Keyboard ${c.version}`, price: '19.99' }),
    check: (r, c) => {
      expect(r.Product).toEqual({ id: expect.any(Number), name: `Keyboard ${c.version}`, price: 19.99 });
      c.created.product = r.Product.id;
    },
  },
  updateProduct: {
    input: (c) => ({ id: c.created.product, name: 'Keyboard Pro', price: 29 }),
    check: (r, c) => expect(r.Product).toEqual({ id: c.created.product, name: 'Keyboard Pro', price: 29 }),
  },
  deleteProduct: {
    input: (c) => ({ id: c.created.product }),
    check: (r, c) => expect(r.Deleted).toEqual({ deleted: true, id: c.created.product }),
  },
  getEvents: {
    input: () => ({ after: '0', max: 5, waitSeconds: 0, types: ['product.created', 'product.deleted'] }),
    check: (r, c) => {
      // Typed, one element per kind of payload: <product> for product.created, <deletedId> for product.deleted.
      expect(r.EventBatch.events).toEqual([
        { id: expect.stringMatching(/^\d+$/), type: 'product.created', occurredAt: ts, product: { id: c.created.product, name: `Keyboard ${c.version}`, price: 19.99 } },
        { id: expect.stringMatching(/^\d+$/), type: 'product.deleted', occurredAt: ts, deletedId: c.created.product },
      ]);
      expect(r.EventBatch.next).toBe(r.EventBatch.events[1].id);
    },
  },
};

const faultOf = (err: any) => {
  const fault = err.root.Envelope.Body.Fault;
  return { code: fault.faultcode ?? fault.Code.Value, detail: (fault.detail ?? fault.Detail).ServiceFault };
};

it('the step table covers every operation', () => {
  expect(Object.keys(STEPS)).toEqual(SOAP_OPERATIONS);
});

describe.each([
  { version: '1.1' as const, envelope: SOAP11, contentType: /^text\/xml/, sender: 'soap:Client' },
  { version: '1.2' as const, envelope: SOAP12, contentType: /^application\/soap\+xml/, sender: 'soap:Sender' },
])('soap npm client, SOAP $version', ({ version, envelope, contentType, sender }) => {
  let s: TestServer;
  let client: soap.Client;
  const ctx: Ctx = { created: {}, version };

  beforeAll(async () => {
    s = await startServer();
    client = await soap.createClientAsync(`${s.url}/soap?wsdl`, { forceSoap12Headers: version === '1.2' });
    client.addHttpHeader('Authorization', `Bearer ${await s.token()}`);
  });
  afterAll(() => s.close());

  for (const name of SOAP_OPERATIONS as (keyof typeof STEPS)[]) {
    it(`${pascalName(name)}`, async () => {
      const method = (client as any)[`${pascalName(name)}Async`];
      const [result, raw] = await method(STEPS[name].input(ctx));
      expect(client.lastRequest).toContain(`xmlns:soap="${envelope}"`);
      expect(raw).toContain(`<${pascalName(name)}Response xmlns="${TNS}">`);
      STEPS[name].check(result, ctx);
    });
  }

  it('sent the version-specific content type and action', async () => {
    await client.GetUserAsync({ id: 1 });
    const headers = client.lastRequestHeaders as Record<string, string>;
    expect(headers['Content-Type']).toMatch(contentType);
    if (version === '1.1') expect(headers.SOAPAction).toBe(`"${TNS}/GetUser"`);
    else expect(headers['Content-Type']).toContain(`action="${TNS}/GetUser"`);
  });

  it('faults are typed: kind, message and field errors in the ServiceFault detail', async () => {
    const missing = await client.GetUserAsync({ id: 999 }).catch((e: unknown) => e);
    expect(faultOf(missing)).toEqual({ code: sender, detail: { kind: 'NOT_FOUND', message: 'User 999 not found' } });
    expect((missing as any).response.status).toBe(500);

    const invalid = faultOf(await client.CreateUserAsync({ name: '', email: 'not-an-email' }).catch((e: unknown) => e));
    expect(invalid.code).toBe(sender);
    expect(invalid.detail.kind).toBe('VALIDATION');
    expect(invalid.detail.fields.map((f: any) => f.field)).toEqual(['name', 'email']);

    const conflict = faultOf(await client.CreateUserAsync({ name: 'Dup', email: 'alice@example.com' }).catch((e: unknown) => e));
    expect(conflict.detail.kind).toBe('CONFLICT');
  });

  it('an anonymous call and a user overstepping are UNAUTHENTICATED and FORBIDDEN', async () => {
    const anonymous = await soap.createClientAsync(`${s.url}/soap?wsdl`, { forceSoap12Headers: version === '1.2' });
    expect(faultOf(await anonymous.GetUserAsync({ id: 1 }).catch((e: unknown) => e)).detail.kind).toBe('UNAUTHENTICATED');
    const alice = `Bearer ${await s.token(ALICE)}`;
    const err = await anonymous.GetOrderAsync({ id: 3 }, {}, { Authorization: alice }).catch((e: unknown) => e);
    expect(faultOf(err)).toMatchObject({ code: sender, detail: { kind: 'FORBIDDEN' } });
  });
});
