import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type ClientVariant, type ProtocolClient } from '../../src/clients/index.js';
import { BULK_MAX_ITEMS } from '../../src/domain/bulk.js';
import { gql } from '../graphql/helpers.js';
import { call, post as rpc } from '../jsonrpc/support.js';
import { api } from '../rest/helpers.js';
import { envelope, post as soap } from '../soap/helpers.js';
import { startServer, type TestServer } from '../support/server.js';

/** Bulk operations outside REST: the same strategies, limits and per-item results, each in its style's idiom. */
let s: TestServer;
let admin: string;
let clients: Record<ClientVariant, ProtocolClient>;
let seq = 0;
const email = (style: string) => `bulk-${style}-${++seq}@example.com`;
const exists = async (address: string) =>
  ((await (await api(s, `/users?email=${encodeURIComponent(address)}`, { token: admin })).json()) as { page: { total: number } }).page.total === 1;

beforeAll(async () => {
  s = await startServer();
  admin = await s.token();
  clients = createClients(s.url);
});
afterAll(() => s.close());

describe('strict handling rolls back in every style', () => {
  for (const variant of ['graphql', 'jsonrpc', 'soap-1.1', 'soap-1.2'] as ClientVariant[]) {
    it(`${variant}: a conflict in the last item undoes the first`, async () => {
      const first = email(variant);
      const out = await clients[variant].call('bulkCreateUsers', { items: [{ name: 'First', email: first }, { name: 'Dup', email: 'bob@example.com' }] }, admin);
      expect(out).toEqual({ ok: false, kind: 'CONFLICT', fields: ['items.1.email'] });
      expect(await exists(first)).toBe(false);
    });
  }
});

describe('GraphQL', () => {
  it('list inputs, an enum for handling, per-item results with errors as data', async () => {
    const r = await gql(
      s.url,
      `mutation ($items: [CreateUserInput!]!) {
        bulkCreateUsers(items: $items, handling: lenient) {
          handling succeeded failed
          items { index ok id user { name email } error { kind message fields { field message } } }
        }
      }`,
      { token: admin, variables: { items: [{ name: 'Gql', email: 'gql-bulk@example.com' }, { name: 'Bad', email: 'nope' }] } },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.bulkCreateUsers).toEqual({
      handling: 'lenient',
      succeeded: 1,
      failed: 1,
      items: [
        { index: 0, ok: true, id: expect.stringMatching(/^\d+$/), user: { name: 'Gql', email: 'gql-bulk@example.com' }, error: null },
        { index: 1, ok: false, id: null, user: null, error: { kind: 'VALIDATION', message: 'Invalid input: email: must be an email address', fields: [{ field: 'email', message: 'must be an email address' }] } },
      ],
    });
  });
});

describe('JSON-RPC', () => {
  it('per-item error messages follow Accept-Language; the limit is the same', async () => {
    const r = await rpc(s.url, call('bulkDeleteUsers', { items: [{ id: 999998 }], handling: 'lenient' }), { token: admin, headers: { 'Accept-Language': 'ru' } });
    expect(r.body.result).toEqual({
      handling: 'lenient',
      succeeded: 0,
      failed: 1,
      items: [{ index: 0, ok: false, id: 999998, error: { kind: 'NOT_FOUND', message: 'Пользователь 999998 не найден', fields: [] } }],
    });
    const items = Array.from({ length: BULK_MAX_ITEMS + 1 }, (_, i) => ({ id: i + 1000 }));
    const over = await rpc(s.url, call('bulkDeleteUsers', { items }), { token: admin });
    expect(over.body.error).toMatchObject({ code: -32602, data: { kind: 'VALIDATION', fields: [{ field: 'items', message: `must hold at most ${BULK_MAX_ITEMS} items` }] } });
  });
});

describe('SOAP', () => {
  it('repeated <items> elements in, a UserBulkResult out; the WSDL bounds the list', async () => {
    const body =
      `<BulkCreateUsers xmlns="http://polyface.dev/user-service">` +
      `<items><name>Soapy</name><email>soapy-bulk@example.com</email></items><handling>lenient</handling></BulkCreateUsers>`;
    const r = await soap(s.url, envelope('1.2', body), { version: '1.2', token: admin });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/<UserBulkResult><handling>lenient<\/handling><succeeded>1<\/succeeded><failed>0<\/failed><items><index>0<\/index><ok>true<\/ok><id>\d+<\/id><user>/);
    const wsdl = await (await fetch(`${s.url}/soap?wsdl`)).text();
    expect(wsdl).toMatch(/<xsd:element name="BulkCreateUsers">[\s\S]*?<xsd:element name="items" maxOccurs="100">/);
  });
});

describe('a strict call holds the database only for its writes', () => {
  it('other requests are answered while a bulk with passwords is being prepared and written', async () => {
    const items = Array.from({ length: 16 }, (_, i) => ({ name: `Busy ${i}`, email: `busy-${i}@example.com`, password: 'long-enough-password' }));
    const bulk = api(s, '/users/bulk', { method: 'POST', token: admin, body: { items } });
    const reads = await Promise.all(Array.from({ length: 5 }, () => api(s, '/products/1', { token: admin })));
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await bulk).status).toBe(201);
  });
});
