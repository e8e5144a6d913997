import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import { BULK_MAX_ITEMS } from '../../src/domain/bulk.js';
import type { DomainEvent } from '../../src/domain/events.js';
import { api, problem } from '../rest/helpers.js';
import { ALICE, startServer, type TestServer } from '../support/server.js';

/**
 * Operations on several objects over REST: per-item statuses, 207 when the
 * items' outcomes differ, all-or-nothing by default or `Prefer:
 * handling=lenient` (RFC 7240), and the items-per-call limit.
 */
let s: TestServer;
let admin: string;
let seq = 0;
const events: DomainEvent[] = [];
const email = () => `bulk-rest-${++seq}@example.com`;
const exists = async (address: string) => {
  const res = await api(s, `/users?email=${encodeURIComponent(address)}`, { token: admin });
  return ((await res.json()) as { page: { total: number } }).page.total === 1;
};

beforeAll(async () => {
  s = await startServer();
  admin = await s.token();
  s.app.container.get(TYPES.EventBus).subscribe((e) => events.push(e));
});
afterAll(() => s.close());

describe('POST /users/bulk', () => {
  it('creates every item: 201 with each item 201 and its user (with links)', async () => {
    const [a, b] = [email(), email()];
    const res = await api(s, '/users/bulk', { method: 'POST', token: admin, body: { items: [{ name: 'A', email: a }, { name: 'B', email: b, role: 'admin' }] } });
    expect(res.status).toBe(201);
    expect(res.headers.get('preference-applied')).toBeNull();
    const body = (await res.json()) as { items: { user: { id: number } }[] };
    expect(body).toMatchObject({
      handling: 'strict',
      succeeded: 2,
      failed: 0,
      items: [
        { index: 0, ok: true, status: 201, id: expect.any(Number), user: { name: 'A', email: a, role: 'user', version: 1, links: { self: expect.stringMatching(/^\/api\/v1\/users\/\d+$/) } } },
        { index: 1, ok: true, status: 201, user: { name: 'B', role: 'admin' } },
      ],
    });
  });

  it('strict (the default): one refused item and nothing is written; the error names each failed item', async () => {
    const fresh = email();
    const before = events.length;
    const res = await api(s, '/users/bulk', {
      method: 'POST',
      token: admin,
      body: { items: [{ name: 'Kept?', email: fresh }, { name: 'Dup', email: 'alice@example.com' }, { name: 'Bad', email: 'nope' }] },
    });
    expect(res.status).toBe(409);
    const p = await problem(res);
    expect(p).toMatchObject({ code: 'CONFLICT', detail: 'Nothing was changed: 2 of 3 items failed' });
    expect(p.errors).toEqual([
      { field: 'items.1.email', message: 'already in use' },
      { field: 'items.2.email', message: 'must be an email address' },
    ]);
    expect(await exists(fresh)).toBe(false);
    // Events go out only for writes that stayed.
    expect(events.slice(before)).toEqual([]);
  });

  it('Prefer: handling=lenient: the good items stay; 207 with a status per item; Preference-Applied', async () => {
    const fresh = email();
    const before = events.length;
    const res = await api(s, '/users/bulk', {
      method: 'POST',
      token: admin,
      headers: { Prefer: 'return=representation, handling=lenient' },
      body: { items: [{ name: 'Stays', email: fresh }, { name: 'Dup', email: 'alice@example.com' }] },
    });
    expect(res.status).toBe(207);
    expect(res.headers.get('preference-applied')).toBe('handling=lenient');
    expect(await res.json()).toMatchObject({
      handling: 'lenient',
      succeeded: 1,
      failed: 1,
      items: [
        { index: 0, ok: true, status: 201, user: { email: fresh } },
        { index: 1, ok: false, status: 409, error: { kind: 'CONFLICT', message: 'User conflicts with an existing record', fields: [{ field: 'email', message: 'already in use' }] } },
      ],
    });
    expect(await exists(fresh)).toBe(true);
    expect(events.slice(before).map((e) => e.type)).toEqual(['user.created']);
  });

  it('two items of one call that collide: strict refuses the second, lenient keeps the first', async () => {
    const twin = email();
    const items = [{ name: 'One', email: twin }, { name: 'Two', email: twin }];
    const strict = await api(s, '/users/bulk', { method: 'POST', token: admin, body: { items } });
    expect((await problem(strict)).errors).toEqual([{ field: 'items.1.email', message: 'already in use' }]);
    expect(await exists(twin)).toBe(false);
    const lenient = await api(s, '/users/bulk', { method: 'POST', token: admin, body: { items, handling: 'lenient' } });
    expect(lenient.status).toBe(207);
    expect(((await lenient.json()) as { items: { status: number }[] }).items.map((i) => i.status)).toEqual([201, 409]);
  });

  it('the body and Prefer must agree; an unknown Prefer value is ignored (RFC 7240 §2)', async () => {
    const clash = await api(s, '/users/bulk', { method: 'POST', token: admin, headers: { Prefer: 'handling=lenient' }, body: { items: [{ name: 'X', email: email() }], handling: 'strict' } });
    expect((await problem(clash)).errors).toEqual([{ field: 'handling', message: 'the Prefer header asks for handling=lenient but the body says strict' }]);
    const unknown = await api(s, '/users/bulk', { method: 'POST', token: admin, headers: { Prefer: 'handling=sloppy' }, body: { items: [{ name: 'Y', email: email() }] } });
    expect(unknown.status).toBe(201);
    expect(unknown.headers.get('preference-applied')).toBeNull();
  });

  it(`takes 1–${BULK_MAX_ITEMS} items: ${BULK_MAX_ITEMS} are fine, ${BULK_MAX_ITEMS + 1} or none are refused whole`, async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Many ${i}`, email: `many-${seq}-${i}-${n}@example.com` }));
    seq++;
    const full = await api(s, '/users/bulk', { method: 'POST', token: admin, body: { items: many(BULK_MAX_ITEMS) } });
    expect(full.status).toBe(201);
    expect(((await full.json()) as { succeeded: number }).succeeded).toBe(BULK_MAX_ITEMS);
    const over = await api(s, '/users/bulk', { method: 'POST', token: admin, body: { items: many(BULK_MAX_ITEMS + 1) } });
    expect((await problem(over)).errors).toEqual([{ field: 'items', message: `must hold at most ${BULK_MAX_ITEMS} items` }]);
    expect(await exists(`many-${seq}-0-${BULK_MAX_ITEMS + 1}@example.com`)).toBe(false);
    const none = await api(s, '/users/bulk', { method: 'POST', token: admin, body: { items: [] } });
    expect((await problem(none)).errors).toEqual([{ field: 'items', message: 'must hold at least 1 item' }]);
  });

  it('only administrators create users in bulk', async () => {
    const res = await api(s, '/users/bulk', { method: 'POST', token: await s.token(ALICE), body: { items: [{ name: 'X', email: email() }] } });
    expect(res.status).toBe(403);
  });
});

describe('PATCH /users/bulk and POST /users/bulk-delete', () => {
  const create = async () => {
    const res = await api(s, '/users', { method: 'POST', token: admin, body: { name: 'Target', email: email() } });
    return ((await res.json()) as { id: number }).id;
  };

  it('patch: per-item statuses 200 / 404 / 412 in lenient mode', async () => {
    const [a, b] = [await create(), await create()];
    const res = await api(s, '/users/bulk', {
      method: 'PATCH',
      token: admin,
      headers: { Prefer: 'handling=lenient' },
      body: { items: [{ id: a, name: 'Renamed' }, { id: 999999, name: 'Ghost' }, { id: b, name: 'Stale', expectedVersion: 7 }] },
    });
    expect(res.status).toBe(207);
    const body = (await res.json()) as { items: { status: number; id: number }[] };
    expect(body.items.map((i) => [i.status, i.id])).toEqual([
      [200, a],
      [404, 999999],
      [412, b],
    ]);
  });

  it('delete: strict removes all or none, orders included; items 204 each', async () => {
    const [a, b] = [await create(), await create()];
    await api(s, `/users/${a}/orders`, { method: 'POST', token: admin, body: { items: [{ productId: 1, quantity: 1 }] } });
    const refused = await api(s, '/users/bulk-delete', { method: 'POST', token: admin, body: { items: [{ id: a }, { id: b, expectedVersion: 5 }] } });
    expect(refused.status).toBe(412);
    expect((await problem(refused)).errors).toEqual([{ field: 'items.1', message: `User ${b} has changed since the version you hold` }]);
    expect((await api(s, `/users/${a}/orders`, { token: admin })).status).toBe(200);

    const done = await api(s, '/users/bulk-delete', { method: 'POST', token: admin, body: { items: [{ id: a }, { id: b, expectedVersion: 1 }] } });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({
      handling: 'strict',
      succeeded: 2,
      failed: 0,
      items: [
        { index: 0, ok: true, status: 204, id: a },
        { index: 1, ok: true, status: 204, id: b },
      ],
    });
    expect((await api(s, `/users/${a}`, { token: admin })).status).toBe(404);
  });

  it('XML in and out, like every other resource', async () => {
    const id = await create();
    const res = await api(s, '/users/bulk', {
      method: 'PATCH',
      token: admin,
      headers: { 'Content-Type': 'application/xml', Accept: 'application/xml' },
      body: `<bulk><items><i><id>${id}</id><name>Via XML</name></i></items><handling>lenient</handling></bulk>`,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('<bulkResult><handling>lenient</handling><succeeded>1</succeeded><failed>0</failed><items><i><index>0</index><ok>true</ok><status>200</status>');
    expect(text).toContain('<name>Via XML</name>');
  });
});
