import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient } from '../../src/clients/rest.js';
import { redactTokens } from '../../src/hosts/http.js';
import { testConfig } from '../../src/infra/config.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { cursor } from './support.js';

const PATH = '/api/v1/events';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ events: { ...testConfig().events, heartbeatSeconds: 1 } });
});
afterAll(() => s.close());

/** A raw SSE response read as text until `until` matches (or the stream ends). */
async function readStream(res: Response, until: RegExp, ms = 5_000): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  try {
    while (!until.test(text) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((r) => setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()))]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text;
}

const open = (query: string, headers: Record<string, string>) => fetch(`${s.url}${PATH}${query}`, { headers: { Accept: 'text/event-stream', ...headers } });

describe('Server-Sent Events on GET /api/v1/events', () => {
  it('streams id:/event:/data: frames of the events the filter names, data being the REST representation', async () => {
    const admin = await s.token();
    const res = await open('?types=product.created,user.created', { Authorization: `Bearer ${admin}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store, no-transform');
    const reading = readStream(res, /event: product\.created[\s\S]*\n\n/);
    const rest = new RestClient(s.url);
    await rest.call('createUser', { name: 'Sse User', email: 'sse.user@example.com' }, admin);
    await rest.call('patchUser', { id: 1, name: 'Alice' }, admin); // user.updated: filtered out
    const product = (await rest.call('createProduct', { name: 'Sse Lamp', price: '2.50' }, admin)) as { data: { id: number } };
    const text = await reading;
    const frames = text.split('\n\n').filter((f) => f.startsWith('id: '));
    expect(frames).toHaveLength(2);
    const [userFrame, productFrame] = frames.map((f) => Object.fromEntries(f.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])));
    expect(userFrame!.event).toBe('user.created');
    expect(productFrame!.event).toBe('product.created');
    expect(BigInt(productFrame!.id!)).toBeGreaterThan(BigInt(userFrame!.id!));
    expect(JSON.parse(productFrame!.data!)).toEqual({
      id: productFrame!.id,
      type: 'product.created',
      occurredAt: expect.stringMatching(/Z$/),
      data: { id: product.data.id, name: 'Sse Lamp', price: '2.50', links: { self: `/api/v1/products/${product.data.id}` } },
    });
    expect(text.startsWith(': stream open\n\n')).toBe(true);
  });

  it('sends heartbeat comments on a quiet stream', async () => {
    const res = await open('', { Authorization: `Bearer ${await s.token()}` });
    expect(await readStream(res, /: ping\n\n/, 3_000)).toContain(': ping\n\n');
  });

  it('401 problem+json without a token, with an invalid one, and 422 naming a bad filter', async () => {
    const none = await open('', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="polyface"');
    expect(await none.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', instance: PATH });

    const bad = await open('?access_token=forged', {});
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const filter = await open('?types=user.created,nonsense&colour=blue', { Authorization: `Bearer ${await s.token()}` });
    // Well-formed but invalid input is a 422, as everywhere on the REST face.
    expect(filter.status).toBe(422);
    const problem = (await filter.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['colour', 'types.1']);
  });

  it('Last-Event-ID replays what was missed from the outbox, then goes on live', async () => {
    const admin = await s.token();
    const before = await cursor(s);
    const rest = new RestClient(s.url);
    await rest.call('createProduct', { name: 'Missed 1', price: '1.00' }, admin);
    await rest.call('createProduct', { name: 'Missed 2', price: '1.00' }, admin);
    const res = await open('?types=product.created', { Authorization: `Bearer ${admin}`, 'Last-Event-ID': before });
    const reading = readStream(res, /Live 3[\s\S]*\n\n/);
    await new Promise((r) => setTimeout(r, 50));
    await rest.call('createProduct', { name: 'Live 3', price: '1.00' }, admin);
    const names = [...(await reading).matchAll(/"name":"([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['Missed 1', 'Missed 2', 'Live 3']);

    const bad = await open('', { Authorization: `Bearer ${admin}`, 'Last-Event-ID': 'yesterday' });
    expect(bad.status).toBe(422);
  });

  it('works with a real EventSource (the eventsource package), authenticated by access_token= (its lastEventId is the event id)', async () => {
    const alice = await s.token(ALICE);
    const source = new EventSource(`${s.url}${PATH}?types=product.created&access_token=${alice}`);
    const seen: { id: string; name: string }[] = [];
    const got = new Promise<void>((resolve) =>
      source.addEventListener('product.created', (e) => {
        seen.push({ id: e.lastEventId, name: (JSON.parse(e.data) as { data: { name: string } }).data.name });
        if (seen.length === 1) resolve();
      }),
    );
    await new Promise<void>((resolve) => (source.onopen = () => resolve()));
    await new RestClient(s.url).call('createProduct', { name: 'Via EventSource', price: '1.00' }, await s.token());
    await got;
    expect(seen).toEqual([{ id: expect.stringMatching(/^\d+$/), name: 'Via EventSource' }]);
    source.close();
  });

  it('keeps a token sent in the URL out of the access log line', () => {
    expect(redactTokens(`${PATH}?types=user.created&access_token=eyJ.secret.sig`)).toBe(`${PATH}?types=user.created&access_token=[redacted]`);
    expect(redactTokens(`${PATH}?ACCESS_TOKEN=abc&x=1`)).toBe(`${PATH}?ACCESS_TOKEN=[redacted]&x=1`);
    expect(redactTokens(`${PATH}?types=a`)).toBe(`${PATH}?types=a`);
    expect(redactTokens(`${PATH}`)).toBe(PATH);
    expect(redactTokens(`${PATH}/access_token=abc`)).toBe(`${PATH}/access_token=abc`);
    expect(redactTokens(undefined)).toBeUndefined();
  });
});
