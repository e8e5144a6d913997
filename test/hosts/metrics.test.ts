import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ALICE, startServer, type TestServer } from '../support/server.js';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** The value of one series line, e.g. `polyface_calls_total{…} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics on the front door (admins only)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  const scrape = async () => {
    const res = await fetch(`${s.url}/metrics`, { headers: { Authorization: `Bearer ${await s.token()}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('refuses anonymous callers (401 with both schemes offered) and non-admins (403)', async () => {
    const anonymous = await fetch(`${s.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="polyface", Basic realm="polyface metrics", charset="UTF-8"');
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const alice = await fetch(`${s.url}/metrics`, { headers: { Authorization: `Bearer ${await s.token(ALICE)}` } });
    expect(alice.status).toBe(403);
    expect((await fetch(`${s.url}/metrics`, { headers: { Authorization: basic('admin', 'wrong-password') } })).status).toBe(401);
    expect((await fetch(`${s.url}/metrics`, { headers: { Authorization: 'Bearer not-a-token' } })).status).toBe(401);
    expect((await fetch(`${s.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('serves the Prometheus text format to an admin token, or to admin credentials as HTTP Basic (a Prometheus basic_auth block)', async () => {
    const res = await fetch(`${s.url}/metrics`, { headers: { Authorization: basic('admin', 'admin-password') } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toContain('# TYPE polyface_call_duration_seconds histogram');
  });

  it('counts calls, errors and latency by style, operation and outcome kind; HTTP requests by style and status', async () => {
    const token = await s.token();
    await fetch(`${s.url}/api/v1/users/1`, { headers: { Authorization: `Bearer ${token}` } });
    await fetch(`${s.url}/api/v1/users/999`, { headers: { Authorization: `Bearer ${token}` } });
    await fetch(`${s.url}/rpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'getUser', params: { id: 1 }, id: 1 }),
    });
    const text = await scrape();
    expect(sample(text, 'polyface_calls_total{style="rest",operation="getUser",outcome="OK"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'polyface_calls_total{style="rest",operation="getUser",outcome="NOT_FOUND"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'polyface_call_errors_total{style="rest",operation="getUser",kind="NOT_FOUND"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'polyface_call_duration_seconds_count{style="jsonrpc",operation="getUser",outcome="OK"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'polyface_http_request_duration_seconds_count{style="rest",method="GET",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'polyface_http_request_duration_seconds_count{style="jsonrpc",method="POST",status="200"}')).toBeGreaterThanOrEqual(1);
  });

  it('shows open connections (HTTP and WebSockets per endpoint), storage query time and event-loop lag', async () => {
    const token = await s.token();
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/rpc`, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const text = await scrape();
    expect(sample(text, 'polyface_open_connections{transport="websocket",endpoint="jsonrpc"}')).toBe(1);
    expect(sample(text, 'polyface_open_connections{transport="http",endpoint="front-door"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'polyface_storage_query_duration_seconds_count{statement="select"}')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
    await new Promise((r) => setTimeout(r, 50));
    expect(sample(await scrape(), 'polyface_open_connections{transport="websocket",endpoint="jsonrpc"}')).toBe(0);
  });
});

describe('METRICS_PORT', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ metrics: { port: 0 } });
  });
  afterAll(() => s.close());

  it('serves /metrics on its own port without authentication, and not on the front door', async () => {
    expect(s.app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(s.app.metricsUrl).not.toBe(`${s.url}/metrics`);
    const res = await fetch(s.app.metricsUrl!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('polyface_open_connections');
    expect((await fetch(s.app.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(404);
  });
});
