import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ALICE, startServer, type TestServer } from '../support/server.js';

/**
 * One access line per request, naming what ran and who ran it, so lines for
 * /rpc, /graphql and /soap are no longer all alike (and never a secret).
 */
const lines: Record<string, unknown>[] = [];
let s: TestServer;
let token: string;

beforeAll(async () => {
  s = await startServer({}, { log: pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) }) });
  token = await s.token(ALICE);
});
afterAll(() => s.close());

async function logged(requestId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 50; i++) {
    const line = lines.find((l) => l.msg === 'request' && l.requestId === requestId);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no access line for ${requestId}`);
}

const send = async (path: string, init: RequestInit & { headers?: Record<string, string> }) => {
  const res = await fetch(`${s.url}${path}`, init);
  await res.arrayBuffer();
  return logged(res.headers.get('x-request-id')!);
};

it('REST: the operation behind the route and the principal', async () => {
  const line = await send('/api/v1/users/2', { headers: { Authorization: `Bearer ${token}` } });
  expect(line).toMatchObject({ method: 'GET', url: '/api/v1/users/2', status: 200, operation: 'getUser', principal: 'user:1' });
  expect(typeof line.ms).toBe('number');
});

it('JSON-RPC: every method of a batch', async () => {
  const batch = [
    { jsonrpc: '2.0', method: 'getUser', params: { id: 1 }, id: 1 },
    { jsonrpc: '2.0', method: 'listProducts', id: 2 },
  ];
  const line = await send('/rpc', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(batch) });
  expect(line).toMatchObject({ url: '/rpc', status: 200, operation: 'getUser,listProducts', principal: 'user:1' });
});

it('GraphQL: the operation name and the fields it ran', async () => {
  const body = JSON.stringify({ query: 'query Mine { user(id: 1) { name } }', operationName: 'Mine' });
  const line = await send('/graphql', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body });
  expect(line).toMatchObject({ url: '/graphql', status: 200, operation: 'Mine,getUser', principal: 'user:1' });
});

it('SOAP: the operation, and never the password from the header', async () => {
  const envelope =
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><Authentication><username>alice@example.com</username>' +
    '<password>demo-password</password></Authentication></soap:Header><soap:Body><GetProduct xmlns="http://polyface.dev/user-service"><id>1</id></GetProduct></soap:Body></soap:Envelope>';
  const line = await send('/soap', { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: envelope });
  expect(line).toMatchObject({ url: '/soap', status: 200, operation: 'getProduct', principal: 'user:1' });
  expect(JSON.stringify(lines)).not.toContain('demo-password');
  expect(JSON.stringify(lines)).not.toContain(token);
});
