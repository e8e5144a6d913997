import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient } from '../../src/clients/rest.js';
import { plain, sio } from '../chat/support.js';
import { take } from '../events/support.js';
import { ALICE, BOB } from '../support/server.js';
import { dropPrefix, startPair, testPrefix } from './support.js';

const prefix = testPrefix('shared');
let pair: Awaited<ReturnType<typeof startPair>>;
beforeAll(async () => {
  pair = await startPair(prefix, { rateLimits: { callsPerMinute: 6, writesPerMinute: 0 } });
});
afterAll(async () => {
  await pair?.close();
  await dropPrefix(prefix);
});

describe('two instances sharing Redis (REDIS_URL)', () => {
  it('/readyz checks Redis beside storage', async () => {
    const res = await fetch(`${pair.b.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', database: 'ok', redis: 'ok' });
  });

  it('an event committed on A reaches a live subscriber on B, with its outbox id (replayable by id on B)', async () => {
    const { a, b } = pair;
    const admin = await b.token();
    const sub = new RestClient(b.url).subscribe(['product.created'], { token: admin });
    await sub.ready;
    const created = await new RestClient(a.url).call('createProduct', { name: 'Across', price: '3.50' }, await a.token());
    expect(created.ok).toBe(true);
    const [event] = await take(sub, 1);
    expect(event).toMatchObject({ type: 'product.created', data: { name: 'Across', price: '3.50' } });
    await sub.close();
    // Replay by id on B reads the same outbox row.
    const before = (BigInt(event!.id) - 1n).toString();
    const poll = await fetch(`${b.url}/api/v1/events?after=${before}&types=product.created`, { headers: { Authorization: `Bearer ${admin}`, Accept: 'application/json' } });
    expect(((await poll.json()) as { data: { id: string }[] }).data[0]).toMatchObject({ id: event!.id });
  });

  it('the plain chat delivers across instances: presence counts both, broadcasts and private messages cross', async () => {
    const { a, b } = pair;
    const onA = await plain(a, await a.token(ALICE));
    const welcomeA = await onA.inbox.next('connection_established');
    const onB = await plain(b, await b.token(BOB));
    const welcomeB = await onB.inbox.next('connection_established');
    expect(await onA.inbox.next('user_connected')).toMatchObject({ client_id: welcomeB.client_id, active_users: 2 });
    onB.send({ type: 'chat_message', text: 'hello from B' });
    expect(await onA.inbox.next('chat_message')).toMatchObject({ from: welcomeB.client_id, text: 'hello from B' });
    onA.send({ type: 'private_message', to: welcomeB.client_id, text: 'psst' });
    expect(await onB.inbox.next('private_message')).toMatchObject({ from: welcomeA.client_id, text: 'psst' });
    onA.ws.close();
    expect(await onB.inbox.next('user_disconnected')).toMatchObject({ client_id: welcomeA.client_id, active_users: 1 });
    onB.ws.close();
  });

  it('the Socket.IO chat delivers a room message across instances (@socket.io/redis-adapter)', async () => {
    const { a, b } = pair;
    const onA = await sio(a, await a.token(ALICE));
    const onB = await sio(b, await b.token(BOB));
    try {
      onA.socket.emit('login', { username: 'Alice' });
      onB.socket.emit('login', { username: 'Bob' });
      expect(await onA.socket.emitWithAck('join_room', { room_id: 'cross' })).toEqual({ ok: true });
      expect(await onB.socket.emitWithAck('join_room', { room_id: 'cross' })).toEqual({ ok: true });
      onB.socket.emit('send_message', { room_id: 'cross', message: 'from B' });
      expect(await onA.inbox.next('new_message')).toMatchObject({ room_id: 'cross', message: 'from B', username: 'Bob' });
    } finally {
      onA.socket.close();
      onB.socket.close();
    }
  });
  // Last: it spends Bob's call budget for the minute.
  it('rate limits count calls on both instances together', async () => {
    const { a, b } = pair;
    const token = await a.token(BOB);
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await new RestClient(i % 2 ? b.url : a.url).call('listProducts', {}, token);
      outcomes.push(r.ok ? 'ok' : r.kind);
    }
    // RATE_LIMIT_CALLS_PER_MINUTE=6 across the pair (Bob spent some in the chat tests): counted apart, 4 calls
    // on each instance would all pass; counted together, the budget runs out and stays out.
    const refused = outcomes.indexOf('RATE_LIMITED');
    expect(refused).toBeGreaterThanOrEqual(0);
    expect(refused).toBeLessThanOrEqual(6);
    expect(outcomes.slice(0, refused).every((o) => o === 'ok')).toBe(true);
    expect(outcomes.slice(refused).every((o) => o === 'RATE_LIMITED')).toBe(true);
  });
});
