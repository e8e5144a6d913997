import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClients, type ClientVariant, type ProtocolClient } from '../../src/clients/index.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';

/**
 * One record's life across styles: created over SOAP, read over GraphQL,
 * updated over JSON-RPC, renamed over gRPC, read and deleted over REST —
 * and then gone for all.
 */
let server: TestServer;
let c: Record<ClientVariant, ProtocolClient>;
let token: string;

beforeAll(async () => {
  server = await startServer();
  c = createClients(server.url);
  token = await server.token(ADMIN);
});
afterAll(async () => {
  await Promise.all(Object.values(c ?? {}).map((client) => client.close?.()));
  await server?.close();
});

it('creates through SOAP, reads through GraphQL, updates through JSON-RPC, renames through gRPC, reads and deletes through REST', async () => {
  const created = await c['soap-1.2'].call('createUser', { name: 'Dana', email: 'dana@example.com' }, token);
  expect(created).toMatchObject({ ok: true, data: { name: 'Dana', email: 'dana@example.com', role: 'user', version: 1 } });
  const user = (created as { data: { id: number; createdAt: string } }).data;

  expect(await c.graphql.call('getUser', { id: user.id }, token)).toEqual(created);

  const patched = await c.jsonrpc.call('patchUser', { id: user.id, email: 'dana@polyface.test', expectedVersion: 1 }, token);
  expect(patched).toMatchObject({ ok: true, data: { id: user.id, email: 'dana@polyface.test', version: 2, createdAt: user.createdAt } });

  // gRPC sees JSON-RPC's write at once, and its stale-version guard works on the same record.
  expect(await c.grpc.call('getUser', { id: user.id }, token)).toEqual(patched);
  expect(await c.grpc.call('updateUser', { id: user.id, name: 'Dana S.', email: 'dana@polyface.test', expectedVersion: 1 }, token)).toEqual({
    ok: false,
    kind: 'PRECONDITION_FAILED',
    fields: [],
  });
  const updated = await c.grpc.call('updateUser', { id: user.id, name: 'Dana S.', email: 'dana@polyface.test', expectedVersion: 2 }, token);
  expect(updated).toMatchObject({ ok: true, data: { id: user.id, name: 'Dana S.', version: 3, createdAt: user.createdAt } });

  const order = await c['soap-1.1'].call('createOrder', { userId: user.id, items: [{ productId: 2, quantity: 4 }] }, token);
  expect(order).toMatchObject({ ok: true, data: { userId: user.id, totalAmount: '102.00' } });
  expect(await c.rest.call('listUserOrders', { userId: user.id }, token)).toMatchObject({ ok: true, data: { total: 1 } });

  expect(await c.rest.call('getUser', { id: user.id }, token)).toEqual(updated);
  expect(await c.rest.call('deleteUser', { id: user.id, expectedVersion: 3 }, token)).toEqual({ ok: true, data: { deleted: true, id: user.id } });

  for (const [name, client] of Object.entries(c)) {
    expect(await client.call('getUser', { id: user.id }, token), name).toEqual({ ok: false, kind: 'NOT_FOUND', fields: [] });
    const orderId = (order as { data: { id: number } }).data.id;
    expect(await client.call('getOrder', { id: orderId }, token), name).toEqual({ ok: false, kind: 'NOT_FOUND', fields: [] });
  }
});

it('the same read gives byte-for-byte equal data in every style', async () => {
  const answers = await Promise.all(Object.values(c).map((client) => client.call('getOrder', { id: 1 }, token)));
  for (const a of answers) expect(a).toEqual(answers[0]);
  expect(answers[0]).toMatchObject({ ok: true, data: { totalAmount: '101.00' } });
});
