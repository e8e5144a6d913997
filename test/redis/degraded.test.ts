import { afterAll, expect, it } from 'vitest';
import { RestClient } from '../../src/clients/rest.js';
import { sio } from '../chat/support.js';
import { ALICE, BOB, startServer, type TestServer } from '../support/server.js';
import { dropPrefix, redisRelay, testPrefix } from './support.js';

const prefix = testPrefix('degraded');
let server: TestServer | undefined;
let relay: Awaited<ReturnType<typeof redisRelay>> | undefined;
afterAll(async () => {
  await server?.close();
  await relay?.close();
  await dropPrefix(prefix);
});

const readiness = async (s: TestServer) => {
  const res = await fetch(`${s.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};

it('Redis lost while running: /readyz fails, calls go on with in-process limits, and it recovers when Redis is back', async () => {
  relay = await redisRelay();
  server = await startServer({ redis: { url: relay.url, prefix }, rateLimits: { callsPerMinute: 3, writesPerMinute: 0 } });
  const rest = new RestClient(server.url);
  const token = await server.token(BOB);
  expect(await readiness(server)).toEqual({ status: 200, body: { status: 'ready', database: 'ok', redis: 'ok' } });

  await relay.cut();
  let ready = await readiness(server);
  for (let i = 0; i < 50 && ready.status === 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await readiness(server);
  }
  expect(ready).toEqual({ status: 503, body: { status: 'unavailable', database: 'ok', redis: 'unreachable' } });

  // The limits fall back to this instance's own counters: still enforced, never a crash or a 500.
  const outcomes: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await rest.call('listProducts', {}, token);
    outcomes.push(r.ok ? 'ok' : r.kind);
  }
  expect(outcomes).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);

  // Socket.IO's adapter publishes without waiting for Redis: a failed publish must not crash the process,
  // and this instance's sockets still get the room's messages.
  const [one, two] = [await sio(server, await server.token(ALICE)), await sio(server, await server.token(ALICE))];
  try {
    one.socket.emit('login', { username: 'One' });
    two.socket.emit('login', { username: 'Two' });
    expect(await one.socket.emitWithAck('join_room', { room_id: 'offline' })).toEqual({ ok: true });
    expect(await two.socket.emitWithAck('join_room', { room_id: 'offline' })).toEqual({ ok: true });
    two.socket.emit('send_message', { room_id: 'offline', message: 'Redis is away' });
    expect(await one.inbox.next('new_message')).toMatchObject({ message: 'Redis is away' });
  } finally {
    one.socket.close();
    two.socket.close();
  }

  await relay.restore();
  let back = await readiness(server);
  for (let i = 0; i < 100 && back.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    back = await readiness(server);
  }
  expect(back).toEqual({ status: 200, body: { status: 'ready', database: 'ok', redis: 'ok' } });
});
