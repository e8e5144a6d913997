import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { api, freshUser } from './helpers.js';

/** Waits until the wall clock is in a later second than `ms` (HTTP dates have one-second resolution). */
async function pastSecondOf(ms: number): Promise<void> {
  const wait = (Math.floor(ms / 1000) + 1) * 1000 - Date.now() + 20;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

const httpDate = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toUTCString();

describe('REST caching: Last-Modified / If-Modified-Since beside ETags', () => {
  let s: TestServer;
  let admin: string;
  let alice: string;
  beforeAll(async () => {
    s = await startServer();
    admin = await s.token();
    alice = await s.token(ALICE);
    await pastSecondOf(Date.now());
  });
  afterAll(() => s.close());

  it('a user carries Last-Modified from updatedAt; If-Modified-Since answers 304 with the validators', async () => {
    const res = await api(s, '/users/1', { token: alice });
    expect(res.headers.get('last-modified')).toBe('Thu, 15 Jan 2026 09:00:00 GMT');
    expect(res.headers.get('etag')).toBe('"v1"');
    const same = await api(s, '/users/1', { token: alice, headers: { 'If-Modified-Since': 'Thu, 15 Jan 2026 09:00:00 GMT' } });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe('"v1"');
    expect(same.headers.get('last-modified')).toBe('Thu, 15 Jan 2026 09:00:00 GMT');
    expect(await same.text()).toBe('');
    const earlier = await api(s, '/users/1', { token: alice, headers: { 'If-Modified-Since': 'Thu, 15 Jan 2026 08:59:59 GMT' } });
    expect(earlier.status).toBe(200);
    const garbage = await api(s, '/users/1', { token: alice, headers: { 'If-Modified-Since': 'yesterday-ish' } });
    expect(garbage.status).toBe(200);
  });

  it('If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)', async () => {
    const res = await api(s, '/users/1', { token: alice, headers: { 'If-None-Match': '"v99"', 'If-Modified-Since': 'Thu, 15 Jan 2026 09:00:00 GMT' } });
    expect(res.status).toBe(200);
  });

  it('a change moves Last-Modified on, so the old date no longer gives 304', async () => {
    const u = await freshUser(s);
    const patched = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, body: { name: 'Moved On' } });
    const { updatedAt } = (await patched.json()) as { updatedAt: string };
    await pastSecondOf(Date.parse(updatedAt));
    const res = await api(s, `/users/${u.id}`, { token: admin });
    expect(res.headers.get('last-modified')).toBe(httpDate(updatedAt));
    const before = new Date(Date.parse(updatedAt) - 1000).toUTCString();
    expect((await api(s, `/users/${u.id}`, { token: admin, headers: { 'If-Modified-Since': before } })).status).toBe(200);
    expect((await api(s, `/users/${u.id}`, { token: admin, headers: { 'If-Modified-Since': httpDate(updatedAt) } })).status).toBe(304);
  });

  it('collections carry a weak ETag and Last-Modified; both revalidate to 304', async () => {
    const res = await api(s, '/products', { token: alice });
    const etag = res.headers.get('etag')!;
    const modified = res.headers.get('last-modified')!;
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    expect(modified).toMatch(/GMT$/);
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    const byTag = await api(s, '/products', { token: alice, headers: { 'If-None-Match': etag } });
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get('etag')).toBe(etag);
    expect(await byTag.text()).toBe('');
    const byDate = await api(s, '/products', { token: alice, headers: { 'If-Modified-Since': modified } });
    expect(byDate.status).toBe(304);
    const xml = await api(s, '/products', { token: alice, headers: { Accept: 'application/xml' } });
    expect(xml.headers.get('etag')).not.toBe(etag);
  });

  it('adding to or deleting from a collection changes its tag and moves its Last-Modified (deletions too)', async () => {
    const first = await api(s, '/users?limit=100', { token: admin });
    const etag = first.headers.get('etag')!;
    const modified = first.headers.get('last-modified')!;
    const u = await freshUser(s);
    const afterCreate = await api(s, '/users?limit=100', { token: admin, headers: { 'If-None-Match': etag } });
    expect(afterCreate.status).toBe(200);
    expect(afterCreate.headers.get('etag')).not.toBe(etag);
    await pastSecondOf(Date.now());
    const settled = await api(s, '/users?limit=100', { token: admin });
    const settledEtag = settled.headers.get('etag')!;
    const settledModified = settled.headers.get('last-modified')!;
    expect(Date.parse(settledModified)).toBeGreaterThan(Date.parse(modified));
    expect((await api(s, `/users/${u.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    await pastSecondOf(Date.now());
    const afterDelete = await api(s, '/users?limit=100', { token: admin, headers: { 'If-Modified-Since': settledModified } });
    expect(afterDelete.status).toBe(200);
    expect(afterDelete.headers.get('etag')).not.toBe(settledEtag);
    expect(Date.parse(afterDelete.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(settledModified));
  });

  it('orders carry their creation time; products a weak tag', async () => {
    const order = await api(s, '/orders/1', { token: alice });
    expect(order.headers.get('last-modified')).toBe('Thu, 15 Jan 2026 09:10:00 GMT');
    expect(order.headers.get('etag')).toMatch(/^W\//);
    expect((await api(s, '/orders/1', { token: alice, headers: { 'If-Modified-Since': 'Thu, 15 Jan 2026 09:10:00 GMT' } })).status).toBe(304);
    const product = await api(s, '/products/2', { token: alice });
    const tag = product.headers.get('etag')!;
    expect(tag).toMatch(/^W\//);
    expect((await api(s, '/products/2', { token: alice, headers: { 'If-None-Match': tag } })).status).toBe(304);
    const changed = await api(s, '/products/2', { method: 'PUT', token: admin, body: { name: 'Mouse', price: '26.00' } });
    expect(changed.status).toBe(200);
    expect((await api(s, '/products/2', { token: alice, headers: { 'If-None-Match': tag } })).status).toBe(200);
  });
});
