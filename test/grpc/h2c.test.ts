import { once } from 'node:events';
import { createServer } from 'node:http';
import http2 from 'node:http2';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { divertHttp2, HTTP2_PREFACE } from '../../src/hosts/h2c.js';
import { startServer, type TestServer } from '../support/server.js';

/** One cleartext port, two protocols: the front door tells HTTP/1.1 from h2c by the connection preface. */
let server: TestServer;
let port: number;
beforeAll(async () => {
  server = await startServer();
  port = Number(new URL(server.url).port);
});
afterAll(() => server?.close());

const open = async () => {
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  return s;
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const firstBytes = (s: Socket) => once(s, 'data').then(([d]) => d as Buffer);

it('HTTP/1.1 still works when the request line arrives a byte at a time (POST starts like PRI)', async () => {
  // A client that sends "P" and closes has asked nothing complete in either protocol: the connection just ends.
  const s = await open();
  s.end('P');
  const chunks: Buffer[] = [];
  s.on('data', (d) => chunks.push(d));
  await once(s, 'close');
  expect(Buffer.concat(chunks)).toHaveLength(0);

  const t = await open();
  t.write('P');
  await pause(20);
  t.write('OST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
  await pause(20);
  t.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  let text = '';
  t.setEncoding('latin1').on('data', (d: string) => (text += d));
  await once(t, 'close');
  expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
  expect(text).toContain('"status":"ok"');
});

it('a preface split across packets is still HTTP/2: the server answers with a SETTINGS frame', async () => {
  const s = await open();
  s.write(HTTP2_PREFACE.subarray(0, 3));
  await pause(20);
  s.write(HTTP2_PREFACE.subarray(3, 17));
  await pause(20);
  const reply = firstBytes(s);
  s.write(HTTP2_PREFACE.subarray(17));
  // An empty SETTINGS frame from the client (RFC 9113 §3.4: the preface is followed by SETTINGS).
  s.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
  const frame = await reply;
  expect(frame[3]).toBe(4); // frame type SETTINGS
  s.destroy();
});

it("HTTP/2 that is not gRPC gets gRPC's refusal, not an HTTP/1.1 error", async () => {
  const session = http2.connect(server.url);
  const req = session.request({ ':path': '/healthz', ':method': 'GET' });
  const [headers] = await once(req, 'response');
  req.resume();
  expect(headers[':status']).toBe(415);
  session.close();
});

it('"PRI * HTTP/1.1" is not the preface: HTTP/1.1 answers it as a bad request', async () => {
  const s = await open();
  s.end('PRI * HTTP/1.1\r\nHost: x\r\n\r\n');
  let text = '';
  s.setEncoding('latin1').on('data', (d: string) => (text += d));
  await once(s, 'close');
  expect(text).toMatch(/^HTTP\/1\.1 4\d\d/);
});

it('a connection that says nothing is closed after the timeout, and at once when asked (shutdown)', async () => {
  const plain = createServer((_req, res) => res.end('ok'));
  const sniffer = divertHttp2(plain, () => {}, 100);
  plain.listen(0, '127.0.0.1');
  await once(plain, 'listening');
  const p = (plain.address() as { port: number }).port;
  try {
    const idle = connect(p, '127.0.0.1');
    await once(idle, 'connect');
    const started = Date.now();
    await once(idle, 'close');
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);

    const other = connect(p, '127.0.0.1');
    await once(other, 'connect');
    await pause(10);
    sniffer.closeUndecided();
    await once(other, 'close');
  } finally {
    plain.close();
  }
});
