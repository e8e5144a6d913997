import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TYPES } from '../../src/app/tokens.js';
import { GraphqlClient } from '../../src/clients/graphql.js';
import { GrpcClient } from '../../src/clients/grpc.js';
import { JsonRpcClient } from '../../src/clients/jsonrpc.js';
import { RestClient } from '../../src/clients/rest.js';
import { SoapClient } from '../../src/clients/soap.js';
import { testConfig } from '../../src/infra/config.js';
import { ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { ADMIN_CTX, cursor, ending, take } from './support.js';

describe('subscriptions keep going through the same guard as queries', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('a password change revokes the subscriber’s token: its streams end with UNAUTHENTICATED in every style', async () => {
    const alice = await s.token(ALICE);
    const after = await cursor(s);
    const subs = {
      sse: new RestClient(s.url).subscribe(['product.created'], { token: alice, after }),
      graphqlWs: new GraphqlClient(s.url).subscribe(['product.created'], { token: alice, after }),
      graphqlSse: new GraphqlClient(s.url, { subscriptions: 'sse' }).subscribe(['product.created'], { token: alice, after }),
      jsonrpc: new JsonRpcClient(s.url).subscribe(['product.created'], { token: alice, after }),
      grpc: new GrpcClient(s.url).subscribe(['product.created'], { token: alice, after }),
    };
    await Promise.all(Object.values(subs).map((x) => x.ready));
    const { users, products } = s.app.container.get(TYPES.DomainServices);
    await products.create(ADMIN_CTX, { name: 'Seen', price: '1.00' });
    for (const sub of Object.values(subs)) expect(await take(sub, 1)).toMatchObject([{ data: { name: 'Seen' } }]);

    await users.patch(ADMIN_CTX, { id: 1, password: 'a-new-password' });
    await products.create(ADMIN_CTX, { name: 'Not for a revoked token', price: '1.00' });
    expect(await ending(subs.sse)).toMatchObject({ reason: expect.stringMatching(/^closed: UNAUTHENTICATED/) });
    expect(await ending(subs.graphqlWs)).toMatchObject({ reason: 'UNAUTHENTICATED' });
    expect(await ending(subs.graphqlSse)).toMatchObject({ reason: 'UNAUTHENTICATED' });
    expect(await ending(subs.jsonrpc)).toMatchObject({ reason: 'UNAUTHENTICATED' });
    expect(await ending(subs.grpc)).toMatchObject({ reason: 'UNAUTHENTICATED' });
    await Promise.all(Object.values(subs).map((x) => x.close()));
  });
});

describe('limits on subscriptions', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ events: { ...testConfig().events, maxPerPrincipal: 3, maxPerConnection: 2 } });
  });
  afterAll(() => s.close());

  it('per principal, across styles: the next one is RATE_LIMITED (429 with Retry-After over SSE) until one closes', async () => {
    const bob = await s.token(BOB);
    const open = [
      new RestClient(s.url).subscribe([], { token: bob }),
      new GraphqlClient(s.url).subscribe([], { token: bob }),
      new JsonRpcClient(s.url).subscribe([], { token: bob }),
    ];
    await Promise.all(open.map((x) => x.ready));
    await new Promise((r) => setTimeout(r, 100));
    expect(s.app.container.get(TYPES.FeedService).openFor('user:2')).toBe(3);
    const refused = await fetch(`${s.url}/api/v1/events`, { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${bob}` } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await new JsonRpcClient(s.url).call('getEvents', { waitSeconds: 1 }, bob)).toEqual({ ok: false, kind: 'RATE_LIMITED', fields: [] });
    // Someone else is not affected.
    const alice = new RestClient(s.url).subscribe([], { token: await s.token(ALICE) });
    await alice.ready;
    // Closing one frees a slot.
    await open[0]!.close();
    const feed = s.app.container.get(TYPES.FeedService);
    for (let n = 0; n < 100 && feed.openFor('user:2') > 2; n++) await new Promise((r) => setTimeout(r, 10));
    const again = new RestClient(s.url).subscribe([], { token: bob });
    await again.ready;
    await Promise.all([...open, alice, again].map((x) => x.close()));
  });

  it('per JSON-RPC connection: a third subscribe on one socket answers -32029; unsubscribe frees a slot', async () => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/rpc`, { headers: { Authorization: `Bearer ${await s.token()}` } });
    await new Promise((r) => ws.once('open', r));
    const answers = new Map<number, { result?: unknown; error?: { code: number; message: string } }>();
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { id?: number; result?: unknown; error?: { code: number; message: string } };
      if (typeof m.id === 'number') answers.set(m.id, m);
    });
    const call = async (id: number, method: string, params: unknown) => {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      for (let n = 0; n < 100 && !answers.has(id); n++) await new Promise((r) => setTimeout(r, 10));
      return answers.get(id)!;
    };
    const a = await call(1, 'subscribe', { types: ['user.created'] });
    // Positional params, in rpc.discover's order: [types, after].
    expect(await call(2, 'subscribe', [['order.created']])).toMatchObject({ result: { subscription: expect.any(String) } });
    expect(await call(3, 'subscribe', {})).toMatchObject({ error: { code: -32029, message: expect.stringContaining('At most 2 subscriptions on one connection') } });
    expect(await call(4, 'unsubscribe', { subscription: (a.result as { subscription: string }).subscription })).toMatchObject({ result: true });
    expect(await call(5, 'unsubscribe', ['s999'])).toMatchObject({ result: false });
    expect(await call(6, 'subscribe', { types: ['user.renamed'] })).toMatchObject({ error: { code: -32602, data: { fields: [{ field: 'types.0' }] } } });
    expect(await call(7, 'subscribe', {})).toMatchObject({ result: { subscription: expect.any(String) } });
    ws.close();
  });

  it('over HTTP, subscribe is refused: there is nowhere to push', async () => {
    const res = await fetch(`${s.url}/rpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await s.token()}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: {} }),
    });
    expect(await res.json()).toMatchObject({ error: { code: -32601, message: 'subscribe is available on the WebSocket transport only (ws://…/rpc)' } });
  });
});

describe('shutdown ends every stream cleanly', () => {
  it('SSE streams get a closing comment, WebSockets close with 1001, waiting long polls answer at once, and the server stops promptly', async () => {
    const s = await startServer();
    const admin = await s.token();
    const after = await cursor(s);
    const sse = new RestClient(s.url).subscribe([], { token: admin });
    const graphqlWs = new GraphqlClient(s.url).subscribe([], { token: admin });
    const graphqlSse = new GraphqlClient(s.url, { subscriptions: 'sse' }).subscribe([], { token: admin });
    const jsonrpc = new JsonRpcClient(s.url).subscribe([], { token: admin });
    const grpc = new GrpcClient(s.url).subscribe([], { token: admin });
    await Promise.all([sse, graphqlWs, graphqlSse, jsonrpc, grpc].map((x) => x.ready));
    const raw = await fetch(`${s.url}/api/v1/events`, { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${admin}` } });
    const poll = fetch(`${s.url}/api/v1/events?after=${after}&wait=30`, { headers: { Accept: 'application/json', Authorization: `Bearer ${admin}` } });
    const soapPoll = new SoapClient(s.url).call('getEvents', { after, waitSeconds: 30 }, admin);
    // Every stream and both polls are open and waiting (the SOAP client reads the WSDL first, so it takes a moment).
    const feed = s.app.container.get(TYPES.FeedService);
    for (let n = 0; n < 500 && feed.openFor('admin') < 8; n++) await new Promise((r) => setTimeout(r, 10));
    expect(feed.openFor('admin')).toBe(8);

    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(3_000);

    expect(await raw.text()).toMatch(/: closed: server shutting down; reconnect with Last-Event-ID\n\n$/);
    expect(await ending(sse)).toBe('ended');
    expect(await ending(graphqlWs)).toMatchObject({ reason: 1001 });
    expect(await ending(graphqlSse)).toBe('ended');
    expect(await ending(jsonrpc)).toMatchObject({ reason: 1001 });
    expect(await ending(grpc)).toBe('ended');
    const answered = await poll;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ data: [] });
    expect(await soapPoll).toMatchObject({ ok: true, data: { events: [] } });
  });
});

describe('GraphQL over WebSocket (graphql-transport-ws), raw', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ events: { ...testConfig().events, maxPerConnection: 6, maxPerPrincipal: 20 } });
  });
  afterAll(() => s.close());

  async function connect(payload: Record<string, unknown>) {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: { type: string; id?: string; payload?: any }[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init', payload }));
    const waitFor = async (pred: (m: (typeof messages)[number]) => boolean) => {
      for (let n = 0; n < 300; n++) {
        const hit = messages.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no such message in ${JSON.stringify(messages)}`);
    };
    await waitFor((m) => m.type === 'connection_ack');
    return { ws, messages, waitFor, send: (m: unknown) => ws.send(JSON.stringify(m)) };
  }

  it('many subscriptions on one socket do not stop it from reading; past the per-connection cap an operation gets RATE_LIMITED', async () => {
    const c = await connect({ Authorization: `Bearer ${await s.token()}` });
    // More open subscriptions than WS_MAX_IN_FLIGHT (4): each stops counting as in flight once it is a stream.
    for (let n = 1; n <= 6; n++) c.send({ type: 'subscribe', id: `sub${n}`, payload: { query: 'subscription { events(types: ["product.created"]) { id } }' } });
    c.send({ type: 'subscribe', id: 'over', payload: { query: '{ product(id: 1) { name } }' } });
    expect(await c.waitFor((m) => m.id === 'over')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'RATE_LIMITED' } }] });
    c.send({ type: 'complete', id: 'sub1' });
    await new Promise((r) => setTimeout(r, 100));
    c.send({ type: 'subscribe', id: 'q', payload: { query: '{ product(id: 1) { name } }' } });
    expect(await c.waitFor((m) => m.id === 'q' && m.type === 'next')).toMatchObject({ payload: { data: { product: { name: 'Laptop' } } } });
    await s.app.container.get(TYPES.DomainServices).products.create(ADMIN_CTX, { name: 'Six ways', price: '1.00' });
    for (let n = 2; n <= 6; n++) expect(await c.waitFor((m) => m.id === `sub${n}` && m.type === 'next')).toMatchObject({ payload: { data: { events: { id: expect.any(String) } } } });
    expect(c.messages.some((m) => m.id === 'sub1' && m.type === 'next')).toBe(false);
    c.ws.close();
  });

  it('without a token in connection_init, a subscription answers UNAUTHENTICATED; queries and login still work', async () => {
    const c = await connect({});
    c.send({ type: 'subscribe', id: 'a', payload: { query: 'subscription { events { id } }' } });
    expect(await c.waitFor((m) => m.id === 'a' && m.type === 'next')).toMatchObject({ payload: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    c.send({ type: 'subscribe', id: 'b', payload: { query: 'mutation { login(username: "admin", password: "admin-password") { token_type } }' } });
    expect(await c.waitFor((m) => m.id === 'b' && m.type === 'next')).toMatchObject({ payload: { data: { login: { token_type: 'Bearer' } } } });
    c.ws.close();
  });
});
