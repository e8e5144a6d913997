import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { GraphqlClient } from '../../src/clients/graphql.js';
import { GrpcClient } from '../../src/clients/grpc.js';
import { JsonRpcClient } from '../../src/clients/jsonrpc.js';
import { RestClient } from '../../src/clients/rest.js';
import { SoapClient } from '../../src/clients/soap.js';
import type { EventSubscription, ProtocolClient } from '../../src/clients/types.js';
import type { EventType } from '../../src/domain/events.js';
import { ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { cursor, ending, quiet, take } from './support.js';

/**
 * Every style that can subscribe, side by side: Server-Sent Events (REST),
 * GraphQL over WebSocket and over SSE, JSON-RPC notifications over
 * WebSocket, SOAP long polls (GetEvents) and gRPC server streams (EventService/Watch).
 */
const STYLES: Record<string, (url: string) => ProtocolClient> = {
  'rest (SSE)': (url) => new RestClient(url),
  'graphql (graphql-ws)': (url) => new GraphqlClient(url),
  'graphql (graphql-sse)': (url) => new GraphqlClient(url, { subscriptions: 'sse' }),
  'jsonrpc (WebSocket)': (url) => new JsonRpcClient(url),
  'soap (GetEvents long poll)': (url) => new SoapClient(url, { version: '1.2', pollWaitSeconds: 2 }),
  'grpc (EventService/Watch, h2c)': (url) => new GrpcClient(url),
};

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

async function subscribeAll(types: EventType[], token: string, after?: string): Promise<Record<string, EventSubscription>> {
  const subs = Object.fromEntries(Object.entries(STYLES).map(([name, make]) => [name, make(s.url).subscribe(types, { token, after })]));
  await Promise.all(Object.values(subs).map((sub) => sub.ready));
  return subs;
}

const closeAll = (subs: Record<string, EventSubscription>) => Promise.all(Object.values(subs).map((sub) => sub.close()));

describe('one change, every style', () => {
  it('delivers the same events, in the same order, to subscribers of every style, whichever style made the change', async () => {
    const admin = await s.token();
    const subs = await subscribeAll(['product.created', 'product.updated', 'product.deleted', 'user.created', 'order.created'], admin, await cursor(s));
    const rest = new RestClient(s.url);
    const graphql = new GraphqlClient(s.url);
    const rpc = new JsonRpcClient(s.url);
    const soap = new SoapClient(s.url);

    const created = await rest.call('createProduct', { name: 'Lamp', price: '12.00' }, admin);
    const id = (created as { data: { id: number } }).data.id;
    await graphql.call('updateProduct', { id, name: 'Desk lamp', price: '14.50' }, admin);
    await rpc.call('createUser', { name: 'Dora', email: 'dora@example.com' }, admin);
    await rpc.call('createOrder', { userId: 2, items: [{ productId: id, quantity: 2 }] }, await s.token(BOB));
    await soap.call('createProduct', { name: 'Shade', price: '3.00' }, admin);

    const expected = [
      { type: 'product.created', data: { id, name: 'Lamp', price: '12.00' } },
      { type: 'product.updated', data: { id, name: 'Desk lamp', price: '14.50' } },
      { type: 'user.created', data: { name: 'Dora', email: 'dora@example.com', role: 'user', version: 1 } },
      { type: 'order.created', data: { userId: 2, totalAmount: '29.00', items: [{ productId: id, quantity: 2, unitPrice: '14.50', lineTotal: '29.00' }] } },
      { type: 'product.created', data: { name: 'Shade', price: '3.00' } },
    ];
    const received: Record<string, unknown[]> = {};
    for (const [name, sub] of Object.entries(subs)) {
      received[name] = await take(sub, expected.length);
      expect(received[name], name).toMatchObject(expected);
    }
    // Not just alike: the very same events (ids, timestamps, every field) everywhere.
    const [first, ...others] = Object.values(received);
    for (const other of others) expect(other).toEqual(first);
    await closeAll(subs);
  });
});

describe('access: a subscriber receives only what it could read', () => {
  it('alice never sees bob’s orders and bob never sees alice’s, in any style; both see products; the admin sees all', async () => {
    const [admin, alice, bob] = await Promise.all([s.token(), s.token(ALICE), s.token(BOB)]);
    const after = await cursor(s);
    const types: EventType[] = ['order.created', 'product.created'];
    const [forAlice, forBob, forAdmin] = await Promise.all([subscribeAll(types, alice, after), subscribeAll(types, bob, after), subscribeAll(types, admin, after)]);
    const rest = new RestClient(s.url);
    await rest.call('createOrder', { userId: 2, items: [{ productId: 1, quantity: 1 }] }, bob);
    await rest.call('createOrder', { userId: 1, items: [{ productId: 2, quantity: 1 }] }, alice);
    await rest.call('createProduct', { name: 'Poster', price: '5.00' }, admin);

    for (const [name, sub] of Object.entries(forAlice)) {
      expect(await take(sub, 2), `alice via ${name}`).toMatchObject([{ type: 'order.created', data: { userId: 1 } }, { type: 'product.created' }]);
    }
    for (const [name, sub] of Object.entries(forBob)) {
      expect(await take(sub, 2), `bob via ${name}`).toMatchObject([{ type: 'order.created', data: { userId: 2 } }, { type: 'product.created' }]);
    }
    for (const [name, sub] of Object.entries(forAdmin)) {
      expect(await take(sub, 3), `admin via ${name}`).toMatchObject([
        { type: 'order.created', data: { userId: 2 } },
        { type: 'order.created', data: { userId: 1 } },
        { type: 'product.created' },
      ]);
    }
    // And nothing else turns up later for alice (bob's order is not merely late).
    await Promise.all(Object.values(forAlice).map((sub) => quiet(sub)));
    await Promise.all([closeAll(forAlice), closeAll(forBob), closeAll(forAdmin)]);
  });

  it('refuses anonymous subscribers in every style, as each style says UNAUTHENTICATED', async () => {
    for (const [name, make] of Object.entries(STYLES)) {
      const sub = make(s.url).subscribe(['user.created'], {});
      expect(await ending(sub), name).toMatchObject({ reason: 'UNAUTHENTICATED' });
      await sub.close();
    }
  });

  it('refuses a bad token: at the GraphQL WebSocket handshake (4403), per subscription elsewhere', async () => {
    for (const [name, make] of Object.entries(STYLES)) {
      const sub = make(s.url).subscribe(['user.created'], { token: 'not-a-token' });
      expect(await ending(sub), name).toMatchObject({ reason: name.includes('graphql-ws') ? 4403 : 'UNAUTHENTICATED' });
      await sub.close();
    }
  });
});

describe('field visibility: a subscriber receives each event shaped as it could read it', () => {
  it("another user's email is left out of user events for non-admins in every style — single writes and bulk items alike; one's own and the admin's keep it", async () => {
    const [admin, alice, bob] = await Promise.all([s.token(), s.token(ALICE), s.token(BOB)]);
    const after = await cursor(s);
    const types: EventType[] = ['user.created', 'user.updated'];
    const [forAlice, forBob, forAdmin] = await Promise.all([subscribeAll(types, alice, after), subscribeAll(types, bob, after), subscribeAll(types, admin, after)]);
    const rest = new RestClient(s.url);
    expect(await rest.call('createUser', { name: 'Vera', email: 'vera@example.com' }, admin)).toMatchObject({ ok: true });
    expect(await new JsonRpcClient(s.url).call('patchUser', { id: 1, name: 'Alice' }, alice)).toMatchObject({ ok: true });
    expect(await new GraphqlClient(s.url).call('bulkCreateUsers', { items: [{ name: 'Wes', email: 'wes@example.com' }] }, admin)).toMatchObject({ ok: true });

    // Each style renders "not yours to see" in its own idiom (member or element left out, GraphQL null, protobuf unset); the clients read all of them as no email.
    const emails = (events: { data: Record<string, unknown> }[]) => events.map((e) => [e.data.name, e.data.email ?? null]);
    for (const [name, sub] of Object.entries(forAlice)) {
      expect(emails(await take(sub, 3)), `alice via ${name}`).toEqual([
        ['Vera', null],
        ['Alice', 'alice@example.com'],
        ['Wes', null],
      ]);
    }
    for (const [name, sub] of Object.entries(forBob)) {
      expect(emails(await take(sub, 3)), `bob via ${name}`).toEqual([
        ['Vera', null],
        ['Alice', null],
        ['Wes', null],
      ]);
    }
    for (const [name, sub] of Object.entries(forAdmin)) {
      expect(emails(await take(sub, 3)), `admin via ${name}`).toEqual([
        ['Vera', 'vera@example.com'],
        ['Alice', 'alice@example.com'],
        ['Wes', 'wes@example.com'],
      ]);
    }
    await Promise.all([closeAll(forAlice), closeAll(forBob), closeAll(forAdmin)]);

    // The same rule on the wire, without a client in between: SSE and the long poll leave the member out.
    const poll = await fetch(`${s.url}/api/v1/events?after=${after}&types=user.created`, { headers: { Accept: 'application/json', Authorization: `Bearer ${bob}` } });
    const { data } = (await poll.json()) as { data: { data: Record<string, unknown> }[] };
    expect(data.map((e) => e.data.name)).toEqual(['Vera', 'Wes']);
    for (const e of data) expect(e.data).not.toHaveProperty('email');
    // The outbox itself keeps the whole record: the shaping is per subscriber, on the way out.
    const stored = await s.app.container.get(TYPES.EventStore).read({ after, limit: 10, types: ['user.created'] });
    expect(stored.map((e) => e.data.email)).toEqual(['vera@example.com', 'wes@example.com']);
  });
});

describe('GraphQL subscriptions over plain HTTP', () => {
  it('are refused with a message saying where they are served', async () => {
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json', Authorization: `Bearer ${await s.token()}` },
      body: JSON.stringify({ query: 'subscription { events { id } }' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [{ message: expect.stringContaining('WebSocket (graphql-transport-ws) or Server-Sent Events'), extensions: { code: 'BAD_REQUEST' } }],
    });
  });
});
