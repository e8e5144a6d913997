import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TYPES } from '../../src/app/tokens.js';
import { msg, render } from '../../src/domain/i18n/index.js';
import { bearer, client, collect, failureOf, packages } from '../grpc/helpers.js';
import { startServer, type TestServer } from '../support/server.js';
import { ADMIN_CTX, cursor } from './support.js';

/**
 * Live updates speak the subscriber's language where the style renders
 * errors: the HTTP request's Accept-Language (SSE, graphql-sse), the
 * WebSocket upgrade's (graphql-ws, JSON-RPC), gRPC's accept-language
 * metadata. Refusals before a stream opens and the reason a stream ends
 * alike; codes and kinds never change.
 */
let s: TestServer;
let seq = 0;
const RU = 'ru-RU,ru;q=0.9';
const ru = (key: Parameters<typeof msg>[0], args?: Parameters<typeof msg>[1]) => render(msg(key, args), 'ru');
/** "Invalid input: types.0: must be one of …", in Russian. */
const INVALID_TYPE = /^Некорректные данные: types\.0: /;

beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

/** A user of its own with a token, so revoking it (a password change) touches no other test. */
async function freshUser(): Promise<{ id: number; token: string }> {
  const { users } = s.app.container.get(TYPES.DomainServices);
  const n = ++seq;
  const user = await users.create(ADMIN_CTX, { name: `Lang ${n}`, email: `lang-${n}@example.com`, password: 'a-long-password' });
  return { id: user.id, token: await s.token({ username: `lang-${n}@example.com`, password: 'a-long-password' }) };
}

async function revoke(id: number): Promise<void> {
  const { users, products } = s.app.container.get(TYPES.DomainServices);
  await users.patch(ADMIN_CTX, { id, password: 'another-long-password' });
  // The next event is where an open stream re-checks its token.
  await products.create(ADMIN_CTX, { name: 'After revocation', price: '1.00' });
}

function socket(path: string, protocol?: string) {
  const ws = new WebSocket(`${s.url.replace('http', 'ws')}${path}`, protocol, { headers: { 'Accept-Language': RU } });
  const messages: any[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  const waitFor = async (pred: (m: any) => boolean) => {
    for (let n = 0; n < 500; n++) {
      const hit = messages.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no such message in ${JSON.stringify(messages)}`);
  };
  return { ws, opened: new Promise((r) => ws.once('open', r)), send: (m: unknown) => ws.send(JSON.stringify(m)), waitFor };
}

describe('Server-Sent Events (GET /api/v1/events)', () => {
  it('a refusal before the stream opens is a problem in the Accept-Language, with Content-Language', async () => {
    const res = await fetch(`${s.url}/api/v1/events`, { headers: { Accept: 'text/event-stream', 'Accept-Language': RU } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-language')).toBe('ru');
    expect(await res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', title: ru('kind.UNAUTHENTICATED'), detail: ru('auth.required') });
  });

  it('the closing comment gives the reason in the subscriber’s language, after the kind', async () => {
    const { id, token } = await freshUser();
    const res = await fetch(`${s.url}/api/v1/events?after=${await cursor(s)}`, {
      headers: { Accept: 'text/event-stream', 'Accept-Language': RU, Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const text = res.text();
    await revoke(id);
    expect(await text).toMatch(new RegExp(`: closed: UNAUTHENTICATED: ${ru('auth.revoked')}\\n\\n$`));
  });
});

describe('GraphQL subscriptions', () => {
  it('over WebSocket: errors in the upgrade request’s language', async () => {
    const admin = await s.token();
    const c = socket('/graphql', 'graphql-transport-ws');
    await c.opened;
    c.send({ type: 'connection_init', payload: { Authorization: `Bearer ${admin}` } });
    await c.waitFor((m) => m.type === 'connection_ack');
    c.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { events(types: ["user.nope"]) { id } }' } });
    const error = await c.waitFor((m) => m.id === '1' && (m.type === 'error' || m.type === 'next'));
    const first = error.type === 'error' ? error.payload[0] : error.payload.errors[0];
    expect(first).toMatchObject({ message: expect.stringMatching(INVALID_TYPE), extensions: { code: 'BAD_USER_INPUT' } });
    c.ws.close();
  });

  it('over Server-Sent Events (graphql-sse): errors in the request’s language, with Content-Language on a refusal', async () => {
    const refused = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json', 'Accept-Language': RU, Authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ query: 'subscription { events { id } }' }),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-language')).toBe('ru');
    expect(await refused.json()).toMatchObject({ errors: [{ message: ru('auth.badToken'), extensions: { code: 'UNAUTHENTICATED' } }] });

    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json', 'Accept-Language': RU, Authorization: `Bearer ${await s.token()}` },
      body: JSON.stringify({ query: 'subscription { events(types: ["user.nope"]) { id } }' }),
    });
    const body = await res.text();
    const data = body
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)));
    expect(data[0].errors[0]).toMatchObject({ message: expect.stringMatching(INVALID_TYPE), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('JSON-RPC on the WebSocket /rpc', () => {
  it('a refused subscribe and the notification that ends a subscription, in the upgrade request’s language', async () => {
    const { id, token } = await freshUser();
    const c = socket(`/rpc?access_token=${token}`);
    await c.opened;
    c.send({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { types: ['user.nope'] } });
    expect(await c.waitFor((m) => m.id === 1)).toMatchObject({ error: { code: -32602, message: expect.stringMatching(INVALID_TYPE) } });

    c.send({ jsonrpc: '2.0', id: 2, method: 'subscribe', params: { types: ['product.created'] } });
    const { subscription } = (await c.waitFor((m) => m.id === 2)).result;
    await revoke(id);
    expect(await c.waitFor((m) => m.method === 'subscriptionEnded')).toMatchObject({
      params: { subscription, error: { message: ru('auth.revoked'), data: { kind: 'UNAUTHENTICATED' } } },
    });
    c.ws.close();
  });
});

describe('gRPC EventService/Watch', () => {
  it('the status message and BadRequest descriptions in the accept-language metadata’s language, with a content-language trailer', async () => {
    const events = client(packages.polyface.v1.EventService, s.app.grpcAddress);
    try {
      const md = bearer(await s.token());
      md.set('accept-language', RU);
      const { error } = await collect(events.Watch({ types: ['user.nope'] }, md));
      expect(error).toBeDefined();
      const failure = failureOf(error!);
      expect(failure).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, kind: 'VALIDATION', details: expect.stringMatching(INVALID_TYPE) });
      expect(failure.metadata.get('content-language')).toEqual(['ru']);
      expect(failure.rich?.fieldViolations?.[0]?.description).toMatch(/^должно быть/);
    } finally {
      events.close();
    }
  });
});
