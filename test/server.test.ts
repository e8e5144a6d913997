import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

describe('HTTP server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('answers /healthz', async () => {
    const res = await fetch(`${s.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz after checking the database', async () => {
    const res = await fetch(`${s.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', database: 'ok' });
  });

  it('issues a request id and echoes a well-formed one', async () => {
    const fresh = await fetch(`${s.url}/healthz`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await fetch(`${s.url}/healthz`, { headers: { 'X-Request-Id': 'trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    const hostile = await fetch(`${s.url}/healthz`, { headers: { 'X-Request-Id': 'bad id <script>' } });
    expect(hostile.headers.get('x-request-id')).not.toContain('<');
  });

  it('answers unknown paths with problem+json 404', async () => {
    const res = await fetch(`${s.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('readiness', () => {
  it('reports 503 once the database is gone', async () => {
    const s = await startServer();
    await s.app.db.destroy();
    const res = await fetch(`${s.url}/readyz`);
    expect(res.status).toBe(503);
    await new Promise<void>((r) => s.app.server.close(() => r()));
  });
});
