import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { GraphqlClient } from '../../src/clients/graphql.js';
import { GrpcClient } from '../../src/clients/grpc.js';
import { JsonRpcClient } from '../../src/clients/jsonrpc.js';
import { RestClient } from '../../src/clients/rest.js';
import { DomainError } from '../../src/domain/errors.js';
import type { Subscription } from '../../src/domain/feed/subscription.js';
import { testConfig } from '../../src/infra/config.js';
import type { InProcessEventBus } from '../../src/infra/events/memory-bus.js';
import { startServer, type TestServer } from '../support/server.js';
import { ADMIN_CTX, cursor, ending, take } from './support.js';

/** Many events in one transaction: the relay publishes them in one pass, faster than any subscriber reads. */
async function burst(s: TestServer, n: number): Promise<void> {
  await s.app.container.get(TYPES.UnitOfWork).run(async (w) => {
    for (let k = 0; k < n; k++) await w.record({ type: 'product.updated', data: { id: 1, name: `Laptop ${k}`, price: '50.00' } });
  });
  await s.app.container.get(TYPES.OutboxRelay).flushed();
}

describe('a subscriber that cannot keep up', () => {
  let s: TestServer;
  const QUEUE = 8;
  beforeAll(async () => {
    s = await startServer({ events: { ...testConfig().events, queueMax: QUEUE } });
  });
  afterAll(() => s.close());

  it('holds at most its queue while not reading, and replays the rest from the outbox at its own pace', async () => {
    const feed = s.app.container.get(TYPES.FeedService);
    const sub = (await feed.watch(ADMIN_CTX, { types: ['product.updated'] })) as Subscription;
    await burst(s, 1_000);
    expect(sub.pending).toBeLessThanOrEqual(QUEUE);
    // Not live yet (it never read): nothing was lost, the outbox has it all, in order.
    const names: string[] = [];
    for await (const e of sub) {
      names.push((e.data as { name: string }).name);
      expect(sub.pending).toBeLessThanOrEqual(QUEUE + 100);
      if (names.length === 1_000) break;
    }
    expect(names).toEqual(Array.from({ length: 1_000 }, (_, k) => `Laptop ${k}`));
  });

  it('once live, falling more than its queue behind cuts it off: queue dropped, listener gone, a RATE_LIMITED naming where to resume', async () => {
    const feed = s.app.container.get(TYPES.FeedService);
    const bus = s.app.container.get(TYPES.EventBus) as InProcessEventBus;
    const listeners = bus.size;
    const sub = (await feed.watch(ADMIN_CTX, { types: ['product.updated'] })) as Subscription;
    const it = sub[Symbol.asyncIterator]();
    // Live and waiting: one event delivered, then the reader stops reading.
    const first = it.next();
    await burst(s, 1);
    const delivered = (await first).value!;
    expect(bus.size).toBe(listeners + 1);
    expect(feed.openFor('admin')).toBe(1);

    await burst(s, 1_000);
    expect(sub.pending).toBe(0);
    expect(bus.size).toBe(listeners);
    const failure = await it.next().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ kind: 'RATE_LIMITED', message: expect.stringContaining(`Resume after event ${delivered.id}`) });
    expect(feed.openFor('admin')).toBe(0);

    // Resuming from the last id it saw loses nothing.
    const resumed = (await feed.watch(ADMIN_CTX, { types: ['product.updated'], after: delivered.id })) as Subscription;
    const again = [];
    for await (const e of resumed) if (again.push(e) === 1_000) break;
    expect(again.map((e) => (e.data as { name: string }).name)).toEqual(Array.from({ length: 1_000 }, (_, k) => `Laptop ${k}`));
  });
});

describe('each style says why it cut a slow subscriber off', () => {
  let s: TestServer;
  beforeAll(async () => {
    // A queue of one: any burst is more than a live subscriber can hold.
    s = await startServer({ events: { ...testConfig().events, queueMax: 1 } });
  });
  afterAll(() => s.close());

  it('SSE ends with a comment naming the reason; graphql-ws and graphql-sse with a RATE_LIMITED error; JSON-RPC closes with 1013; gRPC ends with RESOURCE_EXHAUSTED', async () => {
    const token = await s.token();
    const types = ['product.updated'] as const;
    // From a cursor: graphql-ws acknowledges the connection, not the subscription, so "now" could be too late.
    const after = await cursor(s);
    const subs = {
      sse: new RestClient(s.url).subscribe(types, { token, after }),
      graphqlWs: new GraphqlClient(s.url).subscribe(types, { token, after }),
      graphqlSse: new GraphqlClient(s.url, { subscriptions: 'sse' }).subscribe(types, { token, after }),
      jsonrpc: new JsonRpcClient(s.url).subscribe(types, { token, after }),
      grpc: new GrpcClient(s.url).subscribe(types, { token, after }),
    };
    await Promise.all(Object.values(subs).map((x) => x.ready));
    // Every subscription is live once one event went through.
    await burst(s, 1);
    for (const sub of Object.values(subs)) await take(sub, 1);
    await burst(s, 20);
    expect(await ending(subs.sse)).toMatchObject({ reason: expect.stringMatching(/^closed: RATE_LIMITED: Subscriber fell behind: more than 1 events/) });
    expect(await ending(subs.graphqlWs)).toMatchObject({ reason: 'RATE_LIMITED', message: expect.stringContaining('Resume after event') });
    expect(await ending(subs.graphqlSse)).toMatchObject({ reason: 'RATE_LIMITED' });
    expect(await ending(subs.jsonrpc)).toMatchObject({ reason: 1013, message: 'subscriber fell behind; resubscribe with after' });
    expect(await ending(subs.grpc)).toMatchObject({ reason: 'RATE_LIMITED', message: expect.stringContaining('Resume after event') });
    await Promise.all(Object.values(subs).map((x) => x.close()));
    const deadline = Date.now() + 2_000;
    while (s.app.container.get(TYPES.FeedService).openFor('admin') > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(s.app.container.get(TYPES.FeedService).openFor('admin')).toBe(0);
  });
});
