import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuMeter, endpointProbe } from '../../src/compare/cpu.js';
import { runComparison } from '../../src/compare/compare.js';
import { writeReports } from '../../src/compare/output.js';
import { allStyles } from '../../src/compare/styles.js';
import { ADMIN, ALICE, startServer, type TestServer } from '../support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'polyface-page-test-'));
let s: TestServer;
beforeAll(async () => {
  s = await startServer({ compare: { reportDir: dir } });
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  fetch(`${s.url}/compare/api/run`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('/compare page', () => {
  it('serves the page under a strict CSP, with its script and styles from this server', async () => {
    const res = await fetch(`${s.url}/compare`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    for (const asset of ['/compare/assets/compare.js', '/compare/assets/compare.css', '/compare/assets/highlight.css']) {
      expect(html).toContain(asset);
      const a = await fetch(s.url + asset);
      expect(a.status, asset).toBe(200);
      expect((await a.text()).length).toBeGreaterThan(100);
    }
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${s.url}/compare`, { method: 'DELETE' })).headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${s.url}/compare/nothing-here`)).status).toBe(404);
  });

  it('lists the scenarios that apply to the registered styles, and the styles', async () => {
    const body = (await (await fetch(`${s.url}/compare/api/scenarios`)).json()) as { scenarios: { id: string }[]; styles: { id: string; label: string }[] };
    expect(body.scenarios.map((x) => x.id)).toEqual(['get-user', 'list-users', 'client-flow', 'nested-read', 'place-order', 'batch-10', 'push-latency']);
    expect(body.styles.map((x) => x.id)).toEqual(allStyles().map((x) => x.id));
  });

  it('runs a scenario live in every style: exact exchanges, highlighted, with bytes, round trips, time and charts', async () => {
    const res = await run({ scenario: 'nested-read', ...ADMIN });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      scenario: { id: string };
      styles: { id: string; status: string; warm: { roundTrips: number; bytesUp: number }; ms: number; exchanges: { request: { html: string; bytes: number }; response: { html: string } }[] }[];
      charts: Record<string, string>;
    };
    expect(body.scenario.id).toBe('nested-read');
    const trips: Record<string, number> = { rest: 4, graphql: 1, jsonrpc: 2, 'soap-1.1': 4, 'soap-1.2': 4, grpc: 4 };
    expect(body.styles.map((x) => [x.id, x.status, x.warm.roundTrips])).toEqual(allStyles().map((x) => [x.id, 'ok', trips[x.id]]));
    for (const st of body.styles) {
      expect(st.ms).toBeGreaterThan(0);
      expect(st.exchanges).toHaveLength(st.warm.roundTrips);
      expect(st.exchanges.reduce((n, e) => n + e.request.bytes, 0)).toBe(st.warm.bytesUp);
    }
    const graphql = body.styles.find((x) => x.id === 'graphql')!.exchanges[0]!;
    expect(graphql.request.html).toContain('<span class="hljs-keyword">POST</span>');
    expect(graphql.request.html).toContain('orders { id createdAt items { product { name price } quantity } totalAmount }');
    expect(body.styles.find((x) => x.id === 'soap-1.2')!.exchanges[0]!.response.html).toContain('hljs-tag');
    expect(Object.keys(body.charts).sort()).toEqual(['bytes', 'bytes-cold', 'latency', 'round-trips']);
    for (const svg of Object.values(body.charts)) expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);

    const last = (await (await fetch(`${s.url}/compare/api/last`)).json()) as { page: { scenario: { id: string } }; cli: unknown };
    expect(last.page.scenario.id).toBe('nested-read');
    expect(last.cli).toBeNull();
  });

  it('runs push latency live too: each style subscribes its own way, and only the subscriber is on the wire', async () => {
    const res = await run({ scenario: 'push-latency', ...ADMIN });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { styles: { id: string; status: string; error?: string; warm: { roundTrips: number; bytesDown: number }; ms: number }[] };
    for (const st of body.styles) {
      expect(st.status, `${st.id}: ${st.error}`).toBe('ok');
      expect(st.ms).toBeGreaterThan(0);
      expect(st.warm.bytesDown, st.id).toBeGreaterThan(0);
      // Pushed events need no request. A SOAP client long-polls, one request per event — sent as the previous answer
      // arrives, so it may fall in the window before the run's own.
      expect(st.warm.roundTrips, st.id).toBeLessThanOrEqual(st.id.startsWith('soap') ? 1 : 0);
    }
  });

  it('refuses bad run requests with problem details, and a second run while one is running', async () => {
    expect((await run({ scenario: 'get-user', username: 'admin', password: 'wrong-password' })).status).toBe(401);
    expect((await run({ scenario: 'get-everything', ...ADMIN })).status).toBe(400);
    expect((await run({ scenario: 'get-user', ...ADMIN, extra: 1 })).status).toBe(400);
    expect((await run('{not json')).status).toBe(400);
    expect((await run({ scenario: 'get-user', ...ADMIN }, { 'Content-Type': 'text/plain' })).status).toBe(415);
    const big = await run({ scenario: 'get-user', ...ADMIN, padding: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect((await fetch(`${s.url}/compare/api/run`)).headers.get('allow')).toBe('POST');

    const first = run({ scenario: 'get-user', ...ADMIN });
    await new Promise((r) => setTimeout(r, 30));
    const second = await run({ scenario: 'get-user', ...ADMIN });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('2');
    expect((await first).status).toBe(200);
  });

  it('shows the last CLI report: its run line, its charts as SVG files, its HTML report', async () => {
    const report = await runComparison({ url: s.url, embedded: false, credentials: ADMIN, scenarios: ['get-user'], styles: ['rest', 'jsonrpc'], iterations: 2, warmup: 1, concurrency: 1, warmRuns: 1 });
    await writeReports(report, dir);
    const last = (await (await fetch(`${s.url}/compare/api/last`)).json()) as { cli: { createdAt: string; line: string; charts: string[] } };
    expect(last.cli.createdAt).toBe(report.createdAt);
    expect(last.cli.line).toContain('2 iterations');
    expect(last.cli.charts).toEqual(['bytes', 'bytes-cold', 'round-trips', 'latency']);
    const svg = await fetch(`${s.url}/compare/report/bytes.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(await svg.text()).toMatch(/^<svg/);
    const html = await fetch(`${s.url}/compare/report/report.html`);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await html.text()).toContain('Get one user');
    expect((await fetch(`${s.url}/compare/report/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${s.url}/compare/report/cpu.svg`)).status).toBe(404);
  });
});

describe('GET /compare/api/cpu (for npm run compare --url)', () => {
  it("is the gateway's own process.cpuUsage(), for admins only", async () => {
    expect((await fetch(`${s.url}/compare/api/cpu`)).status).toBe(401);
    const alice = await fetch(`${s.url}/compare/api/cpu`, { headers: { Authorization: `Bearer ${await s.token(ALICE)}` } });
    expect(alice.status).toBe(403);
    const admin = await s.token(ADMIN);
    const res = await fetch(`${s.url}/compare/api/cpu`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { userMicros: number; systemMicros: number; totalMicros: number };
    expect(body.totalMicros).toBe(body.userMicros + body.systemMicros);

    const meter = new CpuMeter(endpointProbe(s.url, admin));
    await meter.calibrate();
    const stop = await meter.start();
    const spent = await stop();
    // Two reads with nothing between them: what is left after subtracting the read's own cost is near zero.
    expect(spent).toBeLessThan(5_000);
    await expect(new CpuMeter(endpointProbe(s.url, 'not-a-token')).probe.read()).rejects.toThrow(/401/);
  });
});
