import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startServer, type TestServer } from '../support/server.js';
import { ALICE_USER, api, problem } from './helpers.js';

const V1_JSON = 'application/vnd.polyface.v1+json';
const V1_XML = 'application/vnd.polyface.v1+xml';

describe('REST media-type versioning (Accept: application/vnd.polyface.v1+json)', () => {
  let s: TestServer;
  let alice: string;
  let admin: string;
  beforeAll(async () => {
    s = await startServer();
    alice = await s.token(ALICE);
    admin = await s.token();
  });
  afterAll(() => s.close());

  it('v1+json answers the JSON representation and echoes the version in Content-Type', async () => {
    const res = await api(s, '/users/1', { token: alice, headers: { Accept: V1_JSON } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(`${V1_JSON}; charset=utf-8`);
    expect(res.headers.get('vary')).toContain('Accept');
    expect(await res.json()).toMatchObject(ALICE_USER);
  });

  it('v1+xml answers XML with the versioned type', async () => {
    const res = await api(s, '/products/1', { token: alice, headers: { Accept: V1_XML } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(`${V1_XML}; charset=utf-8`);
    expect(await res.text()).toContain('<product><id>1</id><name>Laptop</name><price>50.00</price>');
  });

  it('the version-less vendor type means the current version', async () => {
    const res = await api(s, '/users?limit=1', { token: alice, headers: { Accept: 'application/vnd.polyface+json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(`${V1_JSON}; charset=utf-8`);
  });

  it('an unknown version is 406, even with a wildcard beside it, and names the versions there are', async () => {
    for (const accept of ['application/vnd.polyface.v2+json', 'application/vnd.polyface.v2+json, */*;q=0.1', 'application/vnd.polyface.v1+yaml']) {
      const res = await api(s, '/users/1', { token: alice, headers: { Accept: accept } });
      expect(res.status, accept).toBe(406);
      const p = await problem(res);
      expect(p.detail).toContain(V1_JSON);
      expect(p.detail).toContain(V1_XML);
    }
  });

  it('q-values choose between versions and plain types as usual', async () => {
    const res = await api(s, '/users/1', { token: alice, headers: { Accept: `${V1_JSON};q=0.5, ${V1_XML}` } });
    expect(res.headers.get('content-type')).toBe(`${V1_XML}; charset=utf-8`);
  });

  it('a versioned body is accepted as JSON (and an unknown version as a body type is 415)', async () => {
    const created = await api(s, '/users', {
      method: 'POST',
      token: admin,
      headers: { 'Content-Type': V1_JSON, Accept: V1_JSON },
      body: JSON.stringify({ name: 'Versioned', email: 'versioned@example.com' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe(`${V1_JSON}; charset=utf-8`);
    const unknown = await api(s, '/users', {
      method: 'POST',
      token: admin,
      headers: { 'Content-Type': 'application/vnd.polyface.v9+json' },
      body: JSON.stringify({ name: 'Nine', email: 'nine@example.com' }),
    });
    expect(unknown.status).toBe(415);
    expect(unknown.headers.get('accept-post')).toContain(V1_JSON);
  });

  it('errors stay problem details whatever version was asked for', async () => {
    const res = await api(s, '/users/999', { token: alice, headers: { Accept: V1_JSON } });
    expect(res.status).toBe(404);
    expect((await problem(res)).code).toBe('NOT_FOUND');
  });

  it('the live events URL keeps both faces: a versioned Accept gets the long poll in that version, text/event-stream the stream', async () => {
    const poll = await api(s, '/events?wait=0', { token: admin, headers: { Accept: V1_JSON } });
    expect(poll.status).toBe(200);
    expect(poll.headers.get('content-type')).toBe(`${V1_JSON}; charset=utf-8`);
    const body = (await poll.json()) as { data: unknown[]; links: { next: string } };
    expect(Array.isArray(body.data)).toBe(true);
    expect(body.links.next).toMatch(/^\/api\/v1\/events\?.*after=/);
    expect((await api(s, '/events?wait=0', { token: admin, headers: { Accept: 'application/vnd.polyface.v2+json' } })).status).toBe(406);
    const stream = await api(s, '/events', { token: admin, headers: { Accept: 'text/event-stream' } });
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await stream.body!.cancel();
  });
});
