import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

/** A stand-in OpenTelemetry collector: OTLP/HTTP with JSON bodies on /v1/traces, kept in memory. */
async function collector(): Promise<{ url: string; spans: OtlpSpan[]; resources: unknown[]; paths: string[]; server: Server }> {
  const spans: OtlpSpan[] = [];
  const resources: unknown[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const doc = JSON.parse(body) as { resourceSpans: { resource: unknown; scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of doc.resourceSpans) {
        resources.push(rs.resource);
        for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, spans, resources, paths, server };
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v && Object.values(v)[0];
};

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let c: Awaited<ReturnType<typeof collector>>;
  let s: TestServer;
  let rpcResponse: Response;
  let restResponse: Response;
  beforeAll(async () => {
    c = await collector();
    s = await startServer({ tracing: { otlpEndpoint: `${c.url}/`, serviceName: 'polyface-under-test' } });
    const token = await s.token();
    rpcResponse = await fetch(`${s.url}/rpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, traceparent: `00-${TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify([
        { jsonrpc: '2.0', method: 'getUser', params: { id: 1 }, id: 1 },
        { jsonrpc: '2.0', method: 'getProduct', params: { id: 1 }, id: 2 },
      ]),
    });
    restResponse = await fetch(`${s.url}/api/v1/users/999`, { headers: { Authorization: `Bearer ${token}` } });
    // Shutting down flushes the batch of spans to the collector.
    await s.close();
  });
  afterAll(() => new Promise<void>((r) => c.server.close(() => r())));

  it('sends spans over OTLP/HTTP to <endpoint>/v1/traces with the service name', () => {
    expect(c.paths.length).toBeGreaterThan(0);
    expect(c.paths[0]).toBe('POST /v1/traces application/json');
    expect(JSON.stringify(c.resources[0])).toContain('"polyface-under-test"');
  });

  it('continues the caller\'s W3C trace context and names the trace back in traceresponse', () => {
    const server = c.spans.find((sp) => sp.traceId === TRACE && sp.kind === 2)!;
    expect(server).toBeDefined();
    expect(server.name).toBe('POST jsonrpc');
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    expect(attr(server, 'http.request.method')).toBe('POST');
    expect(attr(server, 'http.response.status_code')).toBe(200);
    expect(rpcResponse.headers.get('traceresponse')).toBe(`00-${TRACE}-${server.spanId}-01`);
  });

  it('makes one span per call, with style and operation, as a child of the request span', () => {
    const server = c.spans.find((sp) => sp.traceId === TRACE && sp.kind === 2)!;
    const calls = c.spans.filter((sp) => sp.traceId === TRACE && sp.kind === 1);
    expect(calls.map((sp) => sp.name).sort()).toEqual(['jsonrpc getProduct', 'jsonrpc getUser']);
    for (const call of calls) {
      expect(call.parentSpanId).toBe(server.spanId);
      expect(attr(call, 'polyface.style')).toBe('jsonrpc');
      expect(attr(call, 'polyface.outcome')).toBe('OK');
      expect(attr(call, 'enduser.id')).toBe('admin');
    }
  });

  it('starts a new trace when none came in, and records a domain error as an outcome, not a span error', () => {
    const trace = restResponse.headers.get('traceresponse')!.split('-')[1];
    expect(trace).toMatch(/^[0-9a-f]{32}$/);
    expect(trace).not.toBe(TRACE);
    const call = c.spans.find((sp) => sp.traceId === trace && sp.kind === 1)!;
    expect(call.name).toBe('rest getUser');
    expect(attr(call, 'polyface.outcome')).toBe('NOT_FOUND');
    expect(call.status?.code ?? 0).toBe(0);
  });
});

describe('tracing off (the default)', () => {
  it('adds no traceresponse header', async () => {
    const s = await startServer();
    const res = await fetch(`${s.url}/healthz`, { headers: { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` } });
    expect(res.headers.get('traceresponse')).toBeNull();
    await s.close();
  });
});

describe('a collector that is away', () => {
  it('does not fail the stop: the gateway closes, saying the last traces were not exported', async () => {
    // A port nothing listens on.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const s = await startServer({ tracing: { otlpEndpoint: `http://127.0.0.1:${port}`, serviceName: 'polyface-under-test' }, shutdownTimeoutMs: 1_000 }, { log });
    expect((await fetch(`${s.url}/api/v1/products`, { headers: { Authorization: `Bearer ${await s.token()}` } })).status).toBe(200);
    await expect(s.close()).resolves.toBeUndefined();
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'the last traces were not exported: the collector did not take them' }));
  });
});
