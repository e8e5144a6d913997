import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { api, freshUser, problem } from './helpers.js';

const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };
const MERGE_PATCH = { 'Content-Type': 'application/merge-patch+json' };

describe('REST PATCH formats, PUT and ETags', () => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startServer();
    admin = await s.token();
  });
  afterAll(() => s.close());

  const read = async (id: number) => {
    const res = await api(s, `/users/${id}`, { token: admin });
    return { etag: res.headers.get('etag')!, body: (await res.json()) as Record<string, unknown> };
  };

  it('merge patch (RFC 7396) changes only the fields given and bumps the ETag', async () => {
    const u = await freshUser(s);
    expect(u.etag).toBe('"v1"');
    const res = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, headers: MERGE_PATCH, body: { name: 'Merged' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"v2"');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: u.id, name: 'Merged', email: u.body.email, version: 2 });
  });

  it('plain application/json on PATCH is read as a merge patch', async () => {
    const u = await freshUser(s);
    const res = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, body: { email: 'plain.json@example.com' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { email: string }).email).toBe('plain.json@example.com');
  });

  it('merge patch: null on a required field is a 422; read-only fields sent back are ignored', async () => {
    const u = await freshUser(s);
    const nulled = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, headers: MERGE_PATCH, body: { email: null } });
    expect(nulled.status).toBe(422);
    expect((await problem(nulled)).errors).toEqual([{ field: 'email', message: 'cannot be removed' }]);
    const roundTrip = { ...u.body, name: 'Round Trip' };
    const res = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, headers: MERGE_PATCH, body: roundTrip });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string; version: number }).version).toBe(2);
    const otherId = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, headers: MERGE_PATCH, body: { id: 1, name: 'X' } });
    expect(otherId.status).toBe(422);
    expect((await problem(otherId)).errors).toEqual([{ field: 'id', message: 'does not match the URL' }]);
  });

  it('JSON Patch (RFC 6902): test + replace applied together', async () => {
    const u = await freshUser(s);
    const res = await api(s, `/users/${u.id}`, {
      method: 'PATCH',
      token: admin,
      headers: JSON_PATCH,
      body: [
        { op: 'test', path: '/name', value: u.body.name },
        { op: 'replace', path: '/name', value: 'Patched' },
        { op: 'replace', path: '/email', value: 'patched@example.com' },
      ],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'Patched', email: 'patched@example.com', version: 2 });
  });

  it('JSON Patch: a failing test op is a 409 and leaves the record unchanged', async () => {
    const u = await freshUser(s);
    const res = await api(s, `/users/${u.id}`, {
      method: 'PATCH',
      token: admin,
      headers: JSON_PATCH,
      body: [
        { op: 'replace', path: '/name', value: 'Should Not Stick' },
        { op: 'test', path: '/email', value: 'someone.else@example.com' },
      ],
    });
    expect(res.status).toBe(409);
    expect((await problem(res)).code).toBe('CONFLICT');
    const after = await read(u.id);
    expect(after.body.name).toBe(u.body.name);
    expect(after.etag).toBe('"v1"');
  });

  it('JSON Patch: malformed documents are 400s (RFC 5789 §2.2); read-only fields, removals and an invalid result are 422s', async () => {
    const u = await freshUser(s);
    const cases: [unknown, string, number][] = [
      [[{ op: 'replace', path: '/version', value: 9 }], 'version', 422],
      [[{ op: 'replace', path: '/id', value: 1 }], 'id', 422],
      [[{ op: 'remove', path: '/name' }], 'name', 422],
      [[{ op: 'replace', path: '/nickname/first', value: 'x' }], '(patch).0', 422],
      [[{ op: 'jump', path: '/name' }], '(patch).0', 400],
      [[{ op: 'replace', path: '/name' }], '(patch).0', 400],
      [{ op: 'replace' }, '(body)', 400],
      [[{ op: 'replace', path: '/email', value: 'nope' }], 'email', 422],
    ];
    for (const [body, field, status] of cases) {
      const res = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, headers: JSON_PATCH, body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await problem(res)).errors!.map((e) => e.field)).toEqual([field]);
    }
    expect((await read(u.id)).etag).toBe('"v1"');
  });

  it('JSON Patch honours If-Match and writes against the version it read', async () => {
    const u = await freshUser(s);
    const stale = await api(s, `/users/${u.id}`, {
      method: 'PATCH',
      token: admin,
      headers: { ...JSON_PATCH, 'If-Match': '"v7"' },
      body: [{ op: 'replace', path: '/name', value: 'Nope' }],
    });
    expect(stale.status).toBe(412);
    const fresh = await api(s, `/users/${u.id}`, {
      method: 'PATCH',
      token: admin,
      headers: { ...JSON_PATCH, 'If-Match': u.etag },
      body: [{ op: 'add', path: '/password', value: 'a-new-password' }],
    });
    expect(fresh.status).toBe(200);
    const login = await api(s, '/auth/token', { method: 'POST', body: { username: u.body.email, password: 'a-new-password' } });
    expect(login.status).toBe(200);
  });

  it('PUT replaces; name and email are required', async () => {
    const u = await freshUser(s);
    const res = await api(s, `/users/${u.id}`, { method: 'PUT', token: admin, body: { name: 'Replaced', email: 'replaced@example.com' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'Replaced', email: 'replaced@example.com', role: 'user', version: 2 });
    const partial = await api(s, `/users/${u.id}`, { method: 'PUT', token: admin, body: { name: 'Only a name' } });
    expect(partial.status).toBe(422);
    expect((await problem(partial)).errors!.map((e) => e.field)).toEqual(['email']);
  });

  it('ETag round trip: GET → If-None-Match 304 → PUT with If-Match → old tag no longer 304, new one is', async () => {
    const u = await freshUser(s);
    const { etag, body } = await read(u.id);
    expect((await api(s, `/users/${u.id}`, { token: admin, headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await api(s, `/users/${u.id}`, { token: admin, headers: { 'If-None-Match': `W/${etag}` } })).status).toBe(304);
    const put = await api(s, `/users/${u.id}`, { method: 'PUT', token: admin, headers: { 'If-Match': etag }, body: { ...body, name: 'Tagged' } });
    expect(put.status).toBe(200);
    const newTag = put.headers.get('etag')!;
    expect(newTag).toBe('"v2"');
    const old = await api(s, `/users/${u.id}`, { token: admin, headers: { 'If-None-Match': etag } });
    expect(old.status).toBe(200);
    expect(old.headers.get('etag')).toBe(newTag);
    expect((await api(s, `/users/${u.id}`, { token: admin, headers: { 'If-None-Match': newTag } })).status).toBe(304);
  });

  it('If-Match: a list containing the current tag passes, a weak tag never does, * always does', async () => {
    const u = await freshUser(s);
    const listed = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, headers: { 'If-Match': '"v9", "v1"' }, body: { name: 'Listed' } });
    expect(listed.status).toBe(200);
    const weak = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, headers: { 'If-Match': 'W/"v2"' }, body: { name: 'Weak' } });
    expect(weak.status).toBe(412);
    const star = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, headers: { 'If-Match': '*' }, body: { name: 'Star' } });
    expect(star.status).toBe(200);
  });

  it('DELETE with a stale If-Match is a 412 and the user stays; with the current one it is a 204', async () => {
    const u = await freshUser(s);
    await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, body: { name: 'Bumped' } });
    const stale = await api(s, `/users/${u.id}`, { method: 'DELETE', token: admin, headers: { 'If-Match': u.etag } });
    expect(stale.status).toBe(412);
    expect((await api(s, `/users/${u.id}`, { token: admin })).status).toBe(200);
    const ok = await api(s, `/users/${u.id}`, { method: 'DELETE', token: admin, headers: { 'If-Match': '"v2"' } });
    expect(ok.status).toBe(204);
  });

  it('the XML representation has its own ETag, and either form names the version', async () => {
    const u = await freshUser(s);
    const xml = await api(s, `/users/${u.id}`, { token: admin, headers: { Accept: 'application/xml' } });
    expect(xml.headers.get('etag')).toBe('"v1.xml"');
    expect(xml.headers.get('vary')).toBe('Accept, Accept-Encoding');
    const res = await api(s, `/users/${u.id}`, { method: 'PATCH', token: admin, headers: { 'If-Match': '"v1.xml"' }, body: { name: 'Via XML tag' } });
    expect(res.status).toBe(200);
  });
});
