import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { TYPES } from '../../src/app/tokens.js';
import { testConfig, type Config } from '../../src/infra/config.js';
import { JsonRpcHttp } from '../../src/protocols/jsonrpc/http.js';
import { ADMIN, startServer, type TestServer } from '../support/server.js';

/**
 * The WebSocket protections every endpoint shares (protocols/shared/ws.ts),
 * attacked on /rpc. Each case failed before the guard existed: the server
 * handled every frame and buffered every reply for a peer that never read.
 */
let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const start = (ws: Partial<Config['ws']>, overrides: Partial<Config> = {}) =>
  startServer({ ...overrides, ws: { ...testConfig().ws, ...ws } }).then((server) => (s = server));

const wsUrl = (server: TestServer) => `${server.url.replace(/^http/, 'ws')}/rpc`;

function open(server: TestServer, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<WebSocket> {
  const ws = new WebSocket(wsUrl(server), options);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const closed = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));

const rpcBinding = (server: TestServer) => server.app.container.getAll(TYPES.HttpBinding).find((b) => b instanceof JsonRpcHttp) as JsonRpcHttp;

const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Resolves once a value has stopped changing for half a second. */
async function settled(read: () => number): Promise<void> {
  let last = read();
  let stableSince = Date.now();
  const end = Date.now() + 15_000;
  while (Date.now() - stableSince < 500) {
    if (Date.now() > end) throw new Error('value never settled');
    await new Promise((r) => setTimeout(r, 50));
    const now = read();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
  }
}

describe('WebSocket resource control', () => {
  it('a client that floods batches of rpc.discover and never reads gets only a bounded amount of work, then is cut off', async () => {
    // The message rate is set out of reach so that only backpressure can stop the flood (unguarded, all 100 run).
    const server = await start({ slowPeerMs: 300, maxInFlight: 2, maxMessagesPerSecond: 10_000 });
    const handled = vi.spyOn(rpcBinding(server).core, 'handleText');
    const ws = await open(server);
    // Stop reading: every reply the server writes stays queued on its side.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const before = process.memoryUsage().rss;
    const batch = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ jsonrpc: '2.0', method: 'rpc.discover', id: i })));
    for (let i = 0; i < 100; i++) ws.send(batch);
    // Each answer is ~1.5 MB; unguarded, all 100 were handled and queued (~150 MB). Guarded, the work stops once
    // the kernel's socket buffers (a few MB on loopback, more or less with load) and the in-flight cap are full.
    await settled(() => handled.mock.calls.length);
    expect(handled.mock.calls.length).toBeGreaterThan(0);
    expect(handled.mock.calls.length).toBeLessThan(50);
    expect(process.memoryUsage().rss - before).toBeLessThan(80 * 1024 * 1024);
    // And the peer that never reads is cut off, freeing its share of connections.
    const connections = server.app.container.get(TYPES.WsConnections);
    await until(() => connections.count('127.0.0.1') === 0);
    ws.terminate();
  });

  it('refuses more connections per address than allowed, with HTTP 429 at the handshake', async () => {
    const server = await start({ maxConnectionsPerAddress: 2 });
    const a = await open(server);
    const b = await open(server);
    const refused = await new Promise<number>((resolve) => {
      const c = new WebSocket(wsUrl(server));
      c.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      c.once('open', () => resolve(101));
    });
    expect(refused).toBe(429);
    a.close();
    await closed(a);
    const again = await open(server);
    expect(again.readyState).toBe(WebSocket.OPEN);
    b.close();
    again.close();
  });

  it('handles at most maxInFlight messages of one socket at a time, and still answers them all', async () => {
    const server = await start({ maxInFlight: 2 });
    const core = rpcBinding(server).core;
    const original = core.handleText.bind(core);
    let running = 0;
    let peak = 0;
    vi.spyOn(core, 'handleText').mockImplementation(async (text, session) => {
      peak = Math.max(peak, ++running);
      try {
        return await original(text, session);
      } finally {
        running--;
      }
    });
    const ws = await open(server);
    const answers: unknown[] = [];
    ws.on('message', (m) => answers.push(JSON.parse(String(m))));
    // Logins run scrypt, so several would overlap if nothing held them back.
    for (let i = 0; i < 6; i++) ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'login', params: ADMIN, id: i }));
    await until(() => answers.length === 6, 10_000);
    expect(peak).toBe(2);
    ws.close();
  });

  it('closes a socket that sends faster than the message rate with 1008', async () => {
    const server = await start({ maxMessagesPerSecond: 5 });
    const ws = await open(server);
    const done = closed(ws);
    for (let i = 0; i < 20; i++) ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'rpc.discover' }));
    expect(await done).toEqual({ code: 1008, reason: 'message rate exceeded' });
  });

  it('terminates a peer that stops answering pings, and keeps one that answers', async () => {
    const server = await start({ heartbeatMs: 150 });
    const deaf = await open(server, { autoPong: false });
    const alive = await open(server);
    const cut = closed(deaf);
    expect((await cut).code).toBe(1006);
    expect(alive.readyState).toBe(WebSocket.OPEN);
    const answer = new Promise((r) => alive.once('message', (m) => r(JSON.parse(String(m)))));
    alive.send(JSON.stringify({ jsonrpc: '2.0', method: 'login', params: ADMIN, id: 1 }));
    expect(await answer).toMatchObject({ id: 1, result: { token_type: 'Bearer' } });
    alive.close();
  });

  it('closes an idle socket with 1000 "idle timeout"', async () => {
    const server = await start({ idleTimeoutMs: 200 });
    const ws = await open(server);
    expect(await closed(ws)).toEqual({ code: 1000, reason: 'idle timeout' });
  });
});
