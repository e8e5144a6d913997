import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureWire, runTag } from '../../src/compare/measure.js';
import { SCENARIOS, type ScenarioContext } from '../../src/compare/scenarios.js';
import { allStyles } from '../../src/compare/styles.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';

/**
 * Round trips each scenario needs in each style, exactly: what the
 * comparison's claims rest on. Warm: on the connections of the run before.
 * Cold adds what a fresh client must fetch first (the SOAP client's WSDL).
 */
const WARM_ROUND_TRIPS: Record<string, Record<string, number>> = {
  'get-user': { rest: 1, graphql: 1, jsonrpc: 1, 'soap-1.1': 1, 'soap-1.2': 1, grpc: 1 },
  'list-users': { rest: 1, graphql: 1, jsonrpc: 1, 'soap-1.1': 1, 'soap-1.2': 1, grpc: 1 },
  'client-flow': { rest: 5, graphql: 5, jsonrpc: 5, 'soap-1.1': 5, 'soap-1.2': 5, grpc: 5 },
  // user + orders, then the two distinct products: batched in JSON-RPC, one nested query in GraphQL.
  'nested-read': { rest: 4, graphql: 1, jsonrpc: 2, 'soap-1.1': 4, 'soap-1.2': 4, grpc: 4 },
  'place-order': { rest: 1, graphql: 1, jsonrpc: 1, 'soap-1.1': 1, 'soap-1.2': 1, grpc: 1 },
  // gRPC has no batch: ten calls, as streams multiplexed on one HTTP/2 connection.
  'batch-10': { rest: 10, graphql: 1, jsonrpc: 1, 'soap-1.1': 10, 'soap-1.2': 10, grpc: 10 },
};
const FIRST_CALL_EXTRA: Record<string, number> = { 'soap-1.1': 1, 'soap-1.2': 1 };

let s: TestServer;
let token: string;
beforeAll(async () => {
  s = await startServer();
  token = await s.token();
});
afterAll(() => s.close());

const styles = allStyles();
const unary = SCENARIOS.filter((sc) => !sc.needs?.length);

it('the table above covers every scenario without special needs and every registered style', () => {
  expect(Object.keys(WARM_ROUND_TRIPS).sort()).toEqual(unary.map((sc) => sc.id).sort());
  for (const row of Object.values(WARM_ROUND_TRIPS)) expect(Object.keys(row).sort()).toEqual(styles.map((st) => st.id).sort());
});

describe.each(unary.map((sc) => [sc.id, sc] as const))('%s', (id, scenario) => {
  const outputs = new Map<string, unknown>();

  it.each(styles.map((st) => [st.id, st] as const))('%s: exact round trips, bytes both ways, the exchanges as text', async (styleId, style) => {
    const writer = styles[0]!.create(s.url);
    const ctx = (n: number): ScenarioContext => ({ token, credentials: ADMIN, tag: runTag(`test-${styleId}`, n), writer });
    // One warm run, so its exchanges are the whole warm figure (with more, the figure is their average).
    const r = await measureWire(style, scenario, s.url, ctx, 1);
    const warm = WARM_ROUND_TRIPS[id]![styleId]!;
    expect(r.warm.roundTrips).toBe(warm);
    expect(r.cold.roundTrips).toBe(warm + (FIRST_CALL_EXTRA[styleId] ?? 0));
    expect(r.cold.connections).toBeGreaterThanOrEqual(1);
    expect(r.warm.bytesUp).toBeGreaterThan(0);
    expect(r.warm.bytesDown).toBeGreaterThan(0);
    // A fresh SOAP client first reads the WSDL (tens of kilobytes); the others start with the work itself.
    if (FIRST_CALL_EXTRA[styleId]) expect(r.cold.bytesDown - r.warm.bytesDown).toBeGreaterThan(10_000);
    // (An HTTP/2 connection opens with SETTINGS frames both ways: a few dozen bytes more the first time.)
    else expect(Math.abs(r.cold.bytesDown - r.warm.bytesDown)).toBeLessThan(200);
    // The last warm run's exchanges: one per round trip, adding up to its bytes.
    expect(r.exchanges).toHaveLength(warm);
    expect(r.exchanges.reduce((n, e) => n + e.request.bytes, 0)).toBe(r.warm.bytesUp);
    expect(r.exchanges.reduce((n, e) => n + e.response.bytes, 0)).toBe(r.warm.bytesDown);
    for (const e of r.exchanges) {
      // HTTP/1.1 as the text that was sent; HTTP/2 (gRPC) frames are binary, shown as a hex dump of their DATA.
      if (styleId === 'grpc') expect(e.request.format).toBe('h2');
      else expect(e.request.text).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \S+ HTTP\/1\.1\r\n/);
    }
    outputs.set(styleId, r.output);
  });

  it('every style produced the same result', () => {
    expect(outputs.size).toBe(styles.length);
    const [first, ...rest] = [...outputs.values()];
    for (const other of rest) expect(other).toEqual(first);
  });
});
