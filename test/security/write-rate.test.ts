import { afterEach, describe, expect, it } from 'vitest';
import { createClients } from '../../src/clients/index.js';
import { loadConfig } from '../../src/infra/config.js';
import { call, post as rpcPost } from '../jsonrpc/support.js';
import { ALICE, BOB, startServer, type TestServer } from '../support/server.js';

/**
 * Finding 5 (write rates): a normal user created 1000 orders of 100 lines
 * in 2 s. Writes are now limited per principal by default
 * (RATE_LIMIT_WRITES_PER_MINUTE, 300), in every style, with the seconds to
 * wait; reads are not counted, nor are the administrator's writes.
 */
let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

// Ten lines each keeps the test quick on a busy machine; the limit counts writes, whatever their size.
const order = (userId: number, id: number) => call('createOrder', { userId, items: Array.from({ length: 10 }, () => ({ productId: 1, quantity: 1 })) }, id);

describe('writes per principal', () => {
  it('is on by default', () => {
    expect(loadConfig({}).rateLimits.writesPerMinute).toBe(300);
  });

  it('with the defaults, a user firing batches of orders gets 300 in a minute, the rest RATE_LIMITED', { timeout: 60_000 }, async () => {
    s = await startServer();
    const token = await s.token(ALICE);
    let created = 0;
    let limited = 0;
    for (let b = 0; b < 7; b++) {
      const r = await rpcPost(s.url, Array.from({ length: 50 }, (_, i) => order(1, b * 50 + i + 1)), { token });
      for (const answer of r.body as { result?: unknown; error?: { code: number; data: { kind: string; retryAfter: number } } }[]) {
        if (answer.result) created++;
        else {
          expect(answer.error).toMatchObject({ code: -32029, data: { kind: 'RATE_LIMITED' } });
          expect(answer.error!.data.retryAfter).toBeGreaterThan(0);
          limited++;
        }
      }
    }
    expect(created).toBe(300);
    expect(limited).toBe(50);
    // Reads still go through.
    const list = await rpcPost(s.url, call('listUserOrders', { userId: 1, limit: 1 }), { token });
    expect(list.body.result.total).toBeGreaterThanOrEqual(300);
  });

  it('REST says 429 with Retry-After; each principal has its own budget', async () => {
    s = await startServer({ rateLimits: { callsPerMinute: 0, writesPerMinute: 3 } });
    const alice = await s.token(ALICE);
    const rest = createClients(s.url).rest;
    for (let i = 0; i < 3; i++) expect(await rest.call('createOrder', { userId: 1, items: [{ productId: 1, quantity: 1 }] }, alice)).toMatchObject({ ok: true });
    const res = await fetch(`${s.url}/api/v1/users/1/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${alice}` },
      body: JSON.stringify({ items: [{ productId: 1, quantity: 1 }] }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Bob has his own budget; the administrator (scripts, bulk imports) is not limited.
    const bob = await s.token(BOB);
    expect(await rest.call('createOrder', { userId: 2, items: [{ productId: 1, quantity: 1 }] }, bob)).toMatchObject({ ok: true });
    const admin = await s.token();
    for (let i = 0; i < 5; i++) expect(await rest.call('createOrder', { userId: 1, items: [{ productId: 1, quantity: 1 }] }, admin)).toMatchObject({ ok: true });
  });
});
