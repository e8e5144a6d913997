import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { RestClient } from '../../src/clients/rest.js';
import { SoapClient } from '../../src/clients/soap.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { cursor } from './support.js';

const PATH = '/api/v1/events';

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startServer();
  admin = await s.token();
});
afterAll(() => s.close());

const poll = (query: string, token = admin, accept = 'application/json') =>
  fetch(`${s.url}${PATH}${query}`, { headers: { Accept: accept, Authorization: `Bearer ${token}` } });

const create = (name: string) => new RestClient(s.url).call('createProduct', { name, price: '1.00' }, admin);

describe('long polling on GET /api/v1/events (Accept: application/json)', () => {
  it('answers at once with the events after `after`, and links.next continues after the last one', async () => {
    const after = await cursor(s);
    await create('Poll A');
    await create('Poll B');
    const started = Date.now();
    const res = await poll(`?after=${after}&wait=30&types=product.created`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { data: { id: string; data: { name: string; links: unknown } }[]; links: { self: string; next: string } };
    expect(body.data.map((e) => e.data.name)).toEqual(['Poll A', 'Poll B']);
    expect(body.data[0]!.data.links).toEqual({ self: expect.stringMatching(/^\/api\/v1\/products\/\d+$/) });
    const last = body.data[1]!.id;
    expect(body.links.self).toBe(`${PATH}?after=${after}&wait=30&types=product.created`);
    expect(body.links.next).toBe(`${PATH}?after=${last}&wait=30&types=product.created`);
    expect(res.headers.get('link')).toBe(`<${body.links.next}>; rel="next"`);

    // Following `next` waits for what comes after; it answers as soon as something does.
    const waiting = poll(body.links.next.slice(PATH.length));
    await new Promise((r) => setTimeout(r, 200));
    await create('Poll C');
    const next = (await (await waiting).json()) as { data: { id: string; data: { name: string } }[] };
    expect(next.data.map((e) => e.data.name)).toEqual(['Poll C']);
    expect(BigInt(next.data[0]!.id)).toBeGreaterThan(BigInt(last));
  });

  it('answers with an empty list after `wait` seconds when nothing happens, next staying where it was', async () => {
    const after = await cursor(s);
    const started = Date.now();
    const res = await poll(`?after=${after}&wait=1&types=user.deleted`);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(950);
    const body = (await res.json()) as { data: unknown[]; links: { next: string } };
    expect(body).toEqual({ data: [], links: { self: expect.any(String), next: `${PATH}?after=${after}&wait=1&types=user.deleted` } });
  });

  it('without `after` starts from now: what was before is not returned', async () => {
    await create('Before now');
    const res = await poll('?types=product.created');
    expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('applies the same access rule: alice polls no order but her own', async () => {
    const after = await cursor(s);
    const rest = new RestClient(s.url);
    await rest.call('createOrder', { userId: 2, items: [{ productId: 1, quantity: 1 }] }, admin);
    await rest.call('createOrder', { userId: 1, items: [{ productId: 1, quantity: 3 }] }, admin);
    const mine = (await (await poll(`?after=${after}&types=order.created`, await s.token(ALICE))).json()) as { data: { data: { userId: number } }[] };
    expect(mine.data.map((e) => e.data.userId)).toEqual([1]);
    const all = (await (await poll(`?after=${after}&types=order.created`)).json()) as { data: { data: { userId: number } }[] };
    expect(all.data.map((e) => e.data.userId)).toEqual([2, 1]);
  });

  it('refuses a wait over 30 seconds, a max over 500, a malformed cursor and an unknown type (422 naming each)', async () => {
    const res = await poll('?wait=31&max=501&after=-1&types=user.created,user.renamed');
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['after', 'max', 'types.1', 'waitSeconds']);
  });

  it('401 without a token; XML when asked; the same URL streams for text/event-stream', async () => {
    const anon = await fetch(`${s.url}${PATH}?wait=0`, { headers: { Accept: 'application/json' } });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toBe('Bearer realm="polyface"');

    const xml = await poll('?wait=0', admin, 'application/xml');
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await xml.text()).toContain('<events>');

    const sse = await poll('', admin, 'text/event-stream');
    expect(sse.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await sse.body!.cancel();
  });

  it('SOAP GetEvents is the same long poll: waitSeconds holds the answer until the first event', async () => {
    const soap = new SoapClient(s.url, { version: '1.1' });
    const after = await cursor(s);
    const waiting = soap.call('getEvents', { after, waitSeconds: 10, types: ['product.created'] }, admin);
    await new Promise((r) => setTimeout(r, 200));
    await create('Via SOAP poll');
    const out = (await waiting) as { ok: true; data: { events: { type: string; data: { name: string } }[]; next: string } };
    expect(out.data.events).toMatchObject([{ type: 'product.created', data: { name: 'Via SOAP poll' } }]);
  });

  it('a client leaving mid-wait frees its slot at once; many waits on one keep-alive connection leave no abort listeners behind', async () => {
    const feed = s.app.container.get(TYPES.FeedService);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const wait = (query: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${s.url}${PATH}${query}`, { agent, headers: { Accept: 'application/json', Authorization: `Bearer ${admin}` } }, (res) => {
          res.resume().on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('socket', (socket) => sockets.add(socket));
        req.on('error', reject).end();
      });
    try {
      // Each wait listens on its connection's abort signal and must stop listening when answered: twelve on one
      // connection would pass EventTarget's leak warning (more than 10 listeners) if any were left.
      for (let i = 0; i < 12; i++) {
        const after = await cursor(s);
        const answered = wait(`?after=${after}&wait=30&types=product.created`);
        while (feed.openFor('admin') === 0) await new Promise((r) => setTimeout(r, 5));
        await create(`Keep-alive ${i}`);
        expect(await answered).toBe(200);
      }
      expect(sockets.size).toBe(1);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);

      // Going away: the wait ends, and its slot is released, when the connection closes.
      const after = await cursor(s);
      const gone = new AbortController();
      const leaving = fetch(`${s.url}${PATH}?after=${after}&wait=30`, { signal: gone.signal, headers: { Accept: 'application/json', Authorization: `Bearer ${admin}` } });
      while (feed.openFor('admin') === 0) await new Promise((r) => setTimeout(r, 5));
      gone.abort();
      await expect(leaving).rejects.toThrow();
      const deadline = Date.now() + 5_000;
      while (feed.openFor('admin') > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(feed.openFor('admin')).toBe(0);
    } finally {
      process.off('warning', onWarning);
      agent.destroy();
    }
  });
});
